import type { DomainEvent } from '../events/domain-events.js';

/**
 * Where domain events go for the office's other systems: EventBridge in AWS, files locally.
 * `publish` puts the events in order and answers the indexes of those the bus refused (to retry).
 */
export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<{ failed: number[] }>;
}
