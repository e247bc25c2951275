import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { domainEventsOf } from '../../shared/events/domain-events.js';
import { domainEventSource } from '../../shared/events/event-types.js';
import { putOutbox } from '../../shared/store/entities/outbox.js';
import { lambdaContext } from '../fixtures/http-events.js';
import { requestInReview } from '../fixtures/requests.js';

expect.extend(allCustomMatcher);

const eventBridge = mockClient(EventBridgeClient);
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../functions/events/publish-events.js')['handler'];

const at = '2026-03-02T01:00:00.000Z';
const claim = requestInReview([], at);
const [first, second] = domainEventsOf(
  claim,
  [
    { at, actorId: 'E1034', action: 'submitted', channel: 'api' },
    { at, actorId: 'E1016', action: 'decided', stepIndex: 0, decision: 'approve', channel: 'email-link' },
  ],
  (index) => `R1-${index}`,
);

/** A stream record as Lambda delivers it: the outbox item the store wrote, as its new image. */
function inserted(sequenceNumber: string, item: Record<string, unknown>) {
  return {
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { SequenceNumber: sequenceNumber, NewImage: marshall(item, { removeUndefinedValues: true }) },
  };
}
const outboxItem = (event: typeof first) => (putOutbox('table', event as NonNullable<typeof first>).item.Put?.Item ?? {}) as Record<string, unknown>;
const stream = (...records: ReturnType<typeof inserted>[]) => ({ Records: records }) as unknown as DynamoDBStreamEvent;

describe('the domain-event publisher (table stream → EventBridge)', () => {
  beforeAll(async () => {
    vi.stubEnv('EVENTS_TRANSPORT', 'eventbridge');
    vi.stubEnv('EVENT_BUS_NAME', 'approvals-bus');
    ({ handler } = await import('../../functions/events/publish-events.js'));
  });
  beforeEach(() => eventBridge.reset());

  it('puts each outbox event on the bus as the backend, typed, its detail the event', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] });
    // Act
    const response = await handler(stream(inserted('1', outboxItem(first)), inserted('2', outboxItem(second))), lambdaContext);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'approvals-bus',
          Source: domainEventSource,
          DetailType: 'RequestSubmitted',
          Detail: JSON.stringify(first),
          Time: new Date(at),
        },
        { EventBusName: 'approvals-bus', Source: domainEventSource, DetailType: 'StepDecided', Detail: JSON.stringify(second), Time: new Date(at) },
      ],
    });
  });

  it('reports the first entry the bus refused, so the stream gives it (and what follows) again', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'busy' }, { EventId: '2' }] });
    // Act
    const response = await handler(stream(inserted('7', outboxItem(first)), inserted('8', outboxItem(second))), lambdaContext);
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
  });

  it('skips what is not an outbox insert, and fails the batch on a malformed outbox item (retried, then the DLQ)', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const requestItem = inserted('3', { pk: 'REQUEST#R1', sk: 'META', status: 'in-review' });
    // Act, Assess
    expect(await handler(stream(requestItem), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
    const broken = inserted('4', { pk: 'REQUEST#R1', sk: 'OUTBOX#x', outboxEvent: { type: 'RequestSubmitted' } });
    await expect(handler(stream(broken), lambdaContext)).rejects.toThrow();
  });
});

describe("publishing a request's outbox events again (the operator, after the DLQ)", () => {
  let republish: typeof import('../../functions/events/republish-events.js')['handler'];
  beforeAll(async () => {
    vi.stubEnv('EVENTS_TRANSPORT', 'eventbridge');
    vi.stubEnv('EVENT_BUS_NAME', 'approvals-bus');
    vi.stubEnv('TABLE_NAME', 'approval-table');
    ({ handler: republish } = await import('../../functions/events/republish-events.js'));
  });
  beforeEach(() => {
    eventBridge.reset();
    dynamo.reset();
  });

  it('reads the outbox items the table still keeps for each request and puts them on the bus in order', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [outboxItem(first), outboxItem(second)] });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] });
    // Act
    const result = await republish({ requestIds: ['R1'] }, lambdaContext);
    // Assess
    expect(result).toEqual({ results: [{ requestId: 'R1', kept: 2, published: 2, failed: 0 }] });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'approval-table',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :outbox)',
      ExpressionAttributeValues: { ':pk': 'REQUEST#R1', ':outbox': 'OUTBOX#' },
    });
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ DetailType: 'RequestSubmitted' }), expect.objectContaining({ DetailType: 'StepDecided' })],
    });
  });

  it('refuses anything but a list of request ids', async () => {
    await expect(republish({ requestIds: ['REQUEST#R1'] }, lambdaContext)).rejects.toThrow();
    await expect(republish({}, lambdaContext)).rejects.toThrow();
    expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
  });
});
