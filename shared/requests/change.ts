import { RecordedEvents } from '../finance/accounting.js';
import type { RequestChange } from '../ports/request-store.js';
import type { HistoryEvent } from './history.js';
import type { ApprovalRequest } from './kinds/index.js';

/**
 * What to save: the request after a transition, guarded by the version it had before (none for a
 * new request), its events accounted against it, and whatever else changes in the same transaction.
 */
export function changeOf(
  before: { version: number } | undefined,
  after: { request: ApprovalRequest; events: HistoryEvent[] },
  with_: Omit<RequestChange, 'request' | 'expectedVersion' | 'events'> = {},
): RequestChange {
  return { ...with_, request: after.request, expectedVersion: before?.version, events: RecordedEvents.of(after.request, after.events) };
}
