import { ArnFormat, CfnResource, Duration, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  LegendPosition,
  MathExpression,
  Metric,
  SearchExpression,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { type MetricName, metricNames, metricsNamespace, telemetryService } from '../../shared/kernel/telemetry.js';
import { indexes } from '../../shared/store/table-layout.js';
import { isDeadLetterQueue } from './dead-letters.js';

/** The sections of docs/runbook.md an alarm points to (each is an anchor there). */
export const runbookSections = {
  lambdaErrors: 'lambda-errors',
  lambdaThrottles: 'lambda-throttles',
  executionsFailed: 'executions-failed',
  executionsTimedOut: 'executions-timed-out',
  api5xx: 'api-5xx',
  apiLatency: 'api-latency',
  deadLetters: 'dead-letters',
  tableThrottles: 'table-throttles',
  sweepNotRunning: 'timer-sweep-not-running',
  resumeStuck: 'resume-pending-stuck',
  workflowFailures: 'workflow-failures',
  slackFailures: 'slack-failures',
  mailFailures: 'mail-failures',
  eventsFailed: 'domain-events-failed',
} as const;
type RunbookSection = (typeof runbookSections)[keyof typeof runbookSections];

export interface MonitoringProps {
  /** The stage (`prod`): names the metrics' namespace (`Approvals/prod`). */
  stageName: string;
  /** Who is emailed when an alarm fires (the stage's `alarmEmails`); each must confirm the subscription once. */
  alarmEmails: readonly string[];
  api: HttpApi;
  table: Table;
}

const FIVE_MINUTES = Duration.minutes(5);
const QUARTER_HOUR = Duration.minutes(15);
const LAMBDA = 'AWS::Lambda::Function';
const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';

/** Every data-plane operation the functions call (ThrottledRequests is published per operation); an alarm's math takes at most 10 metrics. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.TRANSACT_GET_ITEMS,
];

/**
 * The stage's alarms, the topic they notify and a dashboard. Functions, state machines and
 * dead-letter queues are found in the stack rather than passed in, so one added later is covered
 * without touching this file, on one condition: Monitoring is created last (a validation fails the
 * synth if anything of those kinds was created after it).
 *
 * A nested stack: one alarm per function and per state machine is ~150 resources, and the stack
 * itself is close to CloudFormation's 500-resource limit. Its references to the parent's resources
 * (function names, state machine and queue ARNs) become parameters of the nested stack (limit 200).
 */
export class Monitoring extends NestedStack {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly parent: Stack;
  private readonly covered = new Set<IConstruct>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id, { description: `Alarms and dashboard of ${Stack.of(scope).stackName}` });
    this.parent = Stack.of(scope);
    const found = this.discover();
    this.topic = this.alarmTopic(props.alarmEmails);

    const functions = found.functions.map((fn) => this.functionAlarms(fn));
    const machines = found.stateMachines.map((machine) => this.stateMachineAlarms(machine));
    const queues = found.deadLetterQueues.map((queue) => this.deadLetterAlarm(queue));
    const api = this.apiAlarms(props.api);
    const table = this.tableAlarm(props.table);
    const custom = this.customMetricAlarms(props.stageName);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: this.parent.stackName,
      defaultInterval: Duration.days(1),
    });
    const search = (dimensions: string, metric: MetricName, period = Duration.hours(1)) =>
      new SearchExpression({
        expression: `SEARCH('{${metricsNamespace(props.stageName)},${dimensions}} MetricName="${metric}"', 'Sum', ${period.toSeconds()})`,
        period,
      });
    const wide = { width: 12, height: 6, legendPosition: LegendPosition.RIGHT };
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# 총무과 approvals — ${props.stageName}\n` +
          'Every alarm names its section of `docs/runbook.md` (what it means, the log queries to paste, what to do).',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Requests submitted, per kind (per hour)', left: [search('kind,service', metricNames.requestsSubmitted)], width: 8 }),
      new GraphWidget({
        title: 'Requests decided, per kind and outcome (per hour)',
        left: [search('kind,outcome,service', metricNames.requestsDecided)],
        width: 8,
      }),
      new GraphWidget({ title: 'Decisions per channel (per hour)', left: [search('channel,service', metricNames.decisions)], width: 8 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Executions started, per kind', left: machines.map((m) => m.started), ...wide }),
      new GraphWidget({ title: 'Executions failed and timed out, per kind', left: machines.flatMap((m) => [m.failed, m.timedOut]), ...wide }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda errors, per function', left: functions.map((f) => f.errors), ...wide }),
      new GraphWidget({ title: 'Lambda duration p99, per function (ms)', left: functions.map((f) => f.duration), ...wide }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests and 5xx rate', left: [api.requests], right: [api.errorRate], width: 12 }),
      new GraphWidget({ title: 'API latency (ms)', left: [api.p50, api.p99], width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Dead-letter queues: messages waiting', left: queues, width: 12 }),
      new GraphWidget({ title: 'Table throttles (requests; events per index)', left: [table.throttled], right: table.events, width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Timer sweep and resumePending',
        left: [custom.sweeps, custom.resent],
        right: [custom.stuck],
        width: 8,
      }),
      new GraphWidget({ title: 'Failures: workflows, Slack, mail, domain events', left: custom.failures, width: 8 }),
      new GraphWidget({ title: 'Reminders, escalations, domain events published', left: custom.activity, width: 8 }),
    );
    // The widget shows at most 100 alarms: the stage-wide ones first, then the per-resource ones.
    const [stageWide, perResource] = [this.alarms.filter((a) => !perResourceAlarms.has(a)), this.alarms.filter((a) => perResourceAlarms.has(a))];
    for (const [index, group] of [...chunks(stageWide, 100), ...chunks(perResource, 100)].entries()) {
      this.dashboard.addWidgets(
        new AlarmStatusWidget({
          title: index === 0 ? 'Alarms' : 'Alarms (continued)',
          alarms: group,
          sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          width: 24,
          height: Math.min(12, 2 + Math.ceil(group.length / 4)),
        }),
      );
    }

    this.node.addValidation({ validate: () => this.uncovered() });
  }

  private discover() {
    const all = this.parent.node.findAll();
    const ofType = (type: string) => all.filter((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === type);
    return {
      functions: ofType(LAMBDA),
      stateMachines: ofType(STATE_MACHINE),
      deadLetterQueues: all.filter(isDeadLetterQueue),
    };
  }

  /** Whatever of those kinds exists in the stack without alarms (created after Monitoring). */
  private uncovered(): string[] {
    const found = this.discover();
    return [...found.functions, ...found.stateMachines, ...found.deadLetterQueues]
      .filter((construct) => !this.covered.has(construct))
      .map((construct) => `${construct.node.path} has no alarms: create Monitoring after it (at the end of the stack's constructor)`);
  }

  /**
   * The topic every alarm notifies. Encrypted with a key of its own: CloudWatch cannot publish to
   * a topic under the AWS-managed SNS key (its policy cannot grant CloudWatch), so this key's
   * policy lets CloudWatch use it, for this topic only (SNS's encryption context names the topic).
   * The topic is named after the stack for that reason: the key policy cannot refer to the topic
   * resource, which refers to the key.
   */
  private alarmTopic(emails: readonly string[]): Topic {
    const topicName = `${this.parent.stackName}-alarms`;
    const topicArn = this.formatArn({ service: 'sns', resource: topicName });
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the ${topicName} SNS topic (alarm notifications)`,
      enableKeyRotation: true,
      // Nothing is kept under this key (SNS holds a message only until it is delivered).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheAlarmTopic',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      topicName,
      displayName: `Approvals alarms (${this.parent.stackName})`,
      masterKey: key,
      enforceSSL: true,
    });
    // The topic's policy replaces SNS's default one: CloudWatch needs its own grant, for this account's alarms.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of emails) topic.addSubscription(new EmailSubscription(email));
    return topic;
  }

  private alarm(
    id: string,
    props: {
      name: string;
      metric: IMetric;
      threshold: number;
      comparison?: ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      missingData?: TreatMissingData;
      /** What it means, in a sentence; the runbook section is added. */
      means: string;
      runbook: RunbookSection;
      /** Tell when it is over too: for conditions (a queue not empty), not for events (an error happened). */
      notifyOk?: boolean;
      perResource?: boolean;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.parent.stackName}-${props.name}`,
      alarmDescription: `${props.means} Runbook: docs/runbook.md#${props.runbook}`,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      datapointsToAlarm: props.datapointsToAlarm ?? props.evaluationPeriods ?? 1,
      treatMissingData: props.missingData ?? TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    if (props.notifyOk) alarm.addOkAction(action);
    if (props.perResource) perResourceAlarms.add(alarm);
    this.alarms.push(alarm);
    return alarm;
  }

  /** `Api/SubmitRequest` for the function at `<stack>/Api/SubmitRequest/Resource`. */
  private labelOf(construct: IConstruct): string {
    return construct.node.path
      .slice(this.parent.node.path.length + 1)
      .replace(/\/Resource$/, '')
      .replace(/\/StateMachine$/, '');
  }

  /**
   * Errors and throttles of one function. Any error is news here: API handlers answer expected
   * failures themselves (an error is a crash or a timeout), task functions throw only what their
   * state machine's retries could not absorb, and scheduled ones are retried by Lambda first.
   */
  private functionAlarms(fn: CfnResource) {
    const label = this.labelOf(fn);
    const name = label.replaceAll('/', '-');
    const metric = (metricName: string, statistic: string) =>
      new Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap: { FunctionName: fn.ref }, statistic, period: FIVE_MINUTES, label });
    const errors = metric('Errors', 'Sum');
    this.alarm(`${name}Errors`, {
      name: `lambda-errors-${name}`,
      metric: errors,
      threshold: 1,
      means: `The function ${label} failed (an unhandled error or a timeout) at least once in 5 minutes.`,
      runbook: runbookSections.lambdaErrors,
      perResource: true,
    });
    this.alarm(`${name}Throttles`, {
      name: `lambda-throttles-${name}`,
      metric: metric('Throttles', 'Sum'),
      threshold: 1,
      means: `Lambda refused to run ${label} at least once in 5 minutes (the account's or region's concurrency was exhausted).`,
      runbook: runbookSections.lambdaThrottles,
      perResource: true,
    });
    this.covered.add(fn);
    return { errors, duration: metric('Duration', 'p99') };
  }

  /**
   * One alarm per state machine and outcome rather than one summed over all: the notification
   * names the kind, and an alarm's metric math takes at most 10 metrics, which the registry of
   * kinds may outgrow. Aborted executions are not alarmed: withdrawing or recalling a request stops its execution.
   */
  private stateMachineAlarms(machine: CfnResource) {
    const label = this.labelOf(machine);
    const name = label.replaceAll('/', '-');
    const metric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/States',
        metricName,
        dimensionsMap: { StateMachineArn: machine.ref },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label,
      });
    const failed = metric('ExecutionsFailed');
    const timedOut = metric('ExecutionsTimedOut');
    this.alarm(`${name}ExecutionsFailed`, {
      name: `executions-failed-${name}`,
      metric: failed,
      threshold: 1,
      means: `An execution of the ${label} workflow failed: its request is now failed (or could not even be marked so).`,
      runbook: runbookSections.executionsFailed,
      perResource: true,
    });
    this.alarm(`${name}ExecutionsTimedOut`, {
      name: `executions-timed-out-${name}`,
      metric: timedOut,
      threshold: 1,
      means: `An execution of the ${label} workflow ran past its own timeout and was ended by Step Functions.`,
      runbook: runbookSections.executionsTimedOut,
      perResource: true,
    });
    this.covered.add(machine);
    return { started: metric('ExecutionsStarted'), failed, timedOut };
  }

  private deadLetterAlarm(queue: Queue): IMetric {
    const label = this.labelOf(queue);
    const name = label.replaceAll('/', '-');
    const depth = queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES, label });
    this.alarm(`${name}Depth`, {
      name: `dead-letters-${name}`,
      metric: depth,
      threshold: 1,
      means: `The dead-letter queue ${label} holds a message: something was not delivered or not processed, after its retries.`,
      runbook: runbookSections.deadLetters,
      notifyOk: true,
    });
    this.covered.add(queue);
    return depth;
  }

  private apiAlarms(api: HttpApi) {
    const requests = api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES, label: 'requests' });
    // With fewer than 10 requests in 5 minutes a single 500 is no rate (the function's own alarm reports a crash).
    const errorRate = new MathExpression({
      expression: 'IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)',
      usingMetrics: { requests, errors: api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }) },
      period: FIVE_MINUTES,
      label: '5xx %',
    });
    this.alarm('Api5xxRate', {
      name: 'api-5xx-rate',
      metric: errorRate,
      threshold: 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      means: 'At least 5 % of API requests answered 5xx in two of the last three 5-minute periods (with 10 requests or more in each).',
      runbook: runbookSections.api5xx,
      notifyOk: true,
    });
    const p99 = api.metricLatency({ statistic: 'p99', period: FIVE_MINUTES, label: 'p99' });
    this.alarm('ApiLatencyP99', {
      name: 'api-latency-p99',
      metric: p99,
      threshold: 3000,
      evaluationPeriods: 3,
      means: "The API's p99 latency has been 3 seconds or more for 15 minutes.",
      runbook: runbookSections.apiLatency,
      notifyOk: true,
    });
    return { requests, errorRate, p99, p50: api.metricLatency({ statistic: 'p50', period: FIVE_MINUTES, label: 'p50' }) };
  }

  /**
   * ThrottledRequests counts a request once however many of its parts were throttled, the table's
   * or a GSI's (a write throttled by an index counts on the write's operation), so one sum covers
   * the indexes too; the dashboard shows the read and write throttle events per index.
   */
  private tableAlarm(table: Table) {
    const throttled = table.metricThrottledRequestsForOperations({
      operations: TABLE_OPERATIONS,
      period: FIVE_MINUTES,
      label: 'throttled requests',
    });
    this.alarm('TableThrottles', {
      name: 'table-throttles',
      metric: throttled,
      threshold: 1,
      means: 'DynamoDB throttled requests to the table (or one of its indexes) in the last 5 minutes.',
      runbook: runbookSections.tableThrottles,
    });
    const events = [undefined, ...Object.values(indexes).map((index) => index.name)].flatMap((index) =>
      ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
        (metricName) =>
          new Metric({
            namespace: 'AWS/DynamoDB',
            metricName,
            dimensionsMap: { TableName: table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
            statistic: 'Sum',
            period: FIVE_MINUTES,
            label: `${index ?? 'table'} ${metricName.replace('ThrottleEvents', '').toLowerCase()}`,
          }),
      ),
    );
    return { throttled, events };
  }

  /** Alarms on what the functions measure (shared/kernel/telemetry.ts); each is emitted with the `service` dimension alone. */
  private customMetricAlarms(stageName: string) {
    const custom = (metricName: MetricName, statistic: string, period: Duration) =>
      new Metric({
        namespace: metricsNamespace(stageName),
        metricName,
        dimensionsMap: { service: telemetryService },
        statistic,
        period,
        label: metricName,
      });
    const sweeps = custom(metricNames.sweepCompleted, 'Sum', QUARTER_HOUR);
    this.alarm('TimerSweepNotRunning', {
      name: 'timer-sweep-not-running',
      metric: sweeps,
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // No heartbeat is the very thing to catch.
      missingData: TreatMissingData.BREACHING,
      means:
        'The timer sweep (every 15 minutes) has not completed once in 45 minutes: reminders, escalations, deadlines and the destruction of expired records are not happening.',
      runbook: runbookSections.sweepNotRunning,
      notifyOk: true,
    });
    const stuck = custom(metricNames.resumeStuck, 'Maximum', QUARTER_HOUR);
    this.alarm('ResumePendingStuck', {
      name: 'resume-pending-stuck',
      metric: stuck,
      threshold: 1,
      means: 'At least one decision has waited more than an hour for its workflow to take it (resumePending).',
      runbook: runbookSections.resumeStuck,
      notifyOk: true,
    });
    const workflowFailures = custom(metricNames.workflowFailures, 'Sum', FIVE_MINUTES);
    this.alarm('WorkflowFailures', {
      name: 'workflow-failures',
      metric: workflowFailures,
      threshold: 1,
      means: 'A request was marked failed by its workflow (an error, or a stage past its deadline).',
      runbook: runbookSections.workflowFailures,
    });
    const slackFailures = custom(metricNames.slackFailures, 'Sum', QUARTER_HOUR);
    this.alarm('SlackFailures', {
      name: 'slack-failures',
      metric: slackFailures,
      threshold: 3,
      // Email carries every step regardless: one failed notice is not worth a message, three in a quarter-hour are.
      means: 'Three or more Slack notices could not be sent in 15 minutes (email still carried the steps).',
      runbook: runbookSections.slackFailures,
    });
    const mailFailures = custom(metricNames.mailFailures, 'Sum', FIVE_MINUTES);
    this.alarm('MailFailures', {
      name: 'mail-failures',
      metric: mailFailures,
      threshold: 1,
      means: 'An email could not be sent: someone was not told of a step, a decision or a report.',
      runbook: runbookSections.mailFailures,
    });
    const eventsFailed = custom(metricNames.eventsFailed, 'Sum', FIVE_MINUTES);
    this.alarm('DomainEventsFailed', {
      name: 'domain-events-failed',
      metric: eventsFailed,
      threshold: 1,
      means: 'EventBridge refused domain events (the stream retries them; the finance and personnel systems hear late).',
      runbook: runbookSections.eventsFailed,
    });
    return {
      sweeps,
      stuck,
      resent: custom(metricNames.resumeResent, 'Sum', QUARTER_HOUR),
      failures: [workflowFailures, slackFailures, mailFailures, eventsFailed].map((metric) => metric.with({ period: FIVE_MINUTES })),
      activity: [metricNames.reminders, metricNames.escalations, metricNames.eventsPublished].map((name) => custom(name, 'Sum', Duration.hours(1))),
    };
  }
}

const perResourceAlarms = new WeakSet<Alarm>();

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
