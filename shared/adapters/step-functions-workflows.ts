import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { Workflows } from '../ports/ports.js';

/**
 * Workflows on Step Functions. One state machine per kind (`stateMachines`: kind → ARN).
 * Execution names are request ids, so a retried start never runs a request twice.
 */
export function makeStepFunctionsWorkflows(sfn: SFNClient, stateMachines: Record<string, string>): Workflows {
  const stateMachineOf = (kind: string) => {
    const arn = stateMachines[kind];
    if (!arn) throw new Error(`no state machine configured for kind ${kind}`);
    return arn;
  };
  const executionArnOf = (kind: string, requestId: string) =>
    `${stateMachineOf(kind).replace(':stateMachine:', ':execution:')}:${requestId}`;

  return {
    async start(kind, requestId) {
      const stateMachineArn = stateMachineOf(kind);
      const executionArn = executionArnOf(kind, requestId);
      try {
        const started = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: requestId, input: JSON.stringify({ requestId }) }),
        );
        return started.executionArn ?? executionArn;
      } catch (error) {
        // Same name and same input is idempotent in Step Functions; a different input is a real conflict.
        if (error instanceof ExecutionAlreadyExists) return executionArn;
        throw error;
      }
    },
    async stop(kind, requestId, cause) {
      await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(kind, requestId), error: 'Withdrawn', cause }));
    },
    async resume(taskToken, outcome) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(outcome) }));
    },
  };
}
