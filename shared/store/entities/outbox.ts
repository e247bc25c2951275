import { randomBytes } from 'node:crypto';
import { type DomainEvent, domainEventSchema, domainEventsOf } from '../../events/domain-events.js';
import type { RequestChange } from '../../ports/request-store.js';
import { type GuardedItem, toEpochSeconds, ttlAttribute } from './transact.js';

/**
 * The transactional outbox: a change's domain events, as items of the change's own transaction
 * (`REQUEST#<id>` / `OUTBOX#<at>#<event id>`), beside the request. The table's stream carries each
 * new one to the publisher, which puts it on the event bus; so an event exists exactly when its
 * change committed. The items go a week later (TTL): by then the stream, which keeps records for a
 * day, has long delivered them.
 */
export const outboxPrefix = 'OUTBOX#';
const KEPT_SECONDS = 7 * 24 * 3600;

/** The event's id: the request, the time, and random bits (two changes of one request in one millisecond stay apart). */
const newEventId = (requestId: string, at: string, index: number) =>
  `${requestId}-${at.replace(/[-:.]/g, '')}-${index}-${randomBytes(4).toString('hex')}`;

export function outboxEventsOf(change: RequestChange): DomainEvent[] {
  const recorded = change.events.items.map((item) => item.event);
  const at = change.request.updatedAt;
  return domainEventsOf(change.request, recorded, (index) => newEventId(change.request.id, at, index));
}

export function putOutbox(tableName: string, event: DomainEvent): GuardedItem {
  return {
    guard: { entity: 'event' },
    item: {
      Put: {
        TableName: tableName,
        Item: {
          pk: `REQUEST#${event.requestId}`,
          sk: `${outboxPrefix}${event.occurredAt}#${event.eventId}`,
          outboxEvent: event,
          [ttlAttribute]: toEpochSeconds(event.occurredAt) + KEPT_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** The event an outbox item holds (as the stream's new image carries it, unmarshalled). */
export const readOutbox = (item: Record<string, unknown>): DomainEvent => domainEventSchema.parse(item['outboxEvent']);
