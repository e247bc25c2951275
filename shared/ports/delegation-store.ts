/** 대결 periods, as the use cases read and change them. */

/** 대결: "from date to date, <deputy> decides for me" (Seoul dates, inclusive). */
export interface Delegation {
  principalId: string;
  deputyId: string;
  from: string;
  to: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** What the timer sweep still has to do: re-route waiting steps at the start, hand them back after the end. */
  pendingTimer?: { kind: 'start' | 'end'; at: string };
}

export interface DelegationStore {
  /** Creates or replaces the principal's delegation starting on `from`. */
  put(delegation: Delegation): Promise<void>;
  /** A principal's delegations, by start date. */
  listFor(principalId: string): Promise<Delegation[]>;
  /** Delegations whose start or end the sweep has not handled yet, due at or before `now`. */
  due(now: string, limit: number): Promise<Delegation[]>;
  setTimer(principalId: string, from: string, timer: Delegation['pendingTimer']): Promise<void>;
  /** Removes the principal's delegation starting on `from` (ended early); false if there was none. */
  remove(principalId: string, from: string): Promise<boolean>;
}
