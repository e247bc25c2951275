import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { metricNames } from '../../shared/kernel/telemetry.js';
import { outboxPrefix, readOutbox } from '../../shared/store/entities/outbox.js';
import { makeEventPublisher, type StreamRecord } from '../../shared/use-cases/publish-events.js';
import { eventBusFromEnv } from '../events-wiring.js';
import { count, log, observedHandler } from '../observability.js';

const publish = makeEventPublisher({ bus: eventBusFromEnv() });

/** An outbox insert's event; anything else on the stream (the event source's filter lets few through) is skipped. */
function recordOf(record: DynamoDBStreamEvent['Records'][number]): StreamRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return { sequenceNumber, event: undefined };
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (typeof item['sk'] !== 'string' || !item['sk'].startsWith(outboxPrefix)) return { sequenceNumber, event: undefined };
  // A malformed outbox item throws: the batch is retried, split, and after its retries goes to the DLQ.
  return { sequenceNumber, event: readOutbox(item) };
}

/** The table's stream (DynamoDB Streams, outbox inserts only) → the event bus, with partial-batch retries. */
export const handler = observedHandler(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.map(recordOf);
  const outcome = await publish(records);
  const offered = records.filter((record) => record.event).length;
  count(metricNames.eventsPublished, {}, outcome.published);
  if (outcome.retryFrom) {
    count(metricNames.eventsFailed, {}, offered - outcome.published);
    log.warn('the bus refused events; the stream gives them again', { published: outcome.published, retryFrom: outcome.retryFrom });
  }
  return { batchItemFailures: outcome.retryFrom ? [{ itemIdentifier: outcome.retryFrom }] : [] };
});
