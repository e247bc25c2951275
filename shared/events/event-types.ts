import type { HistoryAction } from '../requests/history.js';

/**
 * The domain events the backend publishes for the office's other systems (e호조, the personnel
 * system, the intranet portal). Their names and versions only; shapes and the mapping from a
 * committed change are in domain-events.ts. Kinds name the events of their own process here too.
 */
export const domainEventTypes = [
  'RequestSubmitted',
  'RequestResubmitted',
  'StepDecided',
  'SupplementRequested',
  'SupplementAnswered',
  'RequestApproved',
  'RequestRejected',
  'RequestReturned',
  'RequestWithdrawn',
  'RequestRecalled',
  'ReimbursementPaid',
  'BookingAssigned',
  'BookingCancelled',
  'TripLogged',
  'RepairCompleted',
  'TransferEffective',
  'RecordDestroyed',
] as const;
export type DomainEventType = (typeof domainEventTypes)[number];

/** Events of a kind's own process: which history action publishes which event, and the facts the event carries. */
export interface KindEvents<Req> {
  on: Partial<Record<HistoryAction, DomainEventType>>;
  /**
   * What the kind's own events say of the request: ids, dates, amounts — never a health detail,
   * a name or free text (the other systems look people up by id).
   */
  facts(request: Req): Record<string, string | number | boolean>;
}

/** Every event's `schemaVersion`: bumped (and a new schema file committed beside the old) when a shape changes incompatibly. */
export const domainEventSchemaVersion = 1;
/** EventBridge `Source` of every event. */
export const domainEventSource = 'guchung.general-affairs.approvals';
