import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LocalStateMachine, LocalStepFunctions } from '../../infra/local/step-functions-local.js';

const REGION = 'ap-northeast-2';
const MACHINE_ARN = `arn:aws:states:${REGION}:123456789012:stateMachine:Approval`;
const NOTIFY_FN = `arn:aws:lambda:${REGION}:123456789012:function:Notify`;
const WORK_FN = `arn:aws:lambda:${REGION}:123456789012:function:Work`;

/** Prepare (Pass) → Notify (waits for a token) → next? Notify again : approved? Done. */
function approvalDefinition(notify: Record<string, unknown> = {}): StateMachineDefinition {
  return {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Result: 'prepared', ResultPath: '$.prepared', Next: 'Notify' },
      Notify: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: NOTIFY_FN, Payload: { 'requestId.$': '$.requestId', 'taskToken.$': '$$.Task.Token' } },
        ResultPath: '$.decision',
        TimeoutSeconds: 3600,
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Expired' }],
        Next: 'Decide',
        ...notify,
      },
      Decide: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.decision.outcome', StringEquals: 'next', Next: 'Notify' },
          { Variable: '$.decision.outcome', StringEquals: 'approved', Next: 'Done' },
        ],
      },
      Expired: { Type: 'Pass', End: true },
      Done: { Type: 'Succeed' },
    },
  };
}

interface Call {
  functionArn: string;
  payload: unknown;
}

/** A fake Lambda host: records every call; `respond` decides the result (or throws). */
function fakeLambda(respond: (call: Call) => unknown = () => ({ sent: true })) {
  const calls: Call[] = [];
  return {
    calls,
    invokeFunction: async (functionArn: string, payload: unknown): Promise<unknown> => {
      const call = { functionArn, payload };
      calls.push(call);
      return respond(call);
    },
  };
}

