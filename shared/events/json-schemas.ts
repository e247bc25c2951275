import * as z from 'zod';
import { domainEventSchemas } from './domain-events.js';
import { type DomainEventType, domainEventSchemaVersion, domainEventTypes } from './event-types.js';

/** Where each event's JSON Schema is committed, relative to the project root. */
export const eventSchemaPath = (type: DomainEventType, version = domainEventSchemaVersion) => `shared/events/schemas/${type}.v${version}.json`;

/**
 * Each event type's JSON Schema (2020-12), rendered from its zod schema: what consumers validate
 * the `detail` of an EventBridge event against. Written by `npm run openapi`, checked in CI.
 */
export function renderEventSchemas(): { path: string; text: string }[] {
  return domainEventTypes.map((type) => {
    const schema = z.toJSONSchema(domainEventSchemas[type], { target: 'draft-2020-12' });
    const document = {
      $id: `https://approval.guchung.example.kr/schemas/events/${type}.v${domainEventSchemaVersion}.json`,
      title: `${type} v${domainEventSchemaVersion}`,
      description: `The detail of an EventBridge event with detail-type ${type} (source guchung.general-affairs.approvals).`,
      ...schema,
    };
    return { path: eventSchemaPath(type), text: `${JSON.stringify(document, null, 2)}\n` };
  });
}
