import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { RunOptions, StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import { usage } from './usage-meter.js';

installPromiseWithResolvers();
// aws-local-stepfunctions calls Promise.withResolvers (Node 22+), so it is loaded only once the polyfill is in place.
const library = await import('aws-local-stepfunctions');

/**
 * In-process emulation of the parts of AWS Step Functions the handlers use (StartExecution,
 * SendTaskSuccess/Failure/Heartbeat, StopExecution, DescribeExecution), running Standard state
 * machines with aws-local-stepfunctions. Executions parked on a task token are persisted, so an
 * approval that waits for days survives a restart of the local runtime. So is a task whose Lambda
 * was running when the runtime died (SIGKILL, an OOM kill): on the next start that task runs again
 * from its input, as AWS retries a Lambda invocation that failed mid-way (Lambda.Unknown) — the
 * functions are written for at-least-once delivery either way.
 */

export interface LocalStateMachine {
  arn: string;
  name: string;
  /** Fully resolved JSON (no CloudFormation intrinsics left). */
  definition: StateMachineDefinition;
}

export interface LocalStepFunctionsOptions {
  /** Executions are persisted under `<dataDir>/executions/<state machine name>/<execution name>.json`. */
  dataDir: string;
  stateMachines: LocalStateMachine[];
  /** Runs a local Lambda handler; rejects with an Error whose `name` is the Lambda errorType. */
  invokeFunction(functionArn: string, payload: unknown): Promise<unknown>;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** A Step Functions API error; `name` is the AWS error code (TaskDoesNotExist, ExecutionAlreadyExists, ...). */
export class LocalStepFunctionsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonValue = Parameters<TaskHandlers[string]>[0];
type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

interface WaitingTask {
  token: string;
  stateName: string;
  /** The state's input before InputPath/Parameters: what a resumed run starts from. */
  rawInput: JsonValue;
  enteredAt: string;
  timeoutAt: string;
  /**
   * The answer SendTaskSuccess/SendTaskFailure gave, kept until the run has moved past the state:
   * an acknowledged answer is never lost, as in AWS. A restart in between resumes the state and
   * hands it this answer again instead of failing the execution.
   */
  answer?: { output: JsonValue } | { error: string; cause: string };
}

/** A top-level task state whose Lambda was invoked and had not answered yet. */
interface RunningTask {
  stateName: string;
  rawInput: JsonValue;
  enteredAt: string;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  waiting?: WaitingTask;
  running?: RunningTask;
  /** A top-level task was entered once: before that, a restart starts the execution over (AWS accepted it; it must run). */
  progressed?: boolean;
}

type TaskKind = 'function' | 'invoke' | 'waitForTaskToken' | 'unsupported';

interface TaskInfo {
  resource: string;
  kind: TaskKind;
  timeoutSeconds: number | undefined;
  /** A top-level state whose name no nested (Map/Parallel) state shares: its raw input can be captured and resumed. */
  resumable: boolean;
}

interface Machine {
  arn: string;
  name: string;
  definition: StateMachineDefinition;
  stateMachine: StateMachine;
  tasks: Map<string, TaskInfo>;
  /** State machines starting at a waiting state, by state name and remaining execution timeout. */
  resumed: Map<string, StateMachine>;
}

interface PendingTask {
  token: string;
  run: Run;
  stateName: string;
  deadline: number;
  settled: boolean;
  parked: boolean;
  promise: Promise<JsonValue>;
  resolve(value: JsonValue): void;
  reject(error: Error): void;
  fallbackTimer?: NodeJS.Timeout;
}

interface Run {
  record: ExecutionRecord;
  machine: Machine;
  placeholder: string;
  /** Read by the library through `TimeoutSecondsPath` of a resumed state; see runTask. */
  timeoutSlot: { TaskTimeoutSeconds: number };
  /** The first invocation of this state re-parks on the persisted token instead of invoking the Lambda again. */
  resume: WaitingTask | undefined;
  abort: () => void;
  /** Rejects when the run is stopped, closed or finished, so nothing of it waits forever. */
  ended: Promise<never>;
  end: (error: Error) => void;
  detached: boolean;
  busy: number;
  parked: number;
  tasks: Set<PendingTask>;
  rawInputWaiters: Map<string, Array<(rawInput: JsonValue) => void>>;
}

const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const TIMEOUT_SLOT_PATH = '$$.LocalRuntime.TaskTimeoutSeconds';
/** The library times a task out with its own timer; ours only cleans up the token, slightly later. */
const TIMEOUT_FALLBACK_GRACE_MS = 1000;
const TIMEOUT_MATCH_TOLERANCE_MS = 100;
const MAX_BODY_BYTES = 2 * 1024 * 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: Step Functions refuses control characters in names; this matches them on purpose.
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[^:]*:[^:]*:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/;

export class LocalStepFunctions {
  private readonly options: LocalStepFunctionsOptions;
  private readonly executionsDir: string;
  private readonly machines = new Map<string, Machine>();
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly active = new Map<string, Run>();
  private readonly tokens = new Map<string, PendingTask>();
  /** Tokens whose task timed out, so a late answer gets TaskTimedOut as in AWS (bounded). */
  private readonly timedOutTokens = new Set<string>();
  private readonly writes = new Map<string, Promise<void>>();
  private settleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(options: LocalStepFunctionsOptions) {
    this.options = options;
    this.executionsDir = join(options.dataDir, 'executions');
    for (const machine of options.stateMachines) {
      if (this.machines.has(machine.arn)) throw new Error(`state machine ${machine.name}: ARN ${machine.arn} is defined twice`);
      this.machines.set(machine.arn, prepareMachine(machine, options.log));
    }
    mkdirSync(this.executionsDir, { recursive: true });
    this.loadRecords();
  }

  /** After a restart: resume every execution that was waiting on a task token. Returns how many. */
  async resumeWaiting(): Promise<number> {
    this.assertOpen();
    let resumed = 0;
    const failures: Promise<void>[] = [];
    for (const record of this.records.values()) {
      if (record.status !== 'RUNNING' || this.active.has(record.executionArn)) continue;
      const machine = this.machines.get(record.stateMachineArn);
      const { waiting, running } = record;
      const input = tryParseJson(record.input);
      const task = machine?.tasks.get(waiting?.stateName ?? running?.stateName ?? '');
      if (!machine) {
        failures.push(this.failOrphan(record, `state machine ${record.stateMachineArn} is no longer defined locally`));
      } else if (waiting) {
        if (task?.kind !== 'waitForTaskToken' || !task.resumable) {
          failures.push(this.failOrphan(record, `state ${waiting.stateName} can no longer be resumed (definition changed)`));
        } else {
          this.resumeRun(machine, record, waiting.stateName, waiting.rawInput, waiting);
          resumed += 1;
        }
      } else if (running && task?.resumable && task.kind !== 'unsupported') {
        this.resumeRun(machine, record, running.stateName, running.rawInput, undefined);
        resumed += 1;
      } else if (!running && !record.progressed && input !== undefined) {
        this.options.log('info', 'execution started again: the restart came before its first task', { executionArn: record.executionArn });
        this.launch(machine, record, machine.stateMachine, input, undefined);
        resumed += 1;
      } else {
        failures.push(this.failOrphan(record, 'local runtime restarted while the execution was running'));
      }
    }
    await Promise.all(failures);
    return resumed;
  }

  async startExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<{ executionArn: string; startDate: Date }> {
    this.assertOpen();
    const machine = this.machines.get(input.stateMachineArn);
    if (!machine) {
      if (!STATE_MACHINE_ARN.test(input.stateMachineArn)) throw new LocalStepFunctionsError('InvalidArn', `Invalid Arn: '${input.stateMachineArn}'`);
      throw new LocalStepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
    }
    const name = input.name ?? randomUUID();
    if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTER.test(name)) {
      throw new LocalStepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    }
    const inputText = input.input ?? '{}';
    const parsedInput = tryParseJson(inputText);
    if (parsedInput === undefined)
      throw new LocalStepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not valid JSON');

    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.records.get(executionArn);
    if (existing) {
      // Same name and same input on an open execution is idempotent in AWS; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new LocalStepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      input: inputText,
    };
    this.records.set(executionArn, record);
    const written = this.persist(record);
    this.options.log('info', 'execution started', { executionArn, stateMachine: machine.name });
    this.launch(machine, record, machine.stateMachine, parsedInput, undefined);
    await written;
    return { executionArn, startDate: new Date(record.startDate) };
  }

  async sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void> {
    const task = this.takeTask(input.taskToken);
    const output = tryParseJson(input.output);
    if (output === undefined) throw new LocalStepFunctionsError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    await this.completeTask(task, { output });
  }

  async sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    const task = this.takeTask(input.taskToken);
    const failure = new Error(input.cause ?? '');
    failure.name = input.error ?? 'States.TaskFailed';
    await this.completeTask(task, { failure });
  }

  /** Heartbeats only prove the token is alive: HeartbeatSeconds is not enforced locally. */
  async sendTaskHeartbeat(input: { taskToken: string }): Promise<void> {
    this.takeTask(input.taskToken);
  }

  async stopExecution(input: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }> {
    this.assertOpen();
    const record = this.recordOf(input.executionArn);
    // Stopping a closed execution changes nothing and is not an error, as in AWS.
    if (record.status !== 'RUNNING') return { stopDate: new Date(record.stopDate ?? record.startDate) };
    const stopDate = new Date();
    record.status = 'ABORTED';
    record.stopDate = stopDate.toISOString();
    record.error = input.error;
    record.cause = input.cause;
    delete record.waiting;
    delete record.running;
    const run = this.active.get(record.executionArn);
    if (run) this.detach(run);
    this.options.log('info', 'execution aborted', { executionArn: record.executionArn, error: input.error, cause: input.cause });
    await this.persist(record);
    return { stopDate };
  }

  async describeExecution(input: { executionArn: string }): Promise<ExecutionDescription> {
    const record = this.recordOf(input.executionArn);
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: new Date(record.startDate),
      ...(record.stopDate !== undefined && { stopDate: new Date(record.stopDate) }),
      input: record.input,
      ...(record.output !== undefined && { output: record.output }),
      ...(record.error !== undefined && { error: record.error }),
      ...(record.cause !== undefined && { cause: record.cause }),
    };
  }

  /**
   * Resolves once every running execution is either finished or parked on a task token.
   * An execution sitting in a Wait state counts as in flight, and a Parallel branch parked next
   * to a branch between Task states counts as parked.
   */
  async settled(): Promise<void> {
    while (![...this.active.values()].every((run) => run.parked > 0 && run.busy === 0)) {
      await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    }
    await Promise.all(this.writes.values());
  }

  /** The AWS JSON 1.0 protocol endpoint the real `@aws-sdk/client-sfn` talks to. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    this.serve(request, response).catch((error: unknown) => {
      this.options.log('error', 'step functions endpoint failed', { error: describeError(error) });
      if (!response.headersSent) sendJson(response, 500, { __type: 'InternalFailure', message: 'internal error in the local Step Functions' });
      else response.destroy();
    });
  }

  /** Stops running executions in memory WITHOUT marking them stopped: they resume on the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of [...this.active.values()]) this.detach(run);
    await Promise.all(this.writes.values());
    this.notify();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (request.method !== 'POST') throw new LocalStepFunctionsError('UnknownOperationException', `unsupported method ${request.method ?? ''}`);
      const target = headerOf(request, 'x-amz-target') ?? '';
      const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : target;
      const body = await readJsonBody(request);
      const result = await this.operate(operation, body);
      sendJson(response, 200, result);
    } catch (error) {
      if (!(error instanceof LocalStepFunctionsError)) throw error;
      sendJson(response, 400, { __type: error.name, message: error.message });
    }
  }

  private async operate(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (operation) {
      case 'StartExecution': {
        const started = await this.startExecution({
          stateMachineArn: requiredString(body, 'stateMachineArn', 'InvalidArn'),
          name: optionalString(body, 'name'),
          input: optionalString(body, 'input'),
        });
        return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
      }
      case 'SendTaskSuccess':
        await this.sendTaskSuccess({
          taskToken: requiredString(body, 'taskToken', 'InvalidToken'),
          output: requiredString(body, 'output', 'InvalidOutput'),
        });
        return {};
      case 'SendTaskFailure':
        await this.sendTaskFailure({
          taskToken: requiredString(body, 'taskToken', 'InvalidToken'),
          error: optionalString(body, 'error'),
          cause: optionalString(body, 'cause'),
        });
        return {};
      case 'SendTaskHeartbeat':
        await this.sendTaskHeartbeat({ taskToken: requiredString(body, 'taskToken', 'InvalidToken') });
        return {};
      case 'StopExecution': {
        const stopped = await this.stopExecution({
          executionArn: requiredString(body, 'executionArn', 'InvalidArn'),
          error: optionalString(body, 'error'),
          cause: optionalString(body, 'cause'),
        });
        return { stopDate: epochSeconds(stopped.stopDate) };
      }
      case 'DescribeExecution': {
        const execution = await this.describeExecution({ executionArn: requiredString(body, 'executionArn', 'InvalidArn') });
        return {
          ...execution,
          startDate: epochSeconds(execution.startDate),
          ...(execution.stopDate && { stopDate: epochSeconds(execution.stopDate) }),
          inputDetails: { included: true },
          ...(execution.output !== undefined && { outputDetails: { included: true } }),
        };
      }
      default:
        throw new LocalStepFunctionsError('UnknownOperationException', `unknown operation ${operation || '(no X-Amz-Target)'}`);
    }
  }

  /** Runs an execution again from `stateName`: re-parked on its persisted token (`waiting`), or that task run again. */
  private resumeRun(machine: Machine, record: ExecutionRecord, stateName: string, rawInput: JsonValue, waiting: WaitingTask | undefined): void {
    const definition = resumeDefinition(machine.definition, stateName, record.startDate);
    // Validating a definition takes the library 100-500 ms, so each resumed shape is built once.
    const key = `${stateName}\u0000${definition.TimeoutSeconds ?? ''}`;
    const stateMachine = machine.resumed.get(key) ?? new library.StateMachine(definition);
    machine.resumed.set(key, stateMachine);
    delete record.running;
    this.options.log('info', waiting ? 'execution resumed' : 'execution resumed: the task cut off by the restart runs again', {
      executionArn: record.executionArn,
      state: stateName,
      ...(waiting ? { timeoutAt: waiting.timeoutAt } : {}),
    });
    this.launch(machine, record, stateMachine, rawInput, waiting);
  }

  private launch(machine: Machine, record: ExecutionRecord, stateMachine: StateMachine, input: JsonValue, resume: WaitingTask | undefined): void {
    let end: (error: Error) => void = () => undefined;
    const ended = new Promise<never>((_resolve, reject) => {
      end = reject;
    });
    ended.catch(() => undefined);
    const run: Run = {
      record,
      machine,
      placeholder: `local-task-token-placeholder-${randomUUID()}`,
      timeoutSlot: { TaskTimeoutSeconds: 60 },
      resume,
      abort: () => undefined,
      ended,
      end,
      detached: false,
      busy: 0,
      parked: 0,
      tasks: new Set(),
      rawInputWaiters: new Map(),
    };
    const handlers: TaskHandlers = {};
    for (const stateName of machine.tasks.keys()) handlers[stateName] = (taskInput) => this.runTask(run, stateName, taskInput);
    this.active.set(record.executionArn, run);

    const execution = stateMachine.run(input, {
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: handlers },
      // $$.Task.Token is fixed for a whole run in the library, so it is a placeholder each task swaps for its own token.
      context: {
        Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: run.placeholder },
        LocalRuntime: run.timeoutSlot,
      },
    });
    run.abort = execution.abort;
    this.consumeEvents(run, execution.eventLogs).catch((error: unknown) => {
      this.options.log('error', 'reading the execution event log failed', { executionArn: record.executionArn, error: describeError(error) });
    });
    execution.result
      .then(
        (output) => this.finish(run, { status: 'SUCCEEDED', output: JSON.stringify(output) }),
        (error: unknown) => this.finish(run, failureOf(error)),
      )
      .catch((error: unknown) => {
        this.options.log('error', 'recording the end of an execution failed', { executionArn: record.executionArn, error: describeError(error) });
      });
  }

  private async consumeEvents(run: Run, events: AsyncGenerator<EventLog>): Promise<void> {
    for await (const event of events) {
      // Step Functions bills every state entered (and every retry) as a transition.
      if (event.type === 'StateEntered' || event.type === 'StateRetried') usage().stateTransitions += 1;
      if ((event.type === 'StateEntered' || event.type === 'StateRetried') && event.index === undefined) {
        // The override registered its waiter synchronously before the library yields this event to us.
        run.rawInputWaiters.get(event.state.name)?.shift()?.(cloneJson(event.state.input));
      } else if (event.type === 'StateFailed' && event.Error === 'States.Timeout') {
        this.expireTasks(run, event.state.name);
      }
    }
  }

  private runTask(run: Run, stateName: string, input: JsonValue): Promise<JsonValue> {
    const info = run.machine.tasks.get(stateName);
    if (run.detached) return Promise.reject(executionEnded());
    if (!info || info.kind === 'unsupported') {
      const resource = info?.resource ?? '(unknown)';
      return Promise.reject(
        new UncatchableError(
          'States.Runtime',
          `state ${stateName}: resource ${resource} is not supported by the local Step Functions (only Lambda functions, lambda:invoke and lambda:invoke.waitForTaskToken)`,
        ),
      );
    }
    if (info.kind === 'function' || info.kind === 'invoke') {
      const rawInput = info.resumable ? this.nextRawInput(run, stateName) : undefined;
      return this.track(run, async () => {
        const { functionName, payload } =
          info.kind === 'invoke' ? invokeParameters(stateName, input) : { functionName: info.resource, payload: input };
        if (rawInput) await this.enter(run, stateName, await this.whileRunning(run, rawInput));
        else await this.markProgress(run);
        try {
          const returned = await this.whileRunning(run, this.invoke(functionName, payload));
          return info.kind === 'invoke' ? { ExecutedVersion: '$LATEST', Payload: toJson(returned), StatusCode: 200 } : toJson(returned);
        } finally {
          if (rawInput) await this.leave(run, stateName);
        }
      });
    }

    // Everything up to opening the task runs synchronously: the library reads the task timeout
    // (and may deliver SendTaskSuccess) right after this function returns.
    const calledAt = Date.now();
    const resume = run.resume?.stateName === stateName ? run.resume : undefined;
    run.resume = undefined;
    // A resumed wait keeps its original deadline, unless it was answered before the restart (then it cannot time out).
    const timeoutSeconds = resume && !resume.answer ? remainingSeconds(resume.timeoutAt, calledAt) : (info.timeoutSeconds ?? 60);
    // Only the resumed state reads this slot: its first wait gets the remaining time, later loops the full time.
    run.timeoutSlot.TaskTimeoutSeconds = timeoutSeconds;
    if (resume) {
      const task = this.openTask(run, stateName, resume.token, calledAt + timeoutSeconds * 1000);
      const { answer } = resume;
      return this.trackTask(run, task, async () => {
        if (answer) {
          // Answered before the restart: the same answer again, as the state had it then.
          this.options.log('info', 'execution resumed with the answer its task had before the restart', {
            executionArn: run.record.executionArn,
            state: stateName,
          });
          const failure = 'error' in answer ? Object.assign(new Error(answer.cause), { name: answer.error }) : undefined;
          void this.completeTask(task, failure ? { failure } : { output: (answer as { output: JsonValue }).output });
        } else this.park(task);
        return this.whileRunning(run, task.promise);
      });
    }
    const rawInput = info.resumable ? this.nextRawInput(run, stateName) : undefined;
    const task = this.openTask(run, stateName, randomBytes(48).toString('base64url'), calledAt + timeoutSeconds * 1000);
    return this.trackTask(run, task, async () => {
      const { functionName, payload } = invokeParameters(stateName, replaceInStrings(input, run.placeholder, task.token));
      const stateRawInput = rawInput ? await this.whileRunning(run, rawInput) : undefined;
      if (stateRawInput !== undefined) await this.enter(run, stateName, stateRawInput);
      else await this.markProgress(run);
      const invocation = this.invoke(functionName, payload);
      // The token is valid while the Lambda runs; an answer that early wins, as in AWS.
      await this.whileRunning(
        run,
        Promise.race([invocation, task.promise]).finally(() => this.forget(run, stateName)),
      );
      if (!task.settled && stateRawInput !== undefined) {
        run.record.waiting = {
          token: task.token,
          stateName,
          rawInput: stateRawInput,
          enteredAt: new Date(calledAt).toISOString(),
          timeoutAt: new Date(task.deadline).toISOString(),
        };
        await this.persist(run.record);
      } else if (stateRawInput !== undefined && !run.detached) {
        await this.persist(run.record); // answered while its Lambda ran: nothing to run again
      }
      if (!task.settled) {
        this.park(task);
        this.options.log('info', 'execution waiting for task token', {
          executionArn: run.record.executionArn,
          state: stateName,
          timeoutAt: new Date(task.deadline).toISOString(),
        });
      }
      return this.whileRunning(run, task.promise);
    });
  }

  /** Before a top-level task's Lambda is invoked: persisted, so a restart runs the task again if it never answered. */
  private async enter(run: Run, stateName: string, rawInput: JsonValue): Promise<void> {
    this.movedOn(run);
    run.record.running = { stateName, rawInput, enteredAt: new Date().toISOString() };
    run.record.progressed = true;
    await this.persist(run.record);
  }

  /** A task that cannot be resumed (inside Map/Parallel) is starting: from now on a restart cannot start the execution over. */
  private async markProgress(run: Run): Promise<void> {
    if (run.record.waiting?.answer) {
      this.movedOn(run);
      run.record.progressed = true;
      await this.persist(run.record);
      return;
    }
    if (run.record.progressed) return;
    run.record.progressed = true;
    await this.persist(run.record);
  }

  private forget(run: Run, stateName: string): void {
    if (run.record.running?.stateName === stateName) delete run.record.running;
  }

  /** The task's Lambda answered (or failed, and the state's Retry/Catch takes over): nothing to run again. */
  private async leave(run: Run, stateName: string): Promise<void> {
    if (run.record.running?.stateName !== stateName) return;
    this.forget(run, stateName);
    if (!run.detached) await this.persist(run.record);
  }

  private async invoke(functionName: string, payload: unknown): Promise<unknown> {
    try {
      return await this.options.invokeFunction(functionName, payload);
    } catch (error) {
      if (error instanceof Error) throw error;
      throw Object.assign(new Error(String(error)), { name: 'Lambda.Unknown' });
    }
  }

  /** Counts the override as in flight (for settled()) until it settles. */
  private track(run: Run, work: () => Promise<JsonValue>): Promise<JsonValue> {
    run.busy += 1;
    return work().finally(() => {
      run.busy -= 1;
      this.notify();
    });
  }

  /** Like track, and however the override ends (Lambda error, bad parameters), its token stops being valid. */
  private trackTask(run: Run, task: PendingTask, work: () => Promise<JsonValue>): Promise<JsonValue> {
    return this.track(run, async () => {
      try {
        return await work();
      } finally {
        this.settleTask(task);
      }
    });
  }

  private whileRunning<T>(run: Run, promise: Promise<T>): Promise<T> {
    return Promise.race([promise, run.ended]);
  }

  private nextRawInput(run: Run, stateName: string): Promise<JsonValue> {
    return new Promise<JsonValue>((resolve) => {
      const waiters = run.rawInputWaiters.get(stateName) ?? [];
      waiters.push(resolve);
      run.rawInputWaiters.set(stateName, waiters);
    });
  }

  private openTask(run: Run, stateName: string, token: string, deadline: number): PendingTask {
    let resolve: (value: JsonValue) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const promise = new Promise<JsonValue>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    promise.catch(() => undefined);
    const task: PendingTask = { token, run, stateName, deadline, settled: false, parked: false, promise, resolve, reject };
    task.fallbackTimer = setTimeout(() => this.expire(task), Math.max(0, deadline - Date.now()) + TIMEOUT_FALLBACK_GRACE_MS);
    task.fallbackTimer.unref();
    run.tasks.add(task);
    this.tokens.set(token, task);
    return task;
  }

  private park(task: PendingTask): void {
    if (task.settled || task.parked) return;
    task.parked = true;
    task.run.parked += 1;
    task.run.busy -= 1;
    this.notify();
  }

  /** Closes a task: the token stops being valid and a parked run is in flight again. */
  private settleTask(task: PendingTask): void {
    if (task.settled) return;
    task.settled = true;
    clearTimeout(task.fallbackTimer);
    this.tokens.delete(task.token);
    task.run.tasks.delete(task);
    if (task.parked) {
      task.parked = false;
      task.run.parked -= 1;
      task.run.busy += 1;
    }
    if (task.run.record.waiting?.token === task.token) delete task.run.record.waiting;
    this.notify();
  }

  private takeTask(taskToken: string): PendingTask {
    this.assertOpen();
    if (taskToken.length === 0 || taskToken.length > 2048) throw new LocalStepFunctionsError('InvalidToken', 'Invalid Token');
    const task = this.tokens.get(taskToken);
    if (task) return task;
    if (this.timedOutTokens.has(taskToken)) throw new LocalStepFunctionsError('TaskTimedOut', 'Task Timed Out');
    throw new LocalStepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private async completeTask(task: PendingTask, outcome: { output: JsonValue } | { failure: Error }): Promise<void> {
    const waiting = task.run.record.waiting?.token === task.token ? task.run.record.waiting : undefined;
    this.settleTask(task);
    if (waiting && !task.run.detached) {
      // Durable before it is acknowledged and before the run moves on: a crash from here until the
      // next state is entered resumes this state with the same answer (answeredSince below clears it).
      const answer = 'output' in outcome ? { output: outcome.output } : { error: outcome.failure.name, cause: outcome.failure.message };
      task.run.record.waiting = { ...waiting, answer };
      await this.persist(task.run.record);
    }
    if ('output' in outcome) task.resolve(outcome.output);
    else task.reject(outcome.failure);
  }

  /** The run has moved past an answered state (it entered another, or parked again): its kept answer is no longer needed. */
  private movedOn(run: Run): void {
    if (run.record.waiting?.answer) delete run.record.waiting;
  }

  /** The library timed the state out: retire the token so a late answer gets TaskTimedOut. */
  private expireTasks(run: Run, stateName: string): void {
    const now = Date.now();
    for (const task of [...run.tasks]) {
      if (task.stateName === stateName && task.deadline <= now + TIMEOUT_MATCH_TOLERANCE_MS) this.expire(task);
    }
  }

  private expire(task: PendingTask): void {
    if (task.settled) return;
    const hadWaiting = task.run.record.waiting?.token === task.token;
    this.settleTask(task);
    this.timedOutTokens.add(task.token);
    if (this.timedOutTokens.size > 1000) {
      const oldest = this.timedOutTokens.values().next();
      if (!oldest.done) this.timedOutTokens.delete(oldest.value);
    }
    // Normally the library's own timer already failed the state with States.Timeout; this only ends our wait.
    task.reject(Object.assign(new Error('task timed out'), { name: 'States.Timeout' }));
    if (hadWaiting && !task.run.detached) void this.persist(task.run.record);
  }

  /** Takes a run out of memory: the library run is aborted and every wait of it ends. */
  private detach(run: Run): void {
    if (run.detached) return;
    run.detached = true;
    // Abort first so the library sees the aborted signal before the rejected tasks reach its Catch/Retry.
    run.abort();
    const ended = executionEnded();
    for (const task of [...run.tasks]) {
      this.settleTask(task);
      task.reject(ended);
    }
    run.end(ended);
    this.active.delete(run.record.executionArn);
    this.notify();
  }

  private async finish(run: Run, outcome: { status: ExecutionStatus; output?: string; error?: string; cause?: string }): Promise<void> {
    if (run.detached) return;
    const { record } = run;
    record.status = outcome.status;
    record.stopDate = new Date().toISOString();
    if (outcome.output !== undefined) record.output = outcome.output;
    if (outcome.error !== undefined) record.error = outcome.error;
    if (outcome.cause !== undefined) record.cause = outcome.cause;
    delete record.waiting;
    delete record.running;
    // Tasks of Map iterations or Parallel branches the library abandoned would otherwise wait forever.
    run.detached = true;
    const ended = executionEnded();
    for (const task of [...run.tasks]) {
      this.settleTask(task);
      task.reject(ended);
    }
    run.end(ended);
    const level = outcome.status === 'SUCCEEDED' ? 'info' : 'warn';
    this.options.log(level, `execution ${outcome.status.toLowerCase().replace('_', ' ')}`, {
      executionArn: record.executionArn,
      ...(outcome.error !== undefined && { error: outcome.error, cause: outcome.cause }),
    });
    await this.persist(record);
    this.active.delete(record.executionArn);
    this.notify();
  }

  private async failOrphan(record: ExecutionRecord, cause: string): Promise<void> {
    record.status = 'FAILED';
    record.stopDate = new Date().toISOString();
    record.error = 'States.Runtime';
    record.cause = cause;
    delete record.waiting;
    delete record.running;
    this.options.log('warn', 'execution failed', { executionArn: record.executionArn, error: record.error, cause });
    await this.persist(record);
  }

  private recordOf(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (record) return record;
    if (!EXECUTION_ARN.test(executionArn)) throw new LocalStepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    throw new LocalStepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  }

  private notify(): void {
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const wake of waiters) wake();
  }

  private assertOpen(): void {
    if (this.closed) throw new LocalStepFunctionsError('ServiceUnavailable', 'the local Step Functions is closed');
  }

  private fileOf(record: ExecutionRecord): string {
    const machineName = record.stateMachineArn.slice(record.stateMachineArn.lastIndexOf(':') + 1);
    return join(this.executionsDir, encodeURIComponent(machineName), `${encodeURIComponent(record.name)}.json`);
  }

  /** Writes a snapshot of the record now; writes of one file happen in order. Never rejects (failures are logged). */
  private persist(record: ExecutionRecord): Promise<void> {
    if (this.closed) return Promise.resolve();
    const file = this.fileOf(record);
    const contents = `${JSON.stringify(record, null, 2)}\n`;
    const previous = this.writes.get(file) ?? Promise.resolve();
    const write = previous
      .then(() => writeAtomically(file, contents))
      .catch((error: unknown) => {
        this.options.log('error', 'could not persist execution', { executionArn: record.executionArn, file, error: describeError(error) });
      });
    this.writes.set(file, write);
    void write.then(() => {
      if (this.writes.get(file) === write) this.writes.delete(file);
    });
    return write;
  }

  private loadRecords(): void {
    for (const directory of readdirSync(this.executionsDir, { withFileTypes: true })) {
      if (!directory.isDirectory()) continue;
      const directoryPath = join(this.executionsDir, directory.name);
      for (const file of readdirSync(directoryPath)) {
        if (!file.endsWith('.json')) continue;
        const path = join(directoryPath, file);
        const parsed = tryParseJson(readFileSync(path, 'utf8'));
        if (!isExecutionRecord(parsed)) {
          this.options.log('warn', 'ignoring an unreadable execution file', { file: path });
          continue;
        }
        this.records.set(parsed.executionArn, parsed);
      }
    }
  }
}