function lambdaError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function tokenOf(call: Call | undefined): string {
  const payload = call?.payload;
  if (typeof payload !== 'object' || payload === null || !('taskToken' in payload) || typeof payload.taskToken !== 'string') {
    throw new Error(`no task token in ${JSON.stringify(payload)}`);
  }
  return payload.taskToken;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sfn-local-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function emulator(
  dataDir: string,
  lambda: ReturnType<typeof fakeLambda>,
  machines: LocalStateMachine[] = [{ arn: MACHINE_ARN, name: 'Approval', definition: approvalDefinition() }],
) {
  const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const sfn = new LocalStepFunctions({
    dataDir,
    stateMachines: machines,
    invokeFunction: lambda.invokeFunction,
    log: (level, message, fields) => logs.push({ level, message, fields }),
  });
  cleanups.push(() => sfn.close());
  return { sfn, logs };
}

async function persisted(dataDir: string, machineName: string, executionName: string): Promise<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(await readFile(join(dataDir, 'executions', machineName, `${executionName}.json`), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not a record');
  return { ...parsed };
}

describe('LocalStepFunctions', () => {
  it('runs a waitForTaskToken loop with a fresh token per task and succeeds with the final output', async () => {
    const dataDir = await tempDir();
    const lambda = fakeLambda();
    const { sfn, logs } = emulator(dataDir, lambda);

    const { executionArn } = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-1', input: JSON.stringify({ requestId: 'req-1' }) });
    expect(executionArn).toBe('arn:aws:states:ap-northeast-2:123456789012:execution:Approval:req-1');
    await sfn.settled();
    expect(lambda.calls).toHaveLength(1);
    expect(lambda.calls[0]?.functionArn).toBe(NOTIFY_FN);
    expect(lambda.calls[0]?.payload).toMatchObject({ requestId: 'req-1' });
    const first = tokenOf(lambda.calls[0]);
    expect(first).toMatch(/^[\w-]{64}$/);

    await sfn.sendTaskSuccess({ taskToken: first, output: JSON.stringify({ outcome: 'next' }) });
    await sfn.settled();
    expect(lambda.calls).toHaveLength(2);
    const second = tokenOf(lambda.calls[1]);
    expect(second).not.toBe(first);
    expect((await sfn.describeExecution({ executionArn })).status).toBe('RUNNING');
    await expect(sfn.sendTaskSuccess({ taskToken: first, output: '{}' })).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(sfn.sendTaskSuccess({ taskToken: second, output: 'not json' })).rejects.toMatchObject({ name: 'InvalidOutput' });

    await sfn.sendTaskSuccess({ taskToken: second, output: JSON.stringify({ outcome: 'approved' }) });
    await sfn.settled();
    const done = await sfn.describeExecution({ executionArn });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(done.output ?? 'null')).toEqual({ requestId: 'req-1', prepared: 'prepared', decision: { outcome: 'approved' } });
    expect(await persisted(dataDir, 'Approval', 'req-1')).toMatchObject({ status: 'SUCCEEDED' });
    expect(logs.map((entry) => entry.message)).toEqual([
      'execution started',
      'execution waiting for task token',
      'execution waiting for task token',
      'execution succeeded',
    ]);
  });

  it('resumes a waiting execution after a restart without invoking the Lambda again', async () => {
    const dataDir = await tempDir();
    const before = fakeLambda();
    const first = emulator(dataDir, before);
    const { executionArn } = await first.sfn.startExecution({
      stateMachineArn: MACHINE_ARN,
      name: 'req-2',
      input: JSON.stringify({ requestId: 'req-2' }),
    });
    await first.sfn.settled();
    const token = tokenOf(before.calls[0]);
    expect(await persisted(dataDir, 'Approval', 'req-2')).toMatchObject({
      status: 'RUNNING',
      waiting: { token, stateName: 'Notify', rawInput: { requestId: 'req-2', prepared: 'prepared' } },
    });
    await first.sfn.close();
    expect(await persisted(dataDir, 'Approval', 'req-2')).toMatchObject({ status: 'RUNNING', waiting: { token } });

    const after = fakeLambda();
    const second = emulator(dataDir, after);
    expect((await second.sfn.describeExecution({ executionArn })).status).toBe('RUNNING');
    expect(await second.sfn.resumeWaiting()).toBe(1);
    await second.sfn.settled();
    expect(after.calls).toHaveLength(0);

    // A later pass through the same state behaves normally: new invocation, new token, the full timeout.
    await second.sfn.sendTaskSuccess({ taskToken: token, output: JSON.stringify({ outcome: 'next' }) });
    await second.sfn.settled();
    expect(after.calls).toHaveLength(1);
    const next = tokenOf(after.calls[0]);
    expect(next).not.toBe(token);
    const waiting = (await persisted(dataDir, 'Approval', 'req-2')).waiting;
    expect(waiting).toMatchObject({ token: next, stateName: 'Notify' });
    const { enteredAt, timeoutAt } = waiting as { enteredAt: string; timeoutAt: string };
    expect(Date.parse(timeoutAt) - Date.parse(enteredAt)).toBe(3600 * 1000);

    await second.sfn.sendTaskSuccess({ taskToken: next, output: JSON.stringify({ outcome: 'approved' }) });
    await second.sfn.settled();
    const done = await second.sfn.describeExecution({ executionArn });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ requestId: 'req-2', prepared: 'prepared', decision: { outcome: 'approved' } });
    expect(second.logs.some((entry) => entry.message === 'execution resumed')).toBe(true);
  });

  it('an answer acknowledged just before a crash is not lost: the restart resumes the state with it and the run moves on', async () => {
    const dataDir = await tempDir();
    const first = emulator(dataDir, fakeLambda());
    const { executionArn } = await first.sfn.startExecution({
      stateMachineArn: MACHINE_ARN,
      name: 'req-9',
      input: JSON.stringify({ requestId: 'req-9' }),
    });
    await first.sfn.settled();
    const token = (await persisted(dataDir, 'Approval', 'req-9')).waiting as { token: string };
    // The answer is acknowledged; the process dies before the run reaches its next state. What is on disk
    // at that moment is what a restart finds (a copy, taken the instant the call returned).
    await first.sfn.sendTaskSuccess({ taskToken: token.token, output: JSON.stringify({ outcome: 'next' }) });
    const file = join('executions', 'Approval', 'req-9.json');
    const onDisk = readFileSync(join(dataDir, file)); // synchronously: before the run's next write lands
    const crashed = await tempDir();
    await mkdir(join(crashed, 'executions', 'Approval'), { recursive: true });
    await writeFile(join(crashed, file), onDisk);
    expect(await persisted(crashed, 'Approval', 'req-9')).toMatchObject({
      status: 'RUNNING',
      waiting: { token: token.token, stateName: 'Notify', answer: { output: { outcome: 'next' } } },
    });

    const after = fakeLambda();
    const second = emulator(crashed, after);
    expect(await second.sfn.resumeWaiting()).toBe(1);
    await second.sfn.settled();
    // It went on as the answer said (`next`: Notify again, a new task), and the old token is spent.
    expect((await second.sfn.describeExecution({ executionArn })).status).toBe('RUNNING');
    expect(after.calls).toHaveLength(1);
    const next = tokenOf(after.calls[0]);
    expect(next).not.toBe(token.token);
    expect((await persisted(crashed, 'Approval', 'req-9')).waiting).toEqual(expect.not.objectContaining({ answer: expect.anything() }));
    await expect(second.sfn.sendTaskSuccess({ taskToken: token.token, output: '{}' })).rejects.toThrow('Task Does Not Exist');
    await second.sfn.sendTaskSuccess({ taskToken: next, output: JSON.stringify({ outcome: 'approved' }) });
    await second.sfn.settled();
    expect((await second.sfn.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
  });

  it('times a resumed wait out on its original deadline, so the Catch handles it', async () => {
    const dataDir = await tempDir();
    const before = fakeLambda();
    const first = emulator(dataDir, before);
    const { executionArn } = await first.sfn.startExecution({
      stateMachineArn: MACHINE_ARN,
      name: 'req-late',
      input: JSON.stringify({ requestId: 'req-late' }),
    });
    await first.sfn.settled();
    const token = tokenOf(before.calls[0]);
    await first.sfn.close();

    // The deadline passed while the runtime was down.
    const file = join(dataDir, 'executions', 'Approval', 'req-late.json');
    const record = await persisted(dataDir, 'Approval', 'req-late');
    await writeFile(
      file,
      JSON.stringify({ ...record, waiting: { ...(record.waiting as object), timeoutAt: new Date(Date.now() - 1000).toISOString() } }),
    );

    const second = emulator(dataDir, fakeLambda());
    expect(await second.sfn.resumeWaiting()).toBe(1);
    await vi.waitFor(async () => expect((await second.sfn.describeExecution({ executionArn })).status).toBe('SUCCEEDED'), {
      timeout: 5000,
      interval: 50,
    });
    const output: unknown = JSON.parse((await second.sfn.describeExecution({ executionArn })).output ?? 'null');
    expect(output).toMatchObject({ requestId: 'req-late', prepared: 'prepared', error: { Error: 'States.Timeout' } });
    await expect(second.sfn.sendTaskSuccess({ taskToken: token, output: '{}' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('runs a task again from its input when its Lambda was cut off by the runtime stopping, as AWS retries a failed invocation', async () => {
    const dataDir = await tempDir();
    const machines: LocalStateMachine[] = [
      {
        arn: MACHINE_ARN,
        name: 'Approval',
        definition: {
          StartAt: 'Prepare',
          States: {
            Prepare: { Type: 'Pass', Result: 'prepared', ResultPath: '$.prepared', Next: 'Work' },
            Work: { Type: 'Task', Resource: WORK_FN, ResultPath: '$.work', End: true },
          },
        },
      },
    ];
    const hanging = fakeLambda(() => new Promise(() => undefined));
    const first = emulator(dataDir, hanging, machines);
    const { executionArn } = await first.sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-crash', input: '{"requestId":"req-crash"}' });
    await vi.waitFor(() => expect(hanging.calls).toHaveLength(1));
    expect(await persisted(dataDir, 'Approval', 'req-crash')).toMatchObject({ running: { stateName: 'Work', rawInput: { requestId: 'req-crash' } } });
    await first.sfn.close();

    const again = fakeLambda(() => ({ done: true }));
    const second = emulator(dataDir, again, machines);
    expect(await second.sfn.resumeWaiting()).toBe(1);
    await second.sfn.settled();
    expect(again.calls).toEqual([{ functionArn: WORK_FN, payload: { requestId: 'req-crash', prepared: 'prepared' } }]);
    const done = await second.sfn.describeExecution({ executionArn });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ requestId: 'req-crash', prepared: 'prepared', work: { done: true } });
    expect(await persisted(dataDir, 'Approval', 'req-crash')).not.toHaveProperty('running');
  });

  it('invokes a waiting task again, with a new token, when the runtime stopped before its Lambda answered', async () => {
    const dataDir = await tempDir();
    const hanging = fakeLambda(() => new Promise(() => undefined));
    const first = emulator(dataDir, hanging);
    const { executionArn } = await first.sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-cut', input: '{"requestId":"req-cut"}' });
    await vi.waitFor(() => expect(hanging.calls).toHaveLength(1));
    const lost = tokenOf(hanging.calls[0]);
    await first.sfn.close();

    const again = fakeLambda();
    const second = emulator(dataDir, again);
    expect(await second.sfn.resumeWaiting()).toBe(1);
    await second.sfn.settled();
    expect(again.calls).toHaveLength(1);
    const token = tokenOf(again.calls[0]);
    expect(token).not.toBe(lost);
    await expect(second.sfn.sendTaskSuccess({ taskToken: lost, output: '{}' })).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await second.sfn.sendTaskSuccess({ taskToken: token, output: JSON.stringify({ outcome: 'approved' }) });
    await second.sfn.settled();
    expect((await second.sfn.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
  });

  it('starts an execution over when the runtime stopped after accepting it and before its first task', async () => {
    const dataDir = await tempDir();
    const first = emulator(
      dataDir,
      fakeLambda(() => new Promise(() => undefined)),
    );
    const { executionArn } = await first.sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-early', input: '{"requestId":"req-early"}' });
    await first.sfn.close();
    // What StartExecution persisted before any task began (the kill came in between).
    const record = await persisted(dataDir, 'Approval', 'req-early');
    const { running: _running, progressed: _progressed, ...accepted } = record;
    await writeFile(join(dataDir, 'executions', 'Approval', 'req-early.json'), JSON.stringify(accepted));

    const again = fakeLambda();
    const second = emulator(dataDir, again);
    expect(await second.sfn.resumeWaiting()).toBe(1);
    await second.sfn.settled();
    expect(again.calls).toHaveLength(1);
    expect(again.calls[0]?.payload).toMatchObject({ requestId: 'req-early' });
    await second.sfn.sendTaskSuccess({ taskToken: tokenOf(again.calls[0]), output: JSON.stringify({ outcome: 'approved' }) });
    await second.sfn.settled();
    expect((await second.sfn.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
  });

  it('fails an execution that was mid-task inside a Parallel branch when the runtime stopped (that task is not resumable)', async () => {
    const dataDir = await tempDir();
    const machines: LocalStateMachine[] = [
      {
        arn: MACHINE_ARN,
        name: 'Approval',
        definition: {
          StartAt: 'Both',
          States: {
            Both: {
              Type: 'Parallel',
              End: true,
              Branches: [{ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: WORK_FN, End: true } } }],
            },
          },
        },
      },
    ];
    const hanging = fakeLambda(() => new Promise(() => undefined));
    const first = emulator(dataDir, hanging, machines);
    const { executionArn } = await first.sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-crash' });
    await vi.waitFor(() => expect(hanging.calls).toHaveLength(1));
    await first.sfn.close();

    const second = emulator(dataDir, fakeLambda(), machines);
    expect(await second.sfn.resumeWaiting()).toBe(0);
    expect(await second.sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'local runtime restarted while the execution was running',
    });
  });

  it('aborts on StopExecution and invalidates the execution tokens', async () => {
    const dataDir = await tempDir();
    const lambda = fakeLambda();
    const { sfn } = emulator(dataDir, lambda);
    const { executionArn } = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-3', input: JSON.stringify({ requestId: 'req-3' }) });
    await sfn.settled();
    const token = tokenOf(lambda.calls[0]);

    const { stopDate } = await sfn.stopExecution({ executionArn, error: 'Withdrawn', cause: 'requester withdrew' });
    expect(stopDate).toBeInstanceOf(Date);
    expect(await sfn.describeExecution({ executionArn })).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'requester withdrew' });
    await expect(sfn.sendTaskSuccess({ taskToken: token, output: '{}' })).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await sfn.settled();
    expect(lambda.calls).toHaveLength(1);
    expect(await persisted(dataDir, 'Approval', 'req-3')).toMatchObject({ status: 'ABORTED' });
    expect(await persisted(dataDir, 'Approval', 'req-3')).not.toHaveProperty('waiting');
    // Stopping again is a no-op, as in AWS.
    expect((await sfn.stopExecution({ executionArn })).stopDate).toEqual(stopDate);
  });

  it('routes a Lambda error to a matching Catch and fails the execution on an uncaught one', async () => {
    const dataDir = await tempDir();
    const definition: StateMachineDefinition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: WORK_FN,
          Parameters: { 'kind.$': '$.kind' },
          ResultPath: '$.work',
          Catch: [{ ErrorEquals: ['ApprovalNotFound'], ResultPath: '$.error', Next: 'Handled' }],
          Next: 'Invoke',
        },
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: WORK_FN, 'Payload.$': '$' },
          ResultPath: '$.invoked',
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    };
    const lambda = fakeLambda(({ payload }) => {
      const kind = typeof payload === 'object' && payload !== null && 'kind' in payload ? payload.kind : undefined;
      if (kind === 'missing') throw lambdaError('ApprovalNotFound', 'no such approval');
      if (kind === 'broken') throw lambdaError('DatabaseDown', 'table unavailable');
      return { ok: true };
    });
    const { sfn } = emulator(dataDir, lambda, [{ arn: MACHINE_ARN, name: 'Approval', definition }]);

    const caught = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, input: JSON.stringify({ kind: 'missing' }) });
    const failed = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, input: JSON.stringify({ kind: 'broken' }) });
    const fine = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, input: JSON.stringify({ kind: 'ok' }) });
    await sfn.settled();

    const caughtExecution = await sfn.describeExecution(caught);
    expect(caughtExecution.status).toBe('SUCCEEDED');
    expect(JSON.parse(caughtExecution.output ?? 'null')).toEqual({
      kind: 'missing',
      error: { Error: 'ApprovalNotFound', Cause: 'no such approval' },
    });
    expect(await sfn.describeExecution(failed)).toMatchObject({ status: 'FAILED', error: 'DatabaseDown', cause: 'table unavailable' });
    const fineExecution = await sfn.describeExecution(fine);
    expect(fineExecution.status).toBe('SUCCEEDED');
    expect(JSON.parse(fineExecution.output ?? 'null')).toEqual({
      kind: 'ok',
      work: { ok: true },
      invoked: { ExecutedVersion: '$LATEST', Payload: { ok: true }, StatusCode: 200 },
    });
    expect(lambda.calls.at(-1)).toEqual({ functionArn: WORK_FN, payload: { kind: 'ok', work: { ok: true } } });
  });

  it('fails an execution on a resource it cannot run, naming the resource', async () => {
    const dataDir = await tempDir();
    const resource = 'arn:aws:states:::sqs:sendMessage';
    const definition: StateMachineDefinition = {
      StartAt: 'Queue',
      States: {
        Queue: { Type: 'Task', Resource: resource, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const { sfn } = emulator(dataDir, fakeLambda(), [{ arn: MACHINE_ARN, name: 'Approval', definition }]);
    const started = await sfn.startExecution({ stateMachineArn: MACHINE_ARN });
    await sfn.settled();
    const execution = await sfn.describeExecution(started);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toContain(resource);
  });

  it('rejects definitions whose task timeouts cannot work locally', async () => {
    const dataDir = await tempDir();
    const lambda = fakeLambda();
    const withoutTimeout = approvalDefinition({ TimeoutSeconds: undefined });
    expect(() => emulator(dataDir, lambda, [{ arn: MACHINE_ARN, name: 'Approval', definition: withoutTimeout }])).toThrow(
      /state machine Approval, state Notify: .*needs TimeoutSeconds/,
    );
    const thirtyDays = approvalDefinition({ TimeoutSeconds: 30 * 24 * 3600 });
    expect(() => emulator(dataDir, lambda, [{ arn: MACHINE_ARN, name: 'Approval', definition: thirtyDays }])).toThrow(
      /state machine Approval, state Notify: TimeoutSeconds 2592000 exceeds 2147483/,
    );
  });

  it('serves the AWS JSON protocol to the real SFN client', async () => {
    const dataDir = await tempDir();
    const lambda = fakeLambda();
    const { sfn } = emulator(dataDir, lambda);
    const server = createServer((request, response) => sfn.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new SFNClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cleanups.push(async () => client.destroy());

    const input = JSON.stringify({ requestId: 'req-http' });
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'req-http', input }));
    expect(started.executionArn).toBe('arn:aws:states:ap-northeast-2:123456789012:execution:Approval:req-http');
    expect(started.startDate).toBeInstanceOf(Date);
    await sfn.settled();

    await client.send(new SendTaskSuccessCommand({ taskToken: tokenOf(lambda.calls[0]), output: JSON.stringify({ outcome: 'approved' }) }));
    await sfn.settled();
    const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'req-http', stateMachineArn: MACHINE_ARN, input });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(Math.abs((described.startDate?.getTime() ?? 0) - (started.startDate?.getTime() ?? 0))).toBeLessThan(1);
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.output ?? 'null')).toMatchObject({ decision: { outcome: 'approved' } });

    const bogus = client.send(new SendTaskSuccessCommand({ taskToken: 'bogus', output: '{}' }));
    await expect(bogus).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(bogus).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'req-http', input: '{"other":true}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      client.send(new DescribeExecutionCommand({ executionArn: `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:nobody` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);

    const unknown = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListThings' },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('treats StartExecution with the same name and input as idempotent while running', async () => {
    const dataDir = await tempDir();
    const lambda = fakeLambda();
    const { sfn } = emulator(dataDir, lambda);
    const input = JSON.stringify({ requestId: 'req-7' });
    const first = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-7', input });
    const again = await sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-7', input });
    expect(again).toEqual(first);
    await sfn.settled();
    expect(lambda.calls).toHaveLength(1);
    expect(await readdir(join(dataDir, 'executions', 'Approval'))).toEqual(['req-7.json']);

    await expect(sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-7', input: '{"requestId":"other"}' })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await expect(sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'bad', input: '{not json' })).rejects.toMatchObject({
      name: 'InvalidExecutionInput',
    });
    await sfn.stopExecution(first);
    // A closed execution keeps its name, whatever the input.
    await expect(sfn.startExecution({ stateMachineArn: MACHINE_ARN, name: 'req-7', input })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });
});
