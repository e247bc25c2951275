import { CfnOutput, Duration } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventConsumers } from '../../shared/events/consumers.js';
import { domainEventSource } from '../../shared/events/event-types.js';
import { outboxPrefix } from '../../shared/store/entities/outbox.js';
import { AppFunction } from './app-function.js';
import type { DataStore } from './data-store.js';
import { deadLetterQueue } from './dead-letters.js';
import { acknowledge, nagArnOf } from './nag.js';

/**
 * Domain events for the office's other systems, published from the transactional outbox: the
 * table's stream (outbox inserts only, by the event source's filter) → the publisher → the bus.
 * Partial-batch responses retry from the first event the bus refused; a batch that keeps failing
 * is split to find the bad record, and after its retries the stream's failure record (which
 * records of which shard) goes to a DLQ — the outbox items themselves stay in the table for a week
 * to publish again (runbook). Each consumer is a queue of its own with its rule and its own DLQ.
 */
export class DomainEvents extends Construct {
  readonly bus: EventBus;
  readonly publisher: AppFunction;
  readonly republisher: AppFunction;
  readonly queues: Record<keyof typeof eventConsumers, Queue>;

  constructor(scope: Construct, id: string, props: { data: DataStore; stageName: string }) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `general-affairs-approvals-${props.stageName}`,
      description: "총무과 approval backend's domain events (schemas: shared/events/schemas)",
    });
    // Thirty days of every event, so a consumer that lost its queue can be replayed.
    this.bus.archive('Archive', { eventPattern: { source: [domainEventSource] }, retention: Duration.days(30) });

    this.publisher = new AppFunction(this, 'Publisher', {
      entry: 'functions/events/publish-events.ts',
      description: 'Domain events: the outbox items on the table stream, put on the event bus',
      environment: { EVENTS_TRANSPORT: 'eventbridge', EVENT_BUS_NAME: this.bus.eventBusName },
      timeout: Duration.seconds(30),
    });
    this.bus.grantPutEventsTo(this.publisher);
    const table = props.data.table;
    this.publisher.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 100,
        maxRecordAge: Duration.days(1),
        parallelizationFactor: 1, // one batch per shard at a time: a request's events stay in commit order
        onFailure: new SqsDlq(deadLetterQueue(this, 'PublisherDeadLetters')),
        filters: [
          FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(outboxPrefix) } } } }),
        ],
      }),
    );
    acknowledge(
      this.publisher,
      `IAM5[Resource::*]`,
      'dynamodb:ListStreams has no resource-level permissions (granted by the stream event source); X-Ray as every function.',
    );
    acknowledge(this.publisher, `IAM5[Resource::${nagArnOf(table)}/stream/*]`, "Reading this table's own stream (its ARN changes with each stream).");

    // For the operator (runbook): the outbox events of named requests, on the bus again.
    this.republisher = new AppFunction(this, 'Republisher', {
      entry: 'functions/events/republish-events.ts',
      description: 'Operator-invoked: puts the outbox events of named requests on the bus again ({"requestIds": [...]})',
      environment: { EVENTS_TRANSPORT: 'eventbridge', EVENT_BUS_NAME: this.bus.eventBusName },
      timeout: Duration.minutes(1),
    }).useTable(props.data, 'read');
    this.bus.grantPutEventsTo(this.republisher);
    new CfnOutput(this, 'RepublisherName', {
      value: this.republisher.functionName,
      description: 'Publish outbox events again (runbook: dead-letters)',
    });

    this.queues = Object.fromEntries(
      Object.entries(eventConsumers).map(([name, consumer]) => {
        const id = name.charAt(0).toUpperCase() + name.slice(1);
        const deadLetters = deadLetterQueue(this, `${id}DeadLetters`);
        const queue = new Queue(this, `${id}Queue`, {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
          visibilityTimeout: Duration.minutes(5),
          deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
        });
        new Rule(this, `${id}Rule`, {
          eventBus: this.bus,
          description: consumer.description,
          eventPattern: { source: [domainEventSource], detailType: [...consumer.types] },
          targets: [new SqsQueue(queue, { deadLetterQueue: deadLetters, retryAttempts: 185, maxEventAge: Duration.hours(24) })],
        });
        new CfnOutput(this, `${id}QueueUrl`, { value: queue.queueUrl, description: consumer.description });
        return [name, queue];
      }),
    ) as Record<keyof typeof eventConsumers, Queue>;
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName, description: 'Domain events (README: Events)' });
  }
}