/** An error a Catch or Retry cannot handle, like States.Runtime in AWS. The library reads these two flags. */
class UncatchableError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function executionEnded(): UncatchableError {
  return new UncatchableError('States.Runtime', 'the execution is no longer running in this process');
}

function prepareMachine(machine: LocalStateMachine, log: LocalStepFunctionsOptions['log']): Machine {
  const { definition } = machine;
  const where = `state machine ${machine.name}`;
  if (typeof definition.TimeoutSeconds === 'number' && definition.TimeoutSeconds > MAX_TIMER_SECONDS) {
    throw new Error(
      `${where}: TimeoutSeconds ${definition.TimeoutSeconds} exceeds ${MAX_TIMER_SECONDS}, the longest timer Node.js can run (longer ones fire at once)`,
    );
  }
  const nestedNames = new Set<string>();
  const tasks = new Map<string, TaskInfo>();
  const visit = (states: unknown, nested: boolean): void => {
    for (const [stateName, value] of Object.entries(fieldsOf(states))) {
      const state = fieldsOf(value);
      if (nested) nestedNames.add(stateName);
      if (state.Type === 'Parallel') {
        for (const branch of arrayOf(state.Branches)) visit(fieldsOf(branch).States, true);
      } else if (state.Type === 'Map') {
        visit(fieldsOf(state.ItemProcessor ?? state.Iterator).States, true);
      } else if (state.Type === 'Task') {
        const resource = typeof state.Resource === 'string' ? state.Resource : '';
        const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
        const kind = taskKind(resource);
        if (timeoutSeconds !== undefined && timeoutSeconds > MAX_TIMER_SECONDS) {
          throw new Error(
            `${where}, state ${stateName}: TimeoutSeconds ${timeoutSeconds} exceeds ${MAX_TIMER_SECONDS}, the longest timer Node.js can run (longer ones fire at once)`,
          );
        }
        if (kind === 'waitForTaskToken' && timeoutSeconds === undefined) {
          throw new Error(
            `${where}, state ${stateName}: a .waitForTaskToken Task needs TimeoutSeconds (locally it would otherwise time out after 60 seconds; TimeoutSecondsPath is not supported)`,
          );
        }
        const existing = tasks.get(stateName);
        if (existing && (existing.resource !== resource || existing.timeoutSeconds !== timeoutSeconds)) {
          throw new Error(`${where}: two different Task states are named ${stateName}; local overrides are keyed by state name`);
        }
        if (kind === 'unsupported')
          log('warn', 'task resource not supported locally; the execution will fail there', {
            stateMachine: machine.name,
            state: stateName,
            resource,
          });
        tasks.set(stateName, { resource, kind, timeoutSeconds, resumable: !nested });
      }
    }
  };
  visit(definition.States, false);
  for (const [stateName, task] of tasks) {
    if (nestedNames.has(stateName)) task.resumable = false;
    if (task.kind === 'waitForTaskToken' && !task.resumable) {
      log('warn', 'a waiting task inside Map/Parallel is not persisted; it fails if the runtime restarts while it waits', {
        stateMachine: machine.name,
        state: stateName,
      });
    }
  }
  const text = JSON.stringify(definition);
  let stateMachine = checkedMachines.get(text);
  if (!stateMachine) {
    try {
      stateMachine = new library.StateMachine(definition);
    } catch (error) {
      throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    checkedMachines.set(text, stateMachine);
  }
  return { arn: machine.arn, name: machine.name, definition, stateMachine, tasks, resumed: new Map() };
}

/**
 * The library validates a definition when it is constructed (≈ 1.3 s of Ajv for the app's machines),
 * and a constructed machine holds no execution state: a runtime started again in this process (the
 * integration tests start one per test file) reuses those its definitions match, text for text.
 */
const checkedMachines = new Map<string, StateMachine>();

function taskKind(resource: string): TaskKind {
  if (/^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(resource)) return 'function';
  if (/^arn:aws[\w-]*:states:::lambda:invoke$/.test(resource)) return 'invoke';
  if (/^arn:aws[\w-]*:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) return 'waitForTaskToken';
  return 'unsupported';
}

/**
 * The definition a resumed execution runs: it starts at the waiting state, without the states it
 * can no longer reach (the library rejects unreachable states). The waiting state reads its timeout
 * from the run's context slot, so only the first wait is shortened to what remains.
 */
function resumeDefinition(definition: StateMachineDefinition, startAt: string, startDate: string): StateMachineDefinition {
  const reachable = new Set<string>();
  const pending = [startAt];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (reachable.has(name)) continue;
    reachable.add(name);
    pending.push(...successorsOf(definition.States[name]));
  }
  const states: StateMachineDefinition['States'] = {};
  for (const name of reachable) {
    const state = definition.States[name];
    if (state) states[name] = structuredClone(state);
  }
  const waiting = states[startAt];
  if (waiting?.Type === 'Task' && waiting.TimeoutSeconds !== undefined) {
    delete waiting.TimeoutSeconds;
    waiting.TimeoutSecondsPath = TIMEOUT_SLOT_PATH;
  }
  const resumed: StateMachineDefinition = { ...definition, StartAt: startAt, States: states };
  if (typeof definition.TimeoutSeconds === 'number') {
    resumed.TimeoutSeconds = remainingSeconds(new Date(Date.parse(startDate) + definition.TimeoutSeconds * 1000).toISOString(), Date.now());
  }
  return resumed;
}

