import { Duration, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AppFunction, type MailSettings } from './app-function.js';
import type { DataStore } from './data-store.js';
import { scheduledRun } from './dead-letters.js';
import type { DocumentStore } from './document-store.js';

/**
 * The timer sweep: every 15 minutes, reminders, escalations, stage deadlines and delegation
 * periods that are due. It reads a sparse "due timers" index, so a quiet quarter-hour costs one
 * empty Query. Locally the runtime fires the same rule on its (possibly accelerated) clock.
 */
export class ApprovalTimers extends Construct {
  readonly sweep: AppFunction;
  readonly rule: Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { data: DataStore; mail: MailSettings; workflows: Record<string, StateMachine>; documents: DocumentStore },
  ) {
    super(scope, id);
    const STATE_MACHINES = Stack.of(this).toJsonString(
      Object.fromEntries(Object.entries(props.workflows).map(([kind, machine]) => [kind, machine.stateMachineArn])),
    );
    this.sweep = new AppFunction(this, 'Sweep', {
      entry: 'functions/tasks/approval-timers.ts',
      description: 'Reminders, escalations, stage deadlines, delegation periods and 파기 that are due',
      environment: { STATE_MACHINES },
      timeout: Duration.minutes(5),
    })
      .useTable(props.data, 'read-write')
      .useMail(props.mail);
    for (const machine of Object.values(props.workflows)) machine.grantTaskResponse(this.sweep);
    // 파기: a closed request's documents (every version) go when its retention ends.
    props.documents.grant(this.sweep, 'destroy');
    this.rule = new Rule(this, 'Every15Minutes', {
      description: 'Approval timers sweep',
      schedule: Schedule.rate(Duration.minutes(15)),
      // A sweep's work is what the next sweep, 15 minutes on, does anyway: one later than 10 minutes
      // would only overlap it, so it goes to the dead-letter queue instead of running late.
      targets: [scheduledRun(this, 'SweepDeadLetters', this.sweep, Duration.minutes(10))],
    });
  }
}
