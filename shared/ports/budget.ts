/** A budget line's running figures for a year, moved in the same transaction as the request that moves them. */

/** Deltas (KRW) to one budget line's figures for one year. */
export interface BudgetChange {
  line: string;
  year: number;
  committedKrw?: number;
  spentKrw?: number;
  outstandingKrw?: number;
}

export interface BudgetFigures {
  committedKrw: number;
  spentKrw: number;
  outstandingKrw: number;
}
