import { ConflictError } from '../kernel/errors.js';
import { formatKrw } from '../kernel/seoul-time.js';
import type { LedgerChange, RequestStore } from '../ports/request-store.js';
import type { Assessment, LedgerClaim } from '../requests/kind.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';

/** A claim with nothing left under its yearly cap. */
export class CapExhaustedError extends ConflictError {}

export interface Reservation {
  reimbursableAmount?: number;
  ledgers?: ApprovalRequest['ledgers'];
  changes?: LedgerChange[];
}

/**
 * What a claim may take in its ledgers, given what the person's other claims there already hold:
 * a place (count-limited ledgers), and in an amount-capped one the amount still under the cap — a
 * claim is partly covered when it is more than what is left, refused when nothing is. `current`
 * are the claim's own places when it is being revised: a place it keeps is not taken again (a
 * revision never competes with itself), a place it leaves is given back. The ledger changes
 * returned carry the conditions that keep concurrent claims from passing a limit together; if one
 * fails, read again and retry.
 */
export async function reserveInLedgers(
  requests: RequestStore,
  input: { personId: string; kindLabel: string; assessment: Assessment<unknown>; current?: ApprovalRequest['ledgers'] },
): Promise<Reservation> {
  const { personId, kindLabel, assessment } = input;
  const current = new Map((input.current ?? []).map((place) => [place.key, place]));
  const claims = assessment.ledgers ?? [];
  const wanted = new Set(claims.map((claim) => claim.key));
  const changes: LedgerChange[] = [...current.values()]
    .filter((place) => !wanted.has(place.key))
    .map(({ key, amount }) => ({ personId, key, remove: { amount } }));
  const ledgers: NonNullable<ApprovalRequest['ledgers']> = [];
  let reimbursableAmount = assessment.reimbursableAmount;

  for (const claim of claims) {
    const own = current.get(claim.key);
    if (claim.capKrw === undefined) {
      ledgers.push({ key: claim.key });
      if (!own) changes.push({ personId, key: claim.key, add: { maxRequests: claim.maxRequests } });
      continue;
    }
    const cap = claim.capKrw;
    const usage = await requests.ledgerUsage(personId, claim.key);
    const ownAmount = own?.amount ?? 0;
    const others = usage.reservedKrw - ownAmount;
    const remaining = cap - others;
    if (remaining <= 0) {
      throw new CapExhaustedError(
        `${claim.periodLabel} ${kindLabel} 지원 한도 ${formatKrw(cap)}를 이미 모두 사용했습니다 (사용액 ${formatKrw(others)}). 더 지원받을 수 없습니다.`,
      );
    }
    const claimed = assessment.reimbursableAmount ?? assessment.amountRequested ?? 0;
    const amount = Math.min(claimed, remaining);
    reimbursableAmount = amount;
    ledgers.push({ key: claim.key, amount });
    if (!own) {
      changes.push({ personId, key: claim.key, add: { maxRequests: claim.maxRequests, amount, maxReservedBefore: cap - amount } });
    } else if (amount !== ownAmount) {
      const delta = amount - ownAmount;
      changes.push({ personId, key: claim.key, adjust: { delta, maxReservedBefore: cap - delta } });
    }
  }
  return { reimbursableAmount, ledgers: ledgers.length > 0 ? ledgers : undefined, changes: changes.length > 0 ? changes : undefined };
}

/** What a person is told when a ledger the claim needs is full: the kind's own words, or "already claimed this period". */
export function duplicateMessage(claim: LedgerClaim | undefined, kindLabel: string): string {
  if (!claim) return `${kindLabel}은(는) 이미 청구하셨습니다.`;
  return claim.duplicateMessage ?? `${claim.periodLabel} ${kindLabel}은(는) 이미 청구하셨습니다 (1인 연 ${claim.maxRequests ?? 1}회).`;
}