function successorsOf(state: unknown): string[] {
  const fields = fieldsOf(state);
  const next: unknown[] = [fields.Next, fields.Default];
  for (const choice of arrayOf(fields.Choices)) next.push(fieldsOf(choice).Next);
  for (const catcher of arrayOf(fields.Catch)) next.push(fieldsOf(catcher).Next);
  return next.filter((name): name is string => typeof name === 'string');
}

/** Whole seconds left until `deadline`, at least 1 (the library treats 0 as "no timeout" and uses 60 s). */
function remainingSeconds(deadline: string, now: number): number {
  const remainingMs = Date.parse(deadline) - now;
  return Number.isFinite(remainingMs) ? Math.max(1, Math.ceil(remainingMs / 1000)) : 1;
}

function invokeParameters(stateName: string, input: JsonValue): { functionName: string; payload: JsonValue } {
  const fields = fieldsOf(input);
  if (typeof fields.FunctionName !== 'string') {
    throw new UncatchableError('States.Runtime', `state ${stateName}: lambda:invoke needs Parameters.FunctionName (a string)`);
  }
  return { functionName: fields.FunctionName, payload: toJson(fields.Payload ?? {}) };
}

function failureOf(error: unknown): { status: ExecutionStatus; error: string; cause: string } {
  if (error instanceof library.ExecutionTimeoutError)
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded the TimeoutSeconds of its state machine' };
  if (error instanceof library.ExecutionAbortedError) return { status: 'ABORTED', error: 'States.Aborted', cause: error.message };
  // ExecutionError only rephrases the message; the state's own error is its cause.
  const original = error instanceof library.ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (original instanceof Error) return { status: 'FAILED', error: original.name, cause: original.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(original) };
}

