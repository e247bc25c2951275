import type { HistoryEvent } from '../requests/history.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { financeTraitsOf } from '../requests/per-kind.js';
import type { FinanceFigures, FinanceKey } from './figures.js';
import { monthOf } from './totals.js';

/**
 * Monthly totals are maintained, not recomputed: every history event that moves money carries
 * what it moved (`finance`), and the same transaction adds it to its month's aggregate items.
 * This is where what an event moves is decided, from the request as it is saved with the event:
 * - submitted: one claim and its requested amount; revised (while returned) or supplemented (보완, in
 *   review): the change of that amount
 * - approved: one approval and the approved (reimbursable) amount; what approval commits (a repair's estimate)
 * - rejected, withdrawn: one each (the requested amount stays in the month it was requested)
 * - paid: one payment and the amount paid
 * - work-reported: a repair's actual cost; reopened: that cost taken back
 */

const clean = (figures: FinanceFigures): FinanceFigures | undefined => {
  const kept = Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== undefined && value !== 0));
  return Object.keys(kept).length > 0 ? kept : undefined;
};

const numberIn = (record: Record<string, unknown> | undefined, key: string): number | undefined => {
  const value = record?.[key];
  return typeof value === 'number' ? value : undefined;
};

/** What one event of `request` (the request as saved with it) moves; undefined when it moves nothing. */
export function figuresOf(request: ApprovalRequest, event: HistoryEvent): FinanceFigures | undefined {
  const requested = request.amountRequested;
  switch (event.action) {
    case 'submitted':
      return clean({ submitted: 1, requestedKrw: requested });
    case 'revised':
    case 'supplemented':
      return clean({ requestedKrw: (requested ?? 0) - (event.snapshot?.amountRequested ?? 0) });
    case 'approved':
      return clean({ approved: 1, approvedKrw: request.reimbursableAmount, committedKrw: financeTraitsOf(request).committedKrw });
    case 'rejected':
      return { rejected: 1 };
    case 'withdrawn':
      return { withdrawn: 1 };
    case 'paid':
      return clean({ paid: 1, paidKrw: request.payment?.amountKrw });
    case 'work-reported':
      return clean({ actualKrw: numberIn(event.input, 'actualCostKrw') });
    case 'reopened':
      return clean({ actualKrw: -(numberIn(event.input, 'actualCostKrw') ?? 0) });
    default:
      return undefined;
  }
}

/** Where an event of `request` at `at` is totalled: its Seoul month, kind and department, and building where the kind has one. */
export function financeKeyOf(request: ApprovalRequest, at: string): FinanceKey {
  const building = financeTraitsOf(request).building;
  return { month: monthOf(at), kind: request.kind, departmentId: request.departmentId, ...(building ? { building } : {}) };
}

/** An event as saved: stamped with what it moved and where that is totalled. */
export interface RecordedEvent {
  event: HistoryEvent;
  financeKey?: FinanceKey;
}

/**
 * The events of one change, accounted against the request as the change saves it. The store takes
 * only these (`RequestChange.events`), so no event reaches the table without its money counted.
 */
export class RecordedEvents {
  private constructor(readonly items: readonly RecordedEvent[]) {}

  static of(request: ApprovalRequest, events: readonly HistoryEvent[]): RecordedEvents {
    return new RecordedEvents(
      events.map((event) => {
        const finance = event.finance ?? figuresOf(request, event);
        return finance ? { event: { ...event, finance }, financeKey: financeKeyOf(request, event.at) } : { event };
      }),
    );
  }

  get events(): HistoryEvent[] {
    return this.items.map((item) => item.event);
  }
}
