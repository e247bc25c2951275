import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, Fail, type IChainable, IntegrationPattern, JsonPath, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { AppFunction, type MailSettings } from '../infra/constructs/app-function.js';
import type { DataStore } from '../infra/constructs/data-store.js';
import type { OfficePolicy } from '../shared/policies/office-policy.js';

/** The task functions every approval workflow shares (one set, used by all kinds). */
export class ApprovalTasks extends Construct {
  readonly requestDecision: AppFunction;
  readonly finalize: AppFunction;
  readonly recordFailure: AppFunction;
  readonly awaitSupplement: AppFunction;

  get all(): AppFunction[] {
    return [this.requestDecision, this.awaitSupplement, this.finalize, this.recordFailure];
  }

  constructor(scope: Construct, id: string, props: { data: DataStore; mail: MailSettings }) {
    super(scope, id);
    const task = (name: string, entry: string, description: string) =>
      new AppFunction(this, name, { entry, description, timeout: Duration.seconds(30) }).useTable(props.data, 'read-write').useMail(props.mail);
    this.requestDecision = task(
      'RequestDecision',
      'functions/tasks/request-decision.ts',
      'Approval stage: single-use links and emails to its approvers',
    );
    this.awaitSupplement = task(
      'AwaitSupplement',
      'functions/tasks/await-supplement.ts',
      'Supplement request (보완 요청): keeps the token the requester’s answer or its expiry completes',
    );
    this.finalize = task('Finalize', 'functions/tasks/finalize-request.ts', 'Final status (approved, returned, rejected) and email to the requester');
    this.recordFailure = task('RecordFailure', 'functions/tasks/record-failure.ts', 'Marks a request failed, with the reason in its history');
  }
}

const lambdaTimeout = Timeout.duration(Duration.seconds(60));

/**
 * The approval line, written once for every kind. One `.waitForTaskToken` per stage (a single
 * step or a parallel group): the stage's links all carry its token, and whichever decision
 * completes the stage (the last agreement, or a rejection) resumes it.
 *   Await decision → Line complete? → next stage (or the one before: 전단계 반려) : Finalize (approved / returned / rejected), the end
 *                                   → 보완 요청: Await supplement → the same stage again, or Finalize (returned) when unanswered
 * Reminders, escalation, 대결 and the stage deadline happen outside the state machine (the timer
 * sweep moves a waiting step to a new holder on a new link with the same token, and fails the
 * task at the deadline), so a waiting stage costs no transitions. The task's own timeout is only a
 * backstop two days past the deadline. Any failure goes to Record failure → Failed, so a request
 * never sits silently stuck.
 */
export function approvalLine(scope: Construct, tasks: ApprovalTasks, policy: OfficePolicy): IChainable {
  // Each task is told the execution's name too: its log lines carry it beside the request's id.
  const request = {
    requestId: JsonPath.stringAt('$.requestId'),
    round: JsonPath.numberAt('$.round'),
    executionName: JsonPath.stringAt('$$.Execution.Name'),
  };
  const recordFailure = new LambdaInvoke(scope, 'Record failure', {
    lambdaFunction: tasks.recordFailure,
    payloadResponseOnly: true,
    payload: TaskInput.fromObject({ ...request, error: JsonPath.objectAt('$.error') }),
    resultPath: JsonPath.DISCARD,
    taskTimeout: lambdaTimeout,
  })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    .next(new Fail(scope, 'Failed', { error: 'RequestFailed', causePath: '$.error.Cause' }));

  const awaitDecision = new LambdaInvoke(scope, 'Await decision', {
    lambdaFunction: tasks.requestDecision,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({ ...request, taskToken: JsonPath.taskToken }),
    resultPath: '$.decision',
    taskTimeout: Timeout.duration(Duration.days(policy.approvals.stageDeadlineDays + 2)),
  })
    .addRetry({ errors: ['RequestNotInReviewError', 'ApprovalDeadlinePassed'], maxAttempts: 0 })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    .addCatch(recordFailure, { resultPath: '$.error' });

  const finalize = new LambdaInvoke(scope, 'Finalize', {
    lambdaFunction: tasks.finalize,
    payloadResponseOnly: true,
    payload: TaskInput.fromObject({ ...request, outcome: JsonPath.stringAt('$.decision.outcome') }),
    resultPath: JsonPath.DISCARD,
    taskTimeout: lambdaTimeout,
  })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    // Finalize ends the execution: a Succeed state after it would be one more billed transition per request.
    .addCatch(recordFailure, { resultPath: '$.error' });

  // 보완 요청: the requester's answer (outcome next: the same stage opens again) or the sweep at the
  // answer deadline (outcome returned) completes it. Its own timeout is a backstop past that deadline.
  const { answerBusinessDays } = policy.approvals.supplement;
  const awaitSupplement = new LambdaInvoke(scope, 'Await supplement', {
    lambdaFunction: tasks.awaitSupplement,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({ ...request, taskToken: JsonPath.taskToken }),
    resultPath: '$.decision',
    taskTimeout: Timeout.duration(Duration.days(answerBusinessDays * 2 + 2)),
  })
    .addRetry({ errors: ['RequestNotInReviewError'], maxAttempts: 0 })
    .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 })
    .addCatch(recordFailure, { resultPath: '$.error' });

  const lineComplete = new Choice(scope, 'Line complete?')
    .when(Condition.stringEquals('$.decision.outcome', 'next'), awaitDecision)
    .when(Condition.stringEquals('$.decision.outcome', 'supplement'), awaitSupplement)
    .otherwise(finalize);
  awaitSupplement.next(lineComplete);
  return awaitDecision.next(lineComplete);
}
