import { readFile } from 'node:fs/promises';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_TAG } from '../../infra/constructs/dead-letters.js';
import { Monitoring } from '../../infra/constructs/monitoring.js';
import { metricNames, metricsNamespace, telemetryService } from '../../shared/kernel/telemetry.js';

/**
 * The template checks of Monitoring (alarms, DLQs, the topic, the dashboard), run by
 * approval-stack.test.ts on the stack it synthesizes: one synthesis of the whole app for both (a
 * second one took 20–35 s of a worker, bundling every function again).
 */
export const MONITORED_STAGE = 'test';
export const ON_CALL = ['it-operations@guchung.example.kr', 'on-call@guchung.example.kr'];
const STAGE = MONITORED_STAGE;

type Resource = { Type: string; Properties: Record<string, any> };
interface Synthesized {
  main: Template;
  monitoring: Template;
  /** The nested stack's parameters as its parent passes them: parameter name → the parent's `Ref`/`Fn::GetAtt`. */
  parameters: Record<string, any>;
}

/** The stack and its Monitoring nested stack, as templates. */
function synthesizedOf(stack: Stack, main: Template): Synthesized {
  const nested = stack.node.children.find((child): child is Monitoring => child instanceof Monitoring);
  if (!nested) throw new Error('the stack has no Monitoring');
  const [nestedStackResource, ...others] = Object.values(main.findResources('AWS::CloudFormation::Stack'));
  expect(others).toEqual([]);
  return { main, monitoring: Template.fromStack(nested), parameters: nestedStackResource?.Properties.Parameters ?? {} };
}

let withEmails: Synthesized;

/** One metric an alarm reads, whether the alarm has a single metric or metric math. */
interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: unknown }[];
  stat: string;
  period: number;
}
const metricsOf = (alarm: Resource): AlarmMetric[] => {
  const p = alarm.Properties;
  if (p.MetricName)
    return [
      {
        namespace: p.Namespace,
        metricName: p.MetricName,
        dimensions: p.Dimensions ?? [],
        stat: p.Statistic ?? p.ExtendedStatistic,
        period: p.Period,
      },
    ];
  return (p.Metrics as any[])
    .filter((query) => query.MetricStat)
    .map(({ MetricStat: stat }) => ({
      namespace: stat.Metric.Namespace,
      metricName: stat.Metric.MetricName,
      dimensions: stat.Metric.Dimensions ?? [],
      stat: stat.Stat,
      period: stat.Period,
    }));
};

const alarmsOf = ({ monitoring }: Synthesized) => Object.values(monitoring.findResources('AWS::CloudWatch::Alarm')) as Resource[];
const topicOf = ({ monitoring }: Synthesized) => {
  const topics = Object.keys(monitoring.findResources('AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return topics[0] as string;
};

/** The parent's logical id behind a value of the nested template (a parameter that passes a `Ref` or `Fn::GetAtt`). */
const parentLogicalId = (synthesized: Synthesized, value: unknown): string | undefined => {
  const parameter = (value as { Ref?: string } | undefined)?.Ref;
  const passed = parameter === undefined ? undefined : synthesized.parameters[parameter];
  return passed?.Ref ?? passed?.['Fn::GetAtt']?.[0];
};

/** The alarms reading `namespace`/`metricName` for the parent's resource `logicalId` (through the dimension `dimension`). */
const alarmsOn = (synthesized: Synthesized, namespace: string, metricName: string, dimension: string, logicalId: string) =>
  alarmsOf(synthesized).filter((alarm) =>
    metricsOf(alarm).some(
      (metric) =>
        metric.namespace === namespace &&
        metric.metricName === metricName &&
        metric.dimensions.some((d) => d.Name === dimension && parentLogicalId(synthesized, d.Value) === logicalId),
    ),
  );

/** An alarm that fires at `threshold` or more and tells the stage's topic. */
const expectAlarmsAtLeast = (synthesized: Synthesized, alarms: Resource[], threshold: number, what: string) => {
  expect(alarms, what).toHaveLength(1);
  const [alarm] = alarms as [Resource];
  expect(alarm.Properties, what).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: threshold });
  expect(alarm.Properties.AlarmActions, what).toEqual([{ Ref: topicOf(synthesized) }]);
  return alarm;
};

