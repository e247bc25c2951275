import * as z from 'zod';
import { dynamoDb } from '../../shared/adapters/aws/dynamodb-client.js';
import { readConfig } from '../../shared/kernel/config.js';
import { outboxPrefix, readOutbox } from '../../shared/store/entities/outbox.js';
import { requestKey } from '../../shared/store/entities/request.js';
import { queryAll } from '../../shared/store/query-all.js';
import { eventBusFromEnv } from '../events-wiring.js';
import { log, observedHandler } from '../observability.js';

const { TABLE_NAME } = readConfig({ TABLE_NAME: z.string().min(1) });
const bus = eventBusFromEnv();
const input = z.object({
  requestIds: z
    .array(z.string().regex(/^R[0-9A-Za-z-]{1,60}$/))
    .min(1)
    .max(100),
});

/**
 * Invoked by an operator (runbook: the publisher's dead-letter queue) with
 * `{"requestIds": ["R…", …]}`: puts every outbox event still kept for those requests (a week after
 * each change) on the bus again, in their order. Consumers key on `eventId`, so the ones they had
 * already are ignored; the ones they missed arrive.
 */
export const handler = observedHandler(async (event: unknown) => {
  const { requestIds } = input.parse(event);
  const results = [];
  for (const requestId of requestIds) {
    const items = await queryAll(dynamoDb, {
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :outbox)',
      ExpressionAttributeValues: { ':pk': requestKey(requestId).pk, ':outbox': outboxPrefix },
    });
    const events = items.map(readOutbox);
    const { failed } = events.length > 0 ? await bus.publish(events) : { failed: [] };
    results.push({ requestId, kept: events.length, published: events.length - failed.length, failed: failed.length });
  }
  log.info('outbox events published again', { results });
  return { results };
});
