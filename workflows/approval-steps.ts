import { Duration, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Choice,
  Condition,
  Fail,
  IntegrationPattern,
  JsonPath,
  Succeed,
  TaskInput,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { AppFunction } from '../infra/constructs/app-function.js';
import type { DataStore } from '../infra/constructs/data-store.js';
import { officePolicy } from '../shared/policies/office-policy.js';

export interface MailSettings {
  from: string;
}

/** The task functions every approval workflow shares (one set, used by all kinds). */
export class ApprovalTasks extends Construct {
  readonly requestDecision: AppFunction;
  readonly finalize: AppFunction;
  readonly recordFailure: AppFunction;

  get all(): AppFunction[] {
    return [this.requestDecision, this.finalize, this.recordFailure];
  }

  constructor(scope: Construct, id: string, props: { data: DataStore; mail: MailSettings; publicBaseUrl: string }) {
    super(scope, id);
    const environment = { MAIL_TRANSPORT: 'ses', MAIL_FROM: props.mail.from, PUBLIC_BASE_URL: props.publicBaseUrl };
    const task = (name: string, entry: string, description: string) =>
      new AppFunction(this, name, { entry, description, environment, timeout: Duration.seconds(30) }).useTable(props.data, 'read-write');
    this.requestDecision = task('RequestDecision', 'functions/tasks/request-decision.ts', 'Approval step: single-use link and email to the approver');
    this.finalize = task('Finalize', 'functions/tasks/finalize-request.ts', 'Final status and email to the requester');
    this.recordFailure = task('RecordFailure', 'functions/tasks/record-failure.ts', 'Marks a request failed, with the reason in its history');

    const domain = props.mail.from.split('@')[1];
    const sendEmail = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: domain })],
    });
    for (const fn of this.all) fn.addToRolePolicy(sendEmail);
  }
}

/** How long an approver has before the step times out: as long as the link is valid. */
const approvalTimeout = Duration.days(officePolicy.approvalLinks.validDays);
const lambdaTimeout = Timeout.duration(Duration.seconds(60));

/**
 * The approval loop, written once for every kind:
 *   Await decision (link + email, waits for the task token)
 *     → next step? loop : Finalize (status + email to requester) → Closed
 * Any failure, including an approver's timeout, goes to Record failure → Failed, so a request
 * never sits silently stuck.
 */
export function approvalLine(scope: Construct, tasks: ApprovalTasks): IChainable {
  const recordFailure = new LambdaInvoke(scope, 'Record failure', {
    lambdaFunction: tasks.recordFailure,
    payloadResponseOnly: true,
    payload: TaskInput.fromObject({ requestId: JsonPath.stringAt('$.requestId'), error: JsonPath.objectAt('$.error') }),
    resultPath: JsonPath.DISCARD,
    taskTimeout: lambdaTimeout,
  })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    .next(new Fail(scope, 'Failed', { error: 'RequestFailed', causePath: '$.error.Cause' }));

  const awaitDecision = new LambdaInvoke(scope, 'Await decision', {
    lambdaFunction: tasks.requestDecision,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({ requestId: JsonPath.stringAt('$.requestId'), taskToken: JsonPath.taskToken }),
    resultPath: '$.decision',
    taskTimeout: Timeout.duration(approvalTimeout),
  })
    .addRetry({ errors: ['RequestNotInReviewError'], maxAttempts: 0 })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    .addCatch(recordFailure, { resultPath: '$.error' });

  const finalize = new LambdaInvoke(scope, 'Finalize', {
    lambdaFunction: tasks.finalize,
    payloadResponseOnly: true,
    payload: TaskInput.fromObject({ requestId: JsonPath.stringAt('$.requestId'), outcome: JsonPath.stringAt('$.decision.outcome') }),
    resultPath: JsonPath.DISCARD,
    taskTimeout: lambdaTimeout,
  })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    .addCatch(recordFailure, { resultPath: '$.error' })
    .next(new Succeed(scope, 'Closed'));

  return awaitDecision.next(
    new Choice(scope, 'Line complete?')
      .when(Condition.stringEquals('$.decision.outcome', 'next'), awaitDecision)
      .otherwise(finalize),
  );
}