/** Every queue the stack uses as a dead-letter queue, by how it is used: rule targets, async invocations, redrive policies, stream mappings. */
const queuesUsedAsDeadLetters = ({ main }: Synthesized): Set<string> => {
  const arns: unknown[] = [
    ...Object.values(main.findResources('AWS::Events::Rule')).flatMap((rule) =>
      (rule.Properties.Targets ?? []).map((target: any) => target.DeadLetterConfig?.Arn),
    ),
    ...Object.values(main.findResources('AWS::Lambda::EventInvokeConfig')).map(
      (config) => config.Properties.DestinationConfig?.OnFailure?.Destination,
    ),
    ...Object.values(main.findResources('AWS::Lambda::EventSourceMapping')).map(
      (mapping) => mapping.Properties.DestinationConfig?.OnFailure?.Destination,
    ),
    ...Object.values(main.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.DeadLetterConfig?.TargetArn),
    ...Object.values(main.findResources('AWS::SQS::Queue')).map((queue) => queue.Properties.RedrivePolicy?.deadLetterTargetArn),
  ];
  const queues = Object.keys(main.findResources('AWS::SQS::Queue'));
  return new Set(
    arns
      .map((arn) => (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0])
      .filter((id): id is string => !!id && queues.includes(id)),
  );
};
const queuesFromTheFactory = ({ main }: Synthesized): Set<string> =>
  new Set(
    Object.entries(main.findResources('AWS::SQS::Queue'))
      .filter(([, queue]) => (queue.Properties.Tags ?? []).some((tag: any) => tag.Key === DEAD_LETTER_TAG.key && tag.Value === DEAD_LETTER_TAG.value))
      .map(([id]) => id),
  );

