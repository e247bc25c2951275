/** The state machines, as the use cases start, stop and resume them. */

/** What a stage's decisions hand back to the waiting workflow. */
export interface DecisionOutcome {
  /** `supplement`: a holder asked the requester for more; the workflow waits for the answer, then the same stage again. */
  outcome: 'next' | 'approved' | 'returned' | 'rejected' | 'supplement';
}

export interface Workflows {
  /** Starts the kind's workflow for one round of a request; idempotent per request id and round. */
  start(kind: string, requestId: string, round: number): Promise<string>;
  /** Stops a round's workflow (a withdrawal). */
  stop(kind: string, requestId: string, round: number, cause: string): Promise<void>;
  /** Resumes a workflow waiting on `taskToken` with the stage's outcome. */
  resume(taskToken: string, outcome: DecisionOutcome): Promise<void>;
  /** Fails the task waiting on `taskToken` (the stage's deadline passed): the workflow's Catch takes over. */
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}
