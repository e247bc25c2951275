import { access, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, domainEventSchemas } from '../events/domain-events.js';
import { domainEventSource } from '../events/event-types.js';
import type { EventBus } from '../ports/event-bus.js';

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_MAX = 10;

/**
 * EventBridge: each event an entry of `Source` = the backend, `DetailType` = its type, `Detail` =
 * the event. Entries the bus refuses (FailedEntryCount, an ErrorCode per entry) are answered as
 * failed; a call that fails outright fails all of its entries and those after it.
 */
export function makeEventBridgeBus(client: EventBridgeClient, busName: string): EventBus {
  return {
    async publish(events) {
      const failed: number[] = [];
      for (let start = 0; start < events.length; start += PUT_EVENTS_MAX) {
        const chunk = events.slice(start, start + PUT_EVENTS_MAX);
        const result = await client.send(
          new PutEventsCommand({
            Entries: chunk.map((event) => ({
              EventBusName: busName,
              Source: domainEventSource,
              DetailType: event.type,
              Detail: JSON.stringify(event),
              Time: new Date(event.occurredAt),
            })),
          }),
        );
        (result.Entries ?? []).forEach((entry, index) => {
          if (entry.ErrorCode) failed.push(start + index);
        });
        // Order matters to a consumer reading one request's events: nothing after a refused entry goes before it.
        if (failed.length > 0) {
          for (let rest = start + chunk.length; rest < events.length; rest++) failed.push(rest);
          break;
        }
      }
      return { failed };
    },
  };
}

/**
 * Locally: one JSON file per event in `directory`, named so that a listing sorts in publishing
 * order (`<sequence>-<type>-<event id>.json`, the sequence going on from the files already there),
 * written whole (a temporary name, then renamed). A `.unavailable` file in the directory makes the
 * bus refuse everything, as a fault to recover from.
 */
export function makeOutboxEventBus(directory: string): EventBus {
  let next: number | undefined;
  async function sequence(): Promise<number> {
    if (next === undefined) {
      const names = await readdir(directory).catch(() => [] as string[]);
      next = names.reduce((max, name) => Math.max(max, Number.parseInt(name.slice(0, 8), 10) || 0), 0) + 1;
    }
    return next++;
  }
  return {
    async publish(events) {
      const unavailable = await access(join(directory, '.unavailable')).then(
        () => true,
        () => false,
      );
      if (unavailable) return { failed: events.map((_, index) => index) };
      await mkdir(directory, { recursive: true });
      for (const event of events) {
        domainEventSchemas[event.type].parse(event);
        const name = `${String(await sequence()).padStart(8, '0')}-${event.type}-${event.eventId}.json`;
        const detail: { source: string; 'detail-type': DomainEvent['type']; detail: DomainEvent } = {
          source: domainEventSource,
          'detail-type': event.type,
          detail: event,
        };
        await writeFile(join(directory, `.${name}.tmp`), `${JSON.stringify(detail, null, 2)}\n`);
        await rename(join(directory, `.${name}.tmp`), join(directory, name));
      }
      return { failed: [] };
    },
  };
}