/** The checks, on the stage's stack (its `alarmEmails` are ON_CALL) and its template. */
export function monitoringChecks(synthesized: () => { stack: Stack; template: Template }): void {
  beforeAll(() => {
    const { stack, template } = synthesized();
    withEmails = synthesizedOf(stack, template);
  });

  describe('alarms on every resource that can fail', () => {
    it('every Lambda function has an Errors and a Throttles alarm (≥ 1 in 5 minutes) to the alarm topic', () => {
      const functions = Object.keys(withEmails.main.findResources('AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(30);
      for (const fn of functions) {
        for (const metricName of ['Errors', 'Throttles']) {
          const alarm = expectAlarmsAtLeast(withEmails, alarmsOn(withEmails, 'AWS/Lambda', metricName, 'FunctionName', fn), 1, `${fn} ${metricName}`);
          expect(metricsOf(alarm)[0]).toMatchObject({ stat: 'Sum', period: 300 });
        }
      }
    });

    it('every state machine has a failed-executions and a timed-out-executions alarm', () => {
      const machines = Object.keys(withEmails.main.findResources('AWS::StepFunctions::StateMachine'));
      expect(machines.length).toBeGreaterThan(0);
      for (const machine of machines) {
        for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
          expectAlarmsAtLeast(withEmails, alarmsOn(withEmails, 'AWS/States', metricName, 'StateMachineArn', machine), 1, `${machine} ${metricName}`);
        }
      }
    });

    it('every dead-letter queue comes from the factory (encrypted, TLS only, 14 days) and alarms, and says so when empty again, at its first message', () => {
      const used = queuesUsedAsDeadLetters(withEmails);
      const made = queuesFromTheFactory(withEmails);
      expect(used.size).toBeGreaterThanOrEqual(3);
      for (const id of used) expect(made, `${id} is a dead-letter queue not made by deadLetterQueue()`).toContain(id);
      const queues = withEmails.main.findResources('AWS::SQS::Queue');
      const policies = Object.values(withEmails.main.findResources('AWS::SQS::QueuePolicy'));
      for (const id of made) {
        expect(queues[id]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
        const statements = policies
          .filter((policy) => policy.Properties.Queues.some((queue: any) => queue.Ref === id))
          .flatMap((p) => p.Properties.PolicyDocument.Statement);
        expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
        const alarm = expectAlarmsAtLeast(withEmails, alarmsOn(withEmails, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', id), 1, id);
        expect(metricsOf(alarm)[0]?.stat).toBe('Maximum');
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicOf(withEmails) }]);
      }
    });

    it('the table: throttled requests of every operation the functions use, summed in one alarm', () => {
      const [table] = Object.keys(withEmails.main.findResources('AWS::DynamoDB::Table'));
      const alarms = alarmsOf(withEmails).filter((alarm) => metricsOf(alarm).some((m) => m.metricName === 'ThrottledRequests'));
      const alarm = expectAlarmsAtLeast(withEmails, alarms, 1, 'table throttles');
      const metrics = metricsOf(alarm);
      expect(metrics.every((m) => m.namespace === 'AWS/DynamoDB' && m.stat === 'Sum')).toBe(true);
      expect(metrics.every((m) => m.dimensions.some((d) => d.Name === 'TableName' && parentLogicalId(withEmails, d.Value) === table))).toBe(true);
      const operations = metrics.map((m) => m.dimensions.find((d) => d.Name === 'Operation')?.Value);
      // What shared/store sends (GetCommand, QueryCommand, TransactWriteCommand…); CloudWatch takes 10 metrics in an alarm at most.
      expect(operations).toEqual(
        expect.arrayContaining([
          'GetItem',
          'BatchGetItem',
          'Query',
          'Scan',
          'PutItem',
          'UpdateItem',
          'DeleteItem',
          'BatchWriteItem',
          'TransactWriteItems',
        ]),
      );
      expect(operations.length).toBeLessThanOrEqual(10);
    });

    it('the API: 5xx as a share of requests (metric math), and p99 latency', () => {
      const [api] = Object.keys(withEmails.main.findResources('AWS::ApiGatewayV2::Api'));
      const onApi = (alarm: Resource) =>
        metricsOf(alarm).some(
          (m) => m.namespace === 'AWS/ApiGateway' && m.dimensions.some((d) => d.Name === 'ApiId' && parentLogicalId(withEmails, d.Value) === api),
        );
      const [rate, ...otherRates] = alarmsOf(withEmails).filter((alarm) => onApi(alarm) && metricsOf(alarm).some((m) => m.metricName === '5xx'));
      expect(otherRates).toEqual([]);
      expect(
        metricsOf(rate as Resource)
          .map((m) => m.metricName)
          .sort(),
      ).toEqual(['5xx', 'Count']);
      const expression = (rate as Resource).Properties.Metrics.find((query: any) => query.Expression);
      expect(expression).toMatchObject({ ReturnData: true, Expression: expect.stringMatching(/100 \* .*errors.* \/ requests/) });
      expect((rate as Resource).Properties).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      const latency = alarmsOf(withEmails).filter((alarm) => onApi(alarm) && metricsOf(alarm).some((m) => m.metricName === 'Latency'));
      expect(metricsOf(expectAlarmsAtLeast(withEmails, latency, 3000, 'latency'))[0]?.stat).toBe('p99');
    });
  });

  describe('alarms on what the functions measure', () => {
    const customAlarm = (metricName: string) => {
      const alarms = alarmsOf(withEmails).filter((alarm) => metricsOf(alarm).some((m) => m.metricName === metricName));
      expect(alarms, metricName).toHaveLength(1);
      const metrics = metricsOf(alarms[0] as Resource);
      // The functions emit every metric with the `service` dimension (and some with more): only that set is one series to alarm on.
      expect(metrics).toEqual([
        expect.objectContaining({ namespace: metricsNamespace(STAGE), dimensions: [{ Name: 'service', Value: telemetryService }] }),
      ]);
      return { alarm: alarms[0] as Resource, metric: metrics[0] as AlarmMetric };
    };

    it('the timer sweep not completing for 45 minutes alarms, and so does its heartbeat going missing', () => {
      const { alarm, metric } = customAlarm(metricNames.sweepCompleted);
      expect(metric).toMatchObject({ stat: 'Sum', period: 900 });
      expect(alarm.Properties).toMatchObject({
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'breaching',
        OKActions: [{ Ref: topicOf(withEmails) }],
      });
    });

    it('a decision waiting on its workflow for over an hour, workflow failures, Slack and mail failures and refused domain events alarm', () => {
      expect(customAlarm(metricNames.resumeStuck)).toMatchObject({ alarm: { Properties: { Threshold: 1 } }, metric: { stat: 'Maximum' } });
      for (const name of [metricNames.workflowFailures, metricNames.mailFailures, metricNames.eventsFailed]) {
        expect(customAlarm(name)).toMatchObject({
          alarm: { Properties: { Threshold: 1, TreatMissingData: 'notBreaching' } },
          metric: { stat: 'Sum' },
        });
      }
      expect(customAlarm(metricNames.slackFailures)).toMatchObject({ alarm: { Properties: { Threshold: 3 } }, metric: { stat: 'Sum' } });
    });

    it("no alarm reads the stage's namespace with other dimensions than `service` alone", () => {
      const custom = alarmsOf(withEmails)
        .flatMap(metricsOf)
        .filter((m) => m.namespace.startsWith('Approvals/'));
      expect(custom.length).toBeGreaterThanOrEqual(6);
      for (const metric of custom)
        expect(metric).toMatchObject({ namespace: metricsNamespace(STAGE), dimensions: [{ Name: 'service', Value: telemetryService }] });
    });
  });

  describe('scheduled runs lose nothing silently', () => {
    it('every scheduled rule target retries for a bounded age, then dead-letters to a queue whose policy lets that rule send', () => {
      const rules = Object.entries(withEmails.main.findResources('AWS::Events::Rule')).filter(([, rule]) => rule.Properties.ScheduleExpression);
      expect(rules).toHaveLength(3);
      const policies = Object.values(withEmails.main.findResources('AWS::SQS::QueuePolicy'));
      for (const [ruleId, rule] of rules) {
        for (const target of rule.Properties.Targets) {
          expect(target.RetryPolicy, ruleId).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: expect.any(Number) });
          expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(6 * 3600);
          const queue = target.DeadLetterConfig?.Arn?.['Fn::GetAtt']?.[0];
          expect(queuesFromTheFactory(withEmails), ruleId).toContain(queue);
          const statements = policies
            .filter((policy) => policy.Properties.Queues.some((q: any) => q.Ref === queue))
            .flatMap((p) => p.Properties.PolicyDocument.Statement);
          expect(statements, ruleId).toContainEqual(
            expect.objectContaining({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
            }),
          );
        }
      }
    });

    it('every function a rule invokes (asynchronously) retries twice, then sends the failure to a dead-letter queue it may write to', () => {
      const functions = withEmails.main.findResources('AWS::Lambda::Function');
      // EventBridge invokes Lambda asynchronously; the bus's rules that feed queues are not invocations.
      const invoked = Object.values(withEmails.main.findResources('AWS::Events::Rule'))
        .flatMap((rule) => rule.Properties.Targets.map((target: any) => target.Arn['Fn::GetAtt']?.[0] as string | undefined))
        .filter((id): id is string => id !== undefined && id in functions);
      expect(invoked.length).toBeGreaterThanOrEqual(3);
      const configs = Object.values(withEmails.main.findResources('AWS::Lambda::EventInvokeConfig'));
      for (const fn of invoked) {
        const [config, ...others] = configs.filter((c) => c.Properties.FunctionName.Ref === fn);
        expect(others, fn).toEqual([]);
        expect(config?.Properties, fn).toMatchObject({ MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
        const queue = config?.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
        expect(queuesFromTheFactory(withEmails), fn).toContain(queue);
        const roleId = functions[fn]?.Properties.Role['Fn::GetAtt'][0];
        const statements = Object.values(withEmails.main.findResources('AWS::IAM::Policy'))
          .filter((policy) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
          .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
        expect(statements, fn).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Action: expect.arrayContaining(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
          }),
        );
      }
    });
  });

  describe('who is told', () => {
    it('every alarm notifies the one topic, encrypted with a rotating customer-managed key that CloudWatch may use for that topic only', () => {
      const topicId = topicOf(withEmails);
      for (const alarm of alarmsOf(withEmails)) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      const topic = withEmails.monitoring.findResources('AWS::SNS::Topic')[topicId] as Resource;
      const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
      const key = withEmails.monitoring.findResources('AWS::KMS::Key')[keyId] as Resource;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const grant = key.Properties.KeyPolicy.Statement.find((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(grant).toMatchObject({ Effect: 'Allow', Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']) });
      // The condition names this topic (the key policy cannot Ref the topic, which Refs the key: it is named).
      const condition = JSON.stringify(grant.Condition.StringEquals['kms:EncryptionContext:aws:sns:topicArn']);
      expect(condition).toContain(`:${topic.Properties.TopicName}"`);
      const [policy] = Object.values(withEmails.monitoring.findResources('AWS::SNS::TopicPolicy'));
      const statements = policy?.Properties.PolicyDocument.Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: topicId },
        }),
      );
    });

    it("the stage's alarmEmails are the topic's email subscribers; a stage without any has none", () => {
      const subscriptions = Object.values(withEmails.monitoring.findResources('AWS::SNS::Subscription'));
      expect(subscriptions.map((s) => s.Properties.Endpoint).sort()).toEqual(ON_CALL);
      for (const subscription of subscriptions)
        expect(subscription.Properties).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topicOf(withEmails) } });
      // A stage without any: the same construct in a small stack (a second synthesis of the whole app took 20 s).
      const app = new App();
      const stack = new Stack(app, 'Quiet');
      const monitoring = new Monitoring(stack, 'Monitoring', {
        stageName: 'quiet',
        alarmEmails: [],
        api: new HttpApi(stack, 'Api'),
        table: new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
      });
      const quiet = Template.fromStack(monitoring);
      quiet.resourceCountIs('AWS::SNS::Subscription', 0);
      quiet.resourceCountIs('AWS::SNS::Topic', 1);
    });

    it('every alarm explains itself and names a section of docs/runbook.md that exists', async () => {
      const runbook = await readFile(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
      const anchors = new Set([...runbook.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((match) => match[1]));
      for (const alarm of alarmsOf(withEmails)) {
        const description: string = alarm.Properties.AlarmDescription;
        const [, anchor] = description.match(/Runbook: docs\/runbook\.md#([a-z0-9-]+)$/) ?? [];
        expect(anchors, description).toContain(anchor);
        expect(description.length).toBeGreaterThan(40);
      }
    });

    it('a dashboard shows requests per kind and channel (from the custom metrics), the resources, and the alarms', () => {
      const dashboards = Object.values(withEmails.monitoring.findResources('AWS::CloudWatch::Dashboard'));
      expect(dashboards).toHaveLength(1);
      const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
      const namespace = metricsNamespace(STAGE);
      for (const [dimensions, metric] of [
        ['kind,service', metricNames.requestsSubmitted],
        ['kind,outcome,service', metricNames.requestsDecided],
        ['channel,service', metricNames.decisions],
      ]) {
        expect(body).toContain(`SEARCH('{${namespace},${dimensions}} MetricName=\\\\\\"${metric}\\\\\\"'`);
      }
      for (const shown of ['AWS/Lambda', 'AWS/States', 'AWS/ApiGateway', 'AWS/SQS', 'ThrottledRequests', '\\"type\\":\\"alarm\\"'])
        expect(body).toContain(shown);
    });
  });

  describe('coverage by discovery', () => {
    it('a function created after Monitoring fails the synth, naming it, instead of going without alarms', () => {
      const app = new App();
      const stack = new Stack(app, 'Probe');
      const api = new HttpApi(stack, 'Api');
      const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
      new Monitoring(stack, 'Monitoring', { stageName: 'probe', alarmEmails: [], api, table });
      new LambdaFunction(stack, 'Late', {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => {};'),
      });
      expect(() => app.synth()).toThrow(/Probe\/Late\/Resource has no alarms: create Monitoring after it/);
    });
  });

  describe('CloudFormation limits', () => {
    it('the alarms live in a nested stack, so each template stays under 500 resources and 200 parameters', () => {
      const count = (template: Template) => Object.keys(template.toJSON().Resources).length;
      expect(count(withEmails.main)).toBeLessThan(500);
      expect(count(withEmails.monitoring)).toBeLessThan(500);
      expect(Object.keys(withEmails.monitoring.toJSON().Parameters ?? {}).length).toBeLessThanOrEqual(200);
      withEmails.main.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    });
  });
}
