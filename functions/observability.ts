import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import { type MetricName, metricNames, telemetryService } from '../shared/kernel/telemetry.js';
import type { Chat, Mailer } from '../shared/ports/messaging.js';
import type { RequestChange, RequestStore } from '../shared/ports/request-store.js';
import type { HistoryAction } from '../shared/requests/history.js';

/**
 * Every function's logger and metrics (Powertools for AWS Lambda), one of each per function instance.
 *
 * Logs are JSON lines with the Lambda context (`function_name`, `function_request_id`, `cold_start`)
 * and a correlation id that follows an approval request from the API through its workflow's tasks
 * to the emails they send: `correlation_id` is the request's id, `execution_name` the Step
 * Functions execution's. The level is the stage's (Lambda's log level setting, which Powertools
 * reads). What is logged is ids, counts, routes and error names and messages: never a name, an
 * email address, a detail of a request or a comment (test/integration/observability.test.ts scans
 * a whole run's logs for them).
 *
 * Metrics are CloudWatch embedded metric format lines in the stage's namespace
 * (`POWERTOOLS_METRICS_NAMESPACE`), flushed at the end of each invocation; names and dimensions
 * are shared/kernel/telemetry.ts's, which the stack's alarms read.
 */
export const logger = new Logger({ serviceName: telemetryService });
export const metrics = new Metrics({ serviceName: telemetryService });

type Fields = Record<string, unknown>;
/** The call shape use cases are given for their warnings (`log: log.warn`). */
export const log = {
  info: (message: string, fields: Fields = {}) => logger.info(message, fields),
  warn: (message: string, fields: Fields = {}) => logger.warn(message, fields),
  error: (message: string, fields: Fields = {}) => logger.error(message, fields),
};

/** Counts one occurrence (or `value`) of a metric; with dimensions, as a metric of its own (Powertools' single metric). */
export function count(name: MetricName, dimensions: Record<string, string> = {}, value = 1): void {
  if (Object.keys(dimensions).length === 0) {
    metrics.addMetric(name, MetricUnit.Count, value);
    return;
  }
  const single = metrics.singleMetric();
  for (const [dimension, dimensionValue] of Object.entries(dimensions)) single.addDimension(dimension, dimensionValue);
  single.addMetric(name, MetricUnit.Count, value);
}

/** From here on, this invocation's log lines carry the approval request's id (and the workflow execution's name). */
export function correlate(ids: { requestId?: string | undefined; executionName?: string | undefined }): void {
  logger.appendKeys({
    ...(ids.requestId ? { correlation_id: ids.requestId } : {}),
    ...(ids.executionName ? { execution_name: ids.executionName } : {}),
  });
}

/** Publishes what the invocation counted (nothing when it counted nothing: no empty EMF line). */
const flushMetrics: MiddlewareObj = {
  after: async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  },
  onError: async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  },
};

/** The middlewares every handler runs first: the Lambda context in the logs (keys of the last invocation cleared), metrics flushed. */
export const observed = (): MiddlewareObj[] => [injectLambdaContext(logger, { resetKeys: true }), flushMetrics];

/** A workflow task's payload names the request and the execution (workflows/approval-steps.ts): its lines say so. */
export const correlatedTask: MiddlewareObj<unknown> = {
  before: async (request) => {
    const event = request.event as { requestId?: unknown; executionName?: unknown } | null;
    correlate({
      requestId: typeof event?.requestId === 'string' ? event.requestId : undefined,
      executionName: typeof event?.executionName === 'string' ? event.executionName : undefined,
    });
  },
};

/** What each committed history action counts, beside the per-kind counts of submissions and final decisions. */
const countedActions: Partial<Record<HistoryAction, MetricName>> = {
  failed: metricNames.workflowFailures,
  reminded: metricNames.reminders,
  'supplement-reminded': metricNames.reminders,
  escalated: metricNames.escalations,
};

/** Counts what a committed change recorded: submissions and final decisions per kind, decisions per channel, failures, reminders. */
export function countChange(change: RequestChange): void {
  const kind = change.request.kind;
  for (const { event } of change.events.items) {
    if (event.action === 'submitted') count(metricNames.requestsSubmitted, { kind });
    if (event.action === 'approved' || event.action === 'rejected' || event.action === 'returned')
      count(metricNames.requestsDecided, { kind, outcome: event.action });
    if (event.action === 'decided' && event.channel) count(metricNames.decisions, { channel: event.channel });
    const counted = countedActions[event.action];
    if (counted) count(counted);
  }
}

/** The request store, counting each change once it has committed (a change that failed counts nothing). */
export function observedRequestStore(store: RequestStore): RequestStore {
  return {
    ...store,
    async save(change) {
      await store.save(change);
      countChange(change);
    },
  };
}

/** The mailer, counting and logging (without the addresses) what could not be sent; the caller still sees the error. */
export function observedMailer(mailer: Mailer): Mailer {
  return {
    async send(message) {
      try {
        await mailer.send(message);
        logger.info('mail sent');
      } catch (error) {
        count(metricNames.mailFailures);
        logger.warn('mail not sent', { error: errorFields(error) });
        throw error;
      }
    },
  };
}

/** Slack, counting and logging what could not be posted; the caller still sees the error (and records `notice-failed`). */
export function observedChat(chat: Chat): Chat {
  const watched =
    <A extends unknown[], R>(method: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        count(metricNames.slackFailures);
        logger.warn('Slack call failed', { method, error: errorFields(error) });
        throw error;
      }
    };
  return {
    post: watched('chat.postMessage', chat.post.bind(chat)),
    update: watched('chat.update', chat.update.bind(chat)),
    openModal: watched('views.open', chat.openModal.bind(chat)),
    ephemeral: watched('chat.postEphemeral', chat.ephemeral.bind(chat)),
  };
}

/** An error as log fields: its name and message (ours and the SDK's carry no personal data), and its stack. */
export const errorFields = (error: unknown) =>
  error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'NonError', message: String(error) };

/** A workflow task's handler: observed, its lines correlated with the request and the execution. */
export const workflowTask = <R>(handler: (event: unknown) => Promise<R>) =>
  middy<unknown, R>(async (event: unknown) => handler(event))
    .use(observed() as MiddlewareObj<unknown, R>[])
    .use(correlatedTask as MiddlewareObj<unknown, R>);

/** A handler invoked by a schedule, a stream or an operator: observed. */
export const observedHandler = <E, R>(handler: (event: E) => Promise<R>) =>
  middy<E, R>(async (event: E) => handler(event)).use(observed() as MiddlewareObj<E, R>[]);