function installPromiseWithResolvers(): void {
  const promiseConstructor: PromiseConstructor & { withResolvers?: unknown } = Promise;
  if (typeof promiseConstructor.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve: (value: T | PromiseLike<T>) => void = () => undefined;
      let reject: (reason?: unknown) => void = () => undefined;
      const promise = new Promise<T>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      return { promise, resolve, reject };
    },
  });
}

function isExecutionRecord(value: unknown): value is ExecutionRecord {
  const fields = fieldsOf(value);
  const statuses: unknown[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
  const waiting = fieldsOf(fields.waiting);
  const running = fieldsOf(fields.running);
  return (
    typeof fields.executionArn === 'string' &&
    typeof fields.stateMachineArn === 'string' &&
    typeof fields.name === 'string' &&
    statuses.includes(fields.status) &&
    typeof fields.startDate === 'string' &&
    typeof fields.input === 'string' &&
    (fields.waiting === undefined ||
      (typeof waiting.token === 'string' &&
        typeof waiting.stateName === 'string' &&
        'rawInput' in waiting &&
        typeof waiting.timeoutAt === 'string')) &&
    (fields.running === undefined || (typeof running.stateName === 'string' && 'rawInput' in running))
  );
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Parses JSON text; undefined when it is not JSON. */
function tryParseJson(text: string): JsonValue | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed as JsonValue;
  } catch {
    return undefined;
  }
}

