import { ConflictError } from '../kernel/errors.js';
import { formatKrw } from '../kernel/seoul-time.js';
import type { LedgerChange, RequestStore } from '../ports/ports.js';
import type { Assessment } from '../requests/kinds/request-kind.js';
import type { ApprovalRequest } from '../requests/request.js';

/** A claim with nothing left under its yearly cap. */
export class CapExhaustedError extends ConflictError {}

export interface Reservation {
  reimbursableAmount?: number;
  ledger?: ApprovalRequest['ledger'];
  changes?: LedgerChange[];
}

/**
 * What a claim may take in its ledger, given what the person's other claims there already hold:
 * a place (count-limited kinds), and for amount-capped kinds the amount still under the cap — a
 * claim is partly covered when it is more than what is left, refused when nothing is.
 * `current` is the claim's own reservation when it is being revised. The ledger changes returned
 * carry the conditions that keep concurrent claims from passing the cap together; if one fails,
 * read again and retry.
 */
export async function reserveInLedger(
  requests: RequestStore,
  input: { personId: string; kindLabel: string; assessment: Assessment; current?: ApprovalRequest['ledger'] },
): Promise<Reservation> {
  const { personId, kindLabel, assessment, current } = input;
  const release: LedgerChange[] = current ? [{ personId, key: current.key, remove: { amount: current.amount } }] : [];
  const ledger = assessment.ledger;
  if (!ledger) return { reimbursableAmount: assessment.reimbursableAmount, changes: release.length > 0 ? release : undefined };
  const sameKey = current?.key === ledger.key;

  if (ledger.capKrw === undefined) {
    return {
      reimbursableAmount: assessment.reimbursableAmount,
      ledger: { key: ledger.key },
      changes: sameKey ? undefined : [...release, { personId, key: ledger.key, add: { maxRequests: ledger.maxRequests } }],
    };
  }

  const cap = ledger.capKrw;
  const usage = await requests.ledgerUsage(personId, ledger.key);
  const own = sameKey ? (current?.amount ?? 0) : 0;
  const others = usage.reservedKrw - own;
  const remaining = cap - others;
  if (remaining <= 0) {
    throw new CapExhaustedError(
      `${ledger.periodLabel} ${kindLabel} 지원 한도 ${formatKrw(cap)}를 이미 모두 사용했습니다 (사용액 ${formatKrw(others)}). 더 지원받을 수 없습니다.`,
    );
  }
  const claimed = assessment.reimbursableAmount ?? assessment.amountRequested ?? 0;
  const reimbursableAmount = Math.min(claimed, remaining);
  const delta = reimbursableAmount - own;
  const changes: LedgerChange[] = sameKey
    ? delta === 0
      ? []
      : [{ personId, key: ledger.key, adjust: { delta, maxReservedBefore: cap - delta } }]
    : [
        ...release,
        {
          personId,
          key: ledger.key,
          add: { maxRequests: ledger.maxRequests, amount: reimbursableAmount, maxReservedBefore: cap - reimbursableAmount },
        },
      ];
  return { reimbursableAmount, ledger: { key: ledger.key, amount: reimbursableAmount }, changes: changes.length > 0 ? changes : undefined };
}
