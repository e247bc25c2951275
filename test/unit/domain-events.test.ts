import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { eventConsumers } from '../../shared/events/consumers.js';
import { type DomainEvent, domainEventsOf } from '../../shared/events/domain-events.js';
import { domainEventTypes } from '../../shared/events/event-types.js';
import { eventSchemaPath, renderEventSchemas } from '../../shared/events/json-schemas.js';
import type { EventBus } from '../../shared/ports/event-bus.js';
import type { HistoryEvent } from '../../shared/requests/history.js';
import type { RequestOf } from '../../shared/requests/kinds/index.js';
import type { BaseRequest } from '../../shared/requests/request.js';
import { makeEventPublisher } from '../../shared/use-cases/publish-events.js';
import { requestInReview } from '../fixtures/requests.js';

const root = new URL('../../', import.meta.url);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = Object.fromEntries(
  domainEventTypes.map((type) => [type, ajv.compile(JSON.parse(readFileSync(new URL(eventSchemaPath(type), root), 'utf8')))]),
);
/** Each event is what its committed JSON Schema (the consumers' contract) says. */
const conforming = (events: DomainEvent[]) => {
  for (const event of events) {
    const validate = validators[event.type];
    expect(validate?.(event), JSON.stringify(validate?.errors)).toBe(true);
  }
  return events;
};

const at = '2026-03-02T01:00:00.000Z';
const ids = (index: number) => `E-${index}`;
const event = (action: HistoryEvent['action'], extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  at,
  actorId: 'E1034',
  action,
  channel: 'api',
  ...extra,
});
const claim = requestInReview([{ role: 'welfare-officer', approverId: 'E1016', stage: 0 } as never], at, {
  amountRequested: 420_000,
  reimbursableAmount: 400_000,
});

describe('domain events of a committed change', () => {
  it('a submission publishes one RequestSubmitted with ids and the amount, nothing of the health details or the names', () => {
    const [submitted, ...rest] = conforming(domainEventsOf(claim, [event('submitted'), event('routed'), event('notified')], ids));
    expect(rest).toEqual([]);
    expect(submitted).toEqual({
      type: 'RequestSubmitted',
      schemaVersion: 1,
      eventId: 'E-0',
      occurredAt: at,
      requestId: 'R1',
      kind: 'health-checkup',
      round: 1,
      status: 'in-review',
      requesterId: 'E1034',
      departmentId: 'jobs-economy',
      actor: { id: 'E1034' },
      channel: 'api',
      amountRequestedKrw: 420_000,
    });
    const text = JSON.stringify(submitted);
    for (const secret of ['한빛검진센터', '진우석', 'checkupDate', '2026-03-02"', 'details']) expect(text).not.toContain(secret);
  });

  it('a decision names the step, the decision and 대결; the final approval its amount; comments never travel', () => {
    const approved: BaseRequest = {
      ...claim,
      status: 'approved',
      registration: { number: '총무과-7', departmentId: 'general-affairs', year: '2026', sequence: 7, at },
    };
    const events = conforming(
      domainEventsOf(
        approved,
        [
          event('decided', {
            actorId: 'E1015',
            actingForId: 'E1005',
            stepIndex: 1,
            decision: 'approve',
            markers: ['대결'],
            comment: '검진 결과 이상 소견',
          }),
          event('approved', { actorId: 'system', channel: 'workflow' }),
        ],
        ids,
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['StepDecided', 'RequestApproved']);
    expect(events[0]).toMatchObject({
      stepIndex: 1,
      decision: 'approve',
      markers: ['대결'],
      actor: { id: 'E1015', actingForId: 'E1005' },
      documentNumber: '총무과-7',
    });
    expect(events[1]).toMatchObject({ approvedAmountKrw: 400_000, status: 'approved' });
    expect(JSON.stringify(events)).not.toContain('이상 소견');
  });

  it('payment publishes ReimbursementPaid, the only event the finance consumer takes', () => {
    const paid: BaseRequest = { ...claim, status: 'paid', payment: { amountKrw: 400_000, paidAt: at, paidBy: 'E1029', batchId: 'B1' } };
    const events = conforming(domainEventsOf(paid, [event('paid', { actorId: 'E1029' })], ids));
    expect(events).toEqual([expect.objectContaining({ type: 'ReimbursementPaid', amountKrw: 400_000, paidAt: at, batchId: 'B1' })]);
    expect(events.filter((e) => (eventConsumers.finance.types as readonly string[]).includes(e.type))).toHaveLength(1);
  });

  it("a kind adds its own process's events with its facts: an approved booking is also BookingAssigned with the vehicle", () => {
    const booking = {
      ...claim,
      kind: 'vehicle-booking',
      status: 'approved',
      details: {
        vehicleClass: 'passenger-mid',
        from: '2026-03-03T09:00:00+09:00',
        to: '2026-03-03T18:00:00+09:00',
        purpose: '점검',
        destination: '관내',
        passengers: 2,
      },
      booking: {
        vehicleId: 'V0001',
        plate: '12가3456',
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-03T09:00:00.000Z',
        assignedBy: 'E1010',
        assignedAt: at,
        suggested: true,
      },
    } as unknown as RequestOf<'vehicle-booking'>;
    const events = conforming(domainEventsOf(booking, [event('approved', { actorId: 'system' })], ids));
    expect(events.map((e) => e.type)).toEqual(['RequestApproved', 'BookingAssigned']);
    expect(events[1]).toMatchObject({ facts: { vehicleId: 'V0001', from: '2026-03-03T00:00:00.000Z', to: '2026-03-03T09:00:00.000Z' } });
    expect(events.map((e) => e.eventId)).toEqual(['E-0', 'E-1']);
  });

  it('the committed JSON Schemas are the ones the code renders (npm run openapi writes them)', () => {
    for (const schema of renderEventSchemas()) expect(readFileSync(new URL(schema.path, root), 'utf8'), schema.path).toBe(schema.text);
  });
});

describe('publishing the outbox', () => {
  const submitted = domainEventsOf(claim, [event('submitted')], ids)[0] as DomainEvent;
  const records = [
    { sequenceNumber: '100', event: submitted },
    { sequenceNumber: '101', event: undefined }, // a request item on the stream: not an outbox insert
    { sequenceNumber: '102', event: { ...submitted, eventId: 'E-2' } },
    { sequenceNumber: '103', event: { ...submitted, eventId: 'E-3' } },
  ];
  const bus = (refuse: (event: DomainEvent) => boolean): EventBus & { seen: DomainEvent[][] } => {
    const seen: DomainEvent[][] = [];
    return {
      seen,
      publish: async (events) => {
        seen.push([...events]);
        return { failed: events.flatMap((e, index) => (refuse(e) ? [index] : [])) };
      },
    };
  };

  it('puts the outbox events of a batch on the bus in stream order, skipping other records', async () => {
    const accepting = bus(() => false);
    expect(await makeEventPublisher({ bus: accepting })(records)).toEqual({ published: 3 });
    expect(accepting.seen).toEqual([[submitted, records[2]?.event, records[3]?.event]]);
  });

  it('leaves the first refused event, and all after it, for the stream to give again', async () => {
    const refusing = bus((e) => e.eventId === 'E-2');
    expect(await makeEventPublisher({ bus: refusing })(records)).toEqual({ published: 1, retryFrom: '102' });
  });
});
