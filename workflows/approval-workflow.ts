import { RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, type IChainable, LogLevel, QueryLanguage, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge, nagArnOf } from '../infra/constructs/nag.js';

/**
 * A Standard, JSONPath state machine with what every workflow needs: full logging without
 * execution data (inputs hold only request ids, and health data must not reach the logs
 * anyway) and X-Ray tracing.
 */
export class ApprovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: { comment: string; definition: (scope: Construct) => IChainable; invokes: IFunction[] }) {
    super(scope, id);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: props.comment,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(props.definition(this)),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    acknowledge(
      this.stateMachine,
      'IAM5[Resource::*]',
      'X-Ray segments and CloudWatch Logs vended-log delivery (logs:CreateLogDelivery etc.) support no resource-level permissions.',
    );
    for (const fn of props.invokes) {
      acknowledge(
        this.stateMachine,
        `IAM5[Resource::${nagArnOf(fn)}:*]`,
        'Step Functions invokes the task function by qualified ARN (version/alias); the grant is limited to that one function.',
      );
    }
  }
}
