import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Workflows } from '../ports/workflows.js';

/**
 * Workflows on Step Functions. One state machine per kind (`stateMachines`: kind → ARN).
 * Execution names are `<request id>-r<round>`: a retried start never runs a round twice, and a
 * resubmission after 반려 is a new execution beside the earlier round's.
 */
export function makeStepFunctionsWorkflows(sfn: SFNClient, stateMachines: Record<string, string>): Workflows {
  const stateMachineOf = (kind: string) => {
    const arn = stateMachines[kind];
    if (!arn) throw new Error(`no state machine configured for kind ${kind}`);
    return arn;
  };
  const executionName = (requestId: string, round: number) => `${requestId}-r${round}`;
  const executionArnOf = (kind: string, requestId: string, round: number) =>
    `${stateMachineOf(kind).replace(':stateMachine:', ':execution:')}:${executionName(requestId, round)}`;

  return {
    async start(kind, requestId, round) {
      const stateMachineArn = stateMachineOf(kind);
      const executionArn = executionArnOf(kind, requestId, round);
      try {
        const started = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName(requestId, round), input: JSON.stringify({ requestId, round }) }),
        );
        return started.executionArn ?? executionArn;
      } catch (error) {
        // Same name and same input is idempotent in Step Functions; a different input is a real conflict.
        if (error instanceof ExecutionAlreadyExists) return executionArn;
        throw error;
      }
    },
    async stop(kind, requestId, round, cause) {
      await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(kind, requestId, round), error: 'Withdrawn', cause }));
    },
    async resume(taskToken, outcome) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(outcome) }));
    },
    async fail(taskToken, error, cause) {
      await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
    },
  };
}
