import { Duration, Tags } from 'aws-cdk-lib';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { acknowledge } from './nag.js';

/** The tag every dead-letter queue carries, so a person in the console (and a template test) can tell them from work queues. */
export const DEAD_LETTER_TAG = { key: 'purpose', value: 'dead-letter-queue' } as const;

const deadLetterQueues = new WeakSet<IConstruct>();

/**
 * A queue for what could not be delivered or processed: SQS-managed encryption (EventBridge and
 * Lambda can write to it without a key policy), TLS only, and SQS's longest retention, 14 days, so
 * a failure found after a long weekend is still there. Monitoring alarms on every queue made here
 * as soon as it holds one message: use this for every DLQ, never a plain `Queue`.
 */
export function deadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  deadLetterQueues.add(queue);
  Tags.of(queue).add(DEAD_LETTER_TAG.key, DEAD_LETTER_TAG.value);
  acknowledge(
    queue,
    'SQS3',
    'This queue is itself a dead-letter queue (for an EventBridge target, a Lambda asynchronous invocation or a stream); ' +
      'it has no consumer that could fail, and its depth is alarmed on.',
  );
  return queue;
}

/** Whether `construct` is a queue made by `deadLetterQueue()`. */
export const isDeadLetterQueue = (construct: IConstruct): construct is Queue => deadLetterQueues.has(construct);

/**
 * A scheduled rule's Lambda target that loses nothing silently. A scheduled run can fail at two
 * places, and each has its own retry:
 * - EventBridge hands the event to Lambda (an asynchronous invoke). If that call fails (throttled,
 *   the function being updated, a permission) EventBridge retries until `maxEventAge`, then puts
 *   the event in the DLQ (`DeadLetterConfig`; CDK adds the queue policy for events.amazonaws.com,
 *   bound to the rule's ARN).
 * - Lambda then runs it. If the run throws or times out, Lambda retries twice (a minute, then two
 *   minutes later) within `maxEventAge`, then sends the failure to the same queue.
 * For the second we use an on-failure destination rather than the function's `deadLetterQueue`:
 * its record carries why it failed (`requestContext.condition`: RetriesExhausted or
 * EventAgeExceeded, the error type and message) next to the event; the older DLQ gets the event
 * with little more than an error code. It also needs no change to how every function is built
 * (AppFunction) and leaves synchronous invocations (the API, Step Functions) untouched.
 *
 * One queue per scheduled function holds both kinds of message (the runbook tells them apart).
 * `maxEventAge` is how late a run is still worth doing.
 */
export function scheduledRun(scope: Construct, id: string, fn: LambdaFunction, maxEventAge: Duration): LambdaTarget {
  const queue = deadLetterQueue(scope, id);
  fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge, onFailure: new SqsDestination(queue) });
  // EventBridge's maximum: the age, not the count, ends the retries.
  return new LambdaTarget(fn, { deadLetterQueue: queue, retryAttempts: 185, maxEventAge });
}
