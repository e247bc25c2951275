import type { DomainEvent } from '../events/domain-events.js';
import type { EventBus } from '../ports/event-bus.js';

/** A record of the table's stream, as the publisher sees it: its place in the shard and the new item (if any). */
export interface StreamRecord {
  sequenceNumber: string;
  /** The outbox event the new item holds; undefined for a record that is not an outbox insert (skipped). */
  event: DomainEvent | undefined;
}

export interface PublishOutcome {
  published: number;
  /** The first record not published: the stream gives it (and what follows it) again. */
  retryFrom?: string;
}

/**
 * Primary course: the outbox events of a batch of stream records, in stream order, go to the bus;
 * the first one the bus refuses, and everything after it, are left for the stream to redeliver
 * (Lambda resumes a shard at the lowest failed sequence number), so no event is lost and none of a
 * request's overtakes an earlier one. Redelivery may repeat an event: consumers key on `eventId`.
 */
export function makeEventPublisher(deps: { bus: EventBus }) {
  return async function publish(records: readonly StreamRecord[]): Promise<PublishOutcome> {
    const outbox = records.flatMap((record) => (record.event ? [{ sequenceNumber: record.sequenceNumber, event: record.event }] : []));
    if (outbox.length === 0) return { published: 0 };
    const { failed } = await deps.bus.publish(outbox.map((record) => record.event));
    const first = failed.length > 0 ? Math.min(...failed) : undefined;
    if (first === undefined) return { published: outbox.length };
    return { published: first, retryFrom: outbox[first]?.sequenceNumber };
  };
}