/** Whatever a handler returned, as the JSON Lambda would have serialized (undefined becomes null). */
function toJson(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (tryParseJson(text) ?? null);
}

function cloneJson(value: JsonValue): JsonValue {
  return toJson(value);
}

function replaceInStrings(value: JsonValue, search: string, replacement: string): JsonValue {
  if (typeof value === 'string') return value.replaceAll(search, replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceInStrings(item, search, replacement)]));
  }
  return value;
}

async function writeAtomically(file: string, contents: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, contents, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (size > MAX_BODY_BYTES)
        return reject(new LocalStepFunctionsError('ValidationException', `request body larger than ${MAX_BODY_BYTES} bytes`));
      const text = Buffer.concat(chunks).toString('utf8');
      const parsed = text.trim() === '' ? {} : tryParseJson(text);
      if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return reject(new LocalStepFunctionsError('SerializationException', 'request body is not a JSON object'));
      }
      resolve(parsed);
    });
  });
}

function requiredString(body: Record<string, unknown>, key: string, errorName: string): string {
  const value = optionalString(body, key);
  if (value === undefined) throw new LocalStepFunctionsError(errorName, `${key} is required`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new LocalStepFunctionsError('ValidationException', `${key} must be a string`);
  return value;
}

function sendJson(response: ServerResponse, statusCode: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
