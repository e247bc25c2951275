import * as z from 'zod';
import type { HistoryAction, HistoryEvent } from '../requests/history.js';
import { kindById } from '../requests/kinds/index.js';
import type { BaseRequest } from '../requests/request.js';
import { type DomainEventType, domainEventSchemaVersion, domainEventTypes } from './event-types.js';

/**
 * What every domain event carries. Ids, never names; no details of the request, no comments or
 * other free text, no documents: the office's other systems look people up by id, and a health
 * kind's event says no more than finance's monthly view does (the kind, the department, amounts).
 */
const envelope = {
  schemaVersion: z.literal(domainEventSchemaVersion),
  /** Unique per event and stable across redeliveries: consumers use it as their idempotency key. */
  eventId: z.string().min(1),
  occurredAt: z.iso.datetime(),
  requestId: z.string(),
  kind: z.string(),
  round: z.int().positive(),
  /** The request's status once the change committed. */
  status: z.string(),
  requesterId: z.string(),
  departmentId: z.string(),
  /** 문서번호, once finally decided. */
  documentNumber: z.string().optional(),
  /** Who acted (`system` for the workflow and the timers), and for whom (대결). */
  actor: z.object({ id: z.string(), actingForId: z.string().optional() }),
  channel: z.string().optional(),
};

const stepIndex = z.int().nonnegative();
const facts = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Each event's own fields, beside the envelope. */
const ownFields = {
  RequestSubmitted: { amountRequestedKrw: z.int().optional() },
  RequestResubmitted: { amountRequestedKrw: z.int().optional() },
  StepDecided: { stepIndex, decision: z.string().optional(), markers: z.array(z.enum(['전결', '대결'])).optional() },
  SupplementRequested: { stepIndex: stepIndex.optional(), documentTypes: z.array(z.string()).optional(), answerBy: z.string().optional() },
  SupplementAnswered: { amountRequestedKrw: z.int().optional() },
  RequestApproved: { approvedAmountKrw: z.int().optional() },
  RequestRejected: {},
  RequestReturned: {},
  RequestWithdrawn: {},
  RequestRecalled: {},
  ReimbursementPaid: { amountKrw: z.int().nonnegative(), paidAt: z.string(), batchId: z.string() },
  BookingAssigned: { facts },
  BookingCancelled: { facts },
  TripLogged: { facts },
  RepairCompleted: { facts },
  TransferEffective: { facts },
  /** The rule it was destroyed under (파기 대장 has the rest). */
  RecordDestroyed: { rule: z.string().optional() },
} satisfies Record<DomainEventType, z.ZodRawShape>;

const schemaOf = <T extends DomainEventType>(type: T) => z.strictObject({ type: z.literal(type), ...envelope, ...ownFields[type] });

/** Each event type's schema (published as JSON Schema, `shared/events/schemas/<type>.v<version>.json`). */
export const domainEventSchemas = Object.fromEntries(domainEventTypes.map((type) => [type, schemaOf(type)])) as {
  [T in DomainEventType]: ReturnType<typeof schemaOf<T>>;
};
export const domainEventSchema = z.discriminatedUnion(
  'type',
  domainEventTypes.map((type) => domainEventSchemas[type]) as unknown as [
    ReturnType<typeof schemaOf<DomainEventType>>,
    ...ReturnType<typeof schemaOf<DomainEventType>>[],
  ],
);
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** History actions every kind publishes. A kind adds the events of its own process (`KindSpec.events`). */
const everyKind: Partial<Record<HistoryAction, DomainEventType>> = {
  submitted: 'RequestSubmitted',
  resubmitted: 'RequestResubmitted',
  decided: 'StepDecided',
  'supplement-requested': 'SupplementRequested',
  supplemented: 'SupplementAnswered',
  approved: 'RequestApproved',
  rejected: 'RequestRejected',
  returned: 'RequestReturned',
  withdrawn: 'RequestWithdrawn',
  recalled: 'RequestRecalled',
  paid: 'ReimbursementPaid',
  destroyed: 'RecordDestroyed',
};

/**
 * The events a committed change publishes: for each history event it records, the event every
 * kind publishes for that action, then the kind's own. Pure; the store writes them in the
 * change's own transaction (the outbox), so they exist exactly when the change does.
 * `eventIdOf(i)` names the i-th event of the change.
 */
export function domainEventsOf(request: BaseRequest, recorded: readonly HistoryEvent[], eventIdOf: (index: number) => string): DomainEvent[] {
  const kind = kindById(request.kind);
  const own = kind.events as { on: Partial<Record<HistoryAction, DomainEventType>>; facts(request: BaseRequest): z.infer<typeof facts> } | undefined;
  const events: DomainEvent[] = [];
  for (const event of recorded) {
    const types = [everyKind[event.action], own?.on[event.action]].filter((type): type is DomainEventType => type !== undefined);
    for (const type of types) {
      events.push(
        domainEventSchema.parse({
          type,
          schemaVersion: domainEventSchemaVersion,
          eventId: eventIdOf(events.length),
          occurredAt: event.at,
          requestId: request.id,
          kind: request.kind,
          round: event.round ?? request.round,
          status: request.status,
          requesterId: request.requesterId,
          departmentId: request.departmentId,
          ...(request.registration ? { documentNumber: request.registration.number } : {}),
          actor: { id: event.actorId, ...(event.actingForId ? { actingForId: event.actingForId } : {}) },
          ...(event.channel ? { channel: event.channel } : {}),
          ...fieldsOf(type, request, event, own),
        }),
      );
    }
  }
  return events;
}

function fieldsOf(
  type: DomainEventType,
  request: BaseRequest,
  event: HistoryEvent,
  own: { facts(request: BaseRequest): z.infer<typeof facts> } | undefined,
): Record<string, unknown> {
  const requested = request.amountRequested !== undefined ? { amountRequestedKrw: request.amountRequested } : {};
  switch (type) {
    case 'RequestSubmitted':
    case 'RequestResubmitted':
    case 'SupplementAnswered':
      return requested;
    case 'StepDecided':
      return {
        stepIndex: event.stepIndex ?? request.currentStage,
        ...(event.decision ? { decision: event.decision } : {}),
        ...(event.markers ? { markers: event.markers } : {}),
      };
    case 'SupplementRequested':
      return {
        ...(event.stepIndex !== undefined ? { stepIndex: event.stepIndex } : {}),
        ...(request.supplement?.documentTypes ? { documentTypes: request.supplement.documentTypes } : {}),
        ...(request.supplement ? { answerBy: request.supplement.answerBy } : {}),
      };
    case 'RequestApproved':
      return request.reimbursableAmount !== undefined ? { approvedAmountKrw: request.reimbursableAmount } : {};
    case 'ReimbursementPaid': {
      const payment = request.payment;
      if (!payment) throw new Error(`request ${request.id} recorded a payment without one`);
      return { amountKrw: payment.amountKrw, paidAt: payment.paidAt, batchId: payment.batchId };
    }
    case 'RecordDestroyed':
      return request.destroyed ? { rule: request.destroyed.rule } : {};
    case 'BookingAssigned':
    case 'BookingCancelled':
    case 'TripLogged':
    case 'RepairCompleted':
    case 'TransferEffective':
      return { facts: own?.facts(request) ?? {} };
    default:
      return {};
  }
}
