import * as z from 'zod';
import { eventBridge } from '../shared/adapters/aws/eventbridge-client.js';
import { makeEventBridgeBus, makeOutboxEventBus } from '../shared/adapters/event-buses.js';
import { readConfig } from '../shared/kernel/config.js';
import type { EventBus } from '../shared/ports/event-bus.js';

/** `EVENTS_TRANSPORT`: `eventbridge` (AWS: the bus `EVENT_BUS_NAME`) or `outbox` (locally: JSON files in `EVENTS_OUTBOX_DIR`). */
export function eventBusFromEnv(): EventBus {
  const { EVENTS_TRANSPORT } = readConfig({ EVENTS_TRANSPORT: z.enum(['eventbridge', 'outbox']) });
  return EVENTS_TRANSPORT === 'eventbridge'
    ? makeEventBridgeBus(eventBridge, readConfig({ EVENT_BUS_NAME: z.string().min(1) }).EVENT_BUS_NAME)
    : makeOutboxEventBus(readConfig({ EVENTS_OUTBOX_DIR: z.string().min(1) }).EVENTS_OUTBOX_DIR);
}
