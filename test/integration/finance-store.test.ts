import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { RecordedEvents } from '../../shared/finance/accounting.js';
import { type FinanceFigures, monthOf } from '../../shared/finance/totals.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import type { HistoryEvent } from '../../shared/requests/history.js';
import { type ApprovalRequest, requestSchema } from '../../shared/requests/kinds/index.js';
import { makeDynamoDbFinanceStore } from '../../shared/store/dynamodb-finance-store.js';
import { makeDynamoDbRequestStore } from '../../shared/store/dynamodb-request-store.js';
import type { ApprovalEngine } from '../../shared/use-cases/approval-engine.js';
import { makeFinance } from '../../shared/use-cases/finance.js';
import { makeWorkflowTasks } from '../../shared/use-cases/workflow-tasks.js';
import { inMemoryDirectory, seedPerson } from '../fixtures/directory.js';

/**
 * The finance totals against DynamoDB Local through the real request store: random sequences of
 * money-moving changes always reconcile and equal an independent model; reading a month costs the
 * same with three requests or three hundred.
 */
const TABLE = 'finance-test';

let client: DynamoDBClient;
let db: DynamoDBDocumentClient;
let commands: string[] = [];

beforeAll(async () => {
  // A database of its own on the run's DynamoDB Local (global-setup.ts): its access key names it.
  const { endpoint } = inject('sharedDynamoDb');
  await waitForDynamoDbLocal(endpoint);
  client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: `financestore${randomBytes(8).toString('hex')}`, secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  db.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
}, 120_000);

afterAll(() => client?.destroy());

const stores = () => {
  const requests = makeDynamoDbRequestStore(db, TABLE);
  const finance = makeDynamoDbFinanceStore(db, TABLE);
  const useCases = makeFinance({
    requests,
    finance,
    directory: inMemoryDirectory(),
    clock: { now: () => new Date() },
    policy: officePolicy,
    ids: { batchId: () => 'PAY-TEST' },
  });
  return { requests, finance, useCases };
};

/** Details a request of each kind is stored with (valid: the store keeps what the kind's schema accepts). */
const detailsOf = {
  'health-checkup': { checkupDate: '2026-11-02', amountPaid: 300_000, clinic: '한빛검진센터' },
  'vehicle-booking': {
    vehicleClass: 'passenger-mid',
    from: '2026-12-03T09:00',
    to: '2026-12-03T18:00',
    purpose: '현장 점검',
    destination: '별관',
    passengers: 2,
  },
  'facility-repair': { building: 'annex', floor: '2F', location: '복도', category: 'leak', urgency: 'normal', description: '천장 누수' },
};

/** A request as the store keeps it, minimal but valid. */
function newRequest(id: string, kind: keyof typeof detailsOf, departmentId: string, amount: number | undefined, at: string): ApprovalRequest {
  return requestSchema.parse({
    id,
    kind,
    status: 'in-review',
    requesterId: 'E1034',
    requesterName: '진우석',
    departmentId,
    teamId: null,
    details: detailsOf[kind],
    ...(amount === undefined ? {} : { amountRequested: amount, reimbursableAmount: amount }),
    round: 1,
    steps: [],
    currentStage: 0,
    participants: [],
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
}

type Operation =
  | { op: 'submit'; kind: 'health-checkup' | 'vehicle-booking' | 'facility-repair'; department: number; amount: number; minute: number }
  | {
      op: 'approve' | 'reject' | 'withdraw' | 'pay' | 'return' | 'report' | 'reopen' | 'recall' | 'ask';
      target: number;
      minute: number;
      amount: number;
    }
  | { op: 'revise' | 'supplement'; target: number; minute: number; amount: number };

/** Minutes around midnight KST on 1 December 2026 (15:00 UTC on 30 November): events fall in both months. */
const instant = (minute: number) => new Date(Date.parse('2026-11-30T14:30:00Z') + minute * 60_000).toISOString();

/** Whether an operation can apply to a request as it stands (what the use cases would allow). */
function appliesTo(op: Exclude<Operation['op'], 'submit'>, request: ApprovalRequest): boolean {
  const amount = request.amountRequested !== undefined;
  switch (op) {
    case 'approve':
    case 'return':
    case 'recall':
    case 'ask':
      return request.status === 'in-review';
    case 'reject':
      return request.status === 'in-review' || request.status === 'returned';
    case 'withdraw':
      return ['in-review', 'returned', 'recalled', 'supplement-requested'].includes(request.status);
    case 'revise':
      return (request.status === 'returned' || request.status === 'recalled') && amount;
    case 'supplement':
      return request.status === 'supplement-requested' && amount;
    case 'pay':
      return request.status === 'approved' && request.kind === 'health-checkup';
    case 'report':
      return request.status === 'approved' && request.kind === 'facility-repair';
    case 'reopen':
      return request.status === 'work-done';
  }
}

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    op: fc.constant('submit' as const),
    kind: fc.constantFrom('health-checkup' as const, 'vehicle-booking' as const, 'facility-repair' as const),
    department: fc.integer({ min: 0, max: 2 }),
    amount: fc.integer({ min: 1, max: 500_000 }),
    minute: fc.integer({ min: 0, max: 60 }),
  }),
  fc.record({
    op: fc.constantFrom(
      'approve' as const,
      'reject' as const,
      'withdraw' as const,
      'pay' as const,
      'return' as const,
      'report' as const,
      'reopen' as const,
      'recall' as const,
      'ask' as const,
    ),
    target: fc.nat(20),
    minute: fc.integer({ min: 0, max: 60 }),
    amount: fc.integer({ min: 0, max: 900_000 }),
  }),
  fc.record({
    op: fc.constantFrom('revise' as const, 'supplement' as const),
    target: fc.nat(20),
    minute: fc.integer({ min: 0, max: 60 }),
    amount: fc.integer({ min: 1, max: 500_000 }),
  }),
);

describe('finance totals against DynamoDB Local', () => {
  it('random sequences of submissions, decisions, withdrawals, revisions, recalls, supplements, payments and repair reports always reconcile, and equal an independent model', async () => {
    const { requests, finance, useCases } = stores();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 40, size: 'max' }), async (operations) => {
        run += 1;
        const live: ApprovalRequest[] = [];
        const model = new Map<string, FinanceFigures>();
        const count = (month: string, kind: string, department: string, figures: FinanceFigures) => {
          const key = `${month}|${kind}#${department}`;
          const row = { ...(model.get(key) ?? {}) };
          for (const [name, value] of Object.entries(figures) as [keyof FinanceFigures, number][]) row[name] = (row[name] ?? 0) + value;
          model.set(key, row);
        };
        const save = async (request: ApprovalRequest, expectedVersion: number | undefined, event: HistoryEvent) => {
          // Accounted as every use case's change is: the domain decides what the event moved.
          await requests.save({ request, expectedVersion, events: RecordedEvents.of(request, [event]) });
          const index = live.findIndex((candidate) => candidate.id === request.id);
          if (index < 0) live.push(request);
          else live[index] = request;
        };
        const next = (request: ApprovalRequest, at: string, changes: Record<string, unknown>): ApprovalRequest =>
          requestSchema.parse({ ...request, ...changes, updatedAt: at, version: request.version + 1 });

        for (const [n, step] of operations.entries()) {
          const at = instant(step.minute);
          const month = monthOf(at);
          if (step.op === 'submit') {
            const department = `r${run}-d${step.department}`;
            const amount = step.kind === 'vehicle-booking' ? undefined : step.amount;
            const request = newRequest(`R-${run}-${n}`, step.kind, department, step.kind === 'facility-repair' ? undefined : amount, at);
            await save(request, undefined, { at, actorId: 'E1034', action: 'submitted', channel: 'api' });
            count(month, step.kind, department, { submitted: 1, requestedKrw: request.amountRequested ?? 0 });
            continue;
          }
          // Each operation picks among the requests it can apply to: chains (보완 요청 → answer, 회수 → revision) then happen often.
          const candidates = live.filter((request) => appliesTo(step.op, request));
          const target = candidates[step.target % Math.max(candidates.length, 1)];
          if (!target) continue;
          const key = (figures: FinanceFigures) => count(month, target.kind, target.departmentId, figures);
          switch (step.op) {
            case 'approve': {
              if (target.status !== 'in-review') break;
              const work =
                target.kind === 'facility-repair' ? { budgetLine: 'building-maintenance', budgetYear: 2026, committedKrw: step.amount } : undefined;
              await save(next(target, at, { status: 'approved', ...(work ? { work } : {}) }), target.version, {
                at,
                actorId: 'system',
                action: 'approved',
                channel: 'workflow',
              });
              key({ approved: 1, approvedKrw: target.reimbursableAmount ?? 0, committedKrw: work?.committedKrw ?? 0 });
              break;
            }
            case 'reject':
            case 'withdraw':
              if (target.status !== 'in-review' && target.status !== 'returned') {
                // 철회 also from a recall (회수) or while a 보완 요청 waits.
                if (step.op === 'reject' || (target.status !== 'recalled' && target.status !== 'supplement-requested')) break;
              }
              await save(next(target, at, { status: step.op === 'reject' ? 'rejected' : 'withdrawn' }), target.version, {
                at,
                actorId: 'system',
                action: step.op === 'reject' ? 'rejected' : 'withdrawn',
                channel: 'api',
              });
              key(step.op === 'reject' ? { rejected: 1 } : { withdrawn: 1 });
              break;
            case 'return':
              if (target.status !== 'in-review') break;
              await save(next(target, at, { status: 'returned' }), target.version, {
                at,
                actorId: 'system',
                action: 'returned',
                channel: 'workflow',
              });
              break;
            case 'recall':
            case 'ask':
              // 회수 and 보완 요청 move no money.
              if (target.status !== 'in-review') break;
              await save(next(target, at, { status: step.op === 'recall' ? 'recalled' : 'supplement-requested' }), target.version, {
                at,
                actorId: 'E1034',
                action: step.op === 'recall' ? 'recalled' : 'supplement-requested',
                channel: 'api',
              });
              break;
            case 'supplement': {
              // The answer to a 보완 요청 may change the amount: it moves as a revision's does.
              if (target.status !== 'supplement-requested' || target.amountRequested === undefined) break;
              const snapshot = { round: target.round, details: target.details, amountRequested: target.amountRequested };
              await save(next(target, at, { amountRequested: step.amount, reimbursableAmount: step.amount, status: 'in-review' }), target.version, {
                at,
                actorId: 'E1034',
                action: 'supplemented',
                channel: 'api',
                snapshot,
              });
              key({ requestedKrw: step.amount - target.amountRequested });
              break;
            }
            case 'revise': {
              if ((target.status !== 'returned' && target.status !== 'recalled') || target.amountRequested === undefined) break;
              const snapshot = { round: target.round, details: target.details, amountRequested: target.amountRequested };
              await save(next(target, at, { amountRequested: step.amount, reimbursableAmount: step.amount, status: 'in-review' }), target.version, {
                at,
                actorId: 'E1034',
                action: 'revised',
                channel: 'api',
                snapshot,
              });
              key({ requestedKrw: step.amount - target.amountRequested });
              break;
            }
            case 'pay':
              if (target.status !== 'approved' || target.kind !== 'health-checkup') break;
              await save(
                next(target, at, {
                  status: 'paid',
                  payment: { amountKrw: target.reimbursableAmount ?? 0, paidAt: at, paidBy: 'E1029', batchId: 'B' },
                }),
                target.version,
                { at, actorId: 'E1029', action: 'paid', channel: 'api' },
              );
              key({ paid: 1, paidKrw: target.reimbursableAmount ?? 0 });
              break;
            case 'report':
              if (target.status !== 'approved' || target.kind !== 'facility-repair' || !target.work) break;
              await save(next(target, at, { status: 'work-done', work: { ...target.work, actualCostKrw: step.amount } }), target.version, {
                at,
                actorId: 'E1009',
                action: 'work-reported',
                channel: 'api',
                input: { actualCostKrw: step.amount },
              });
              key({ actualKrw: step.amount });
              break;
            case 'reopen': {
              if (target.status !== 'work-done' || !target.work) break;
              const cost = target.work.actualCostKrw ?? 0;
              await save(next(target, at, { status: 'approved' }), target.version, {
                at,
                actorId: 'E1034',
                action: 'reopened',
                channel: 'api',
                input: { actualCostKrw: cost },
              });
              key({ actualKrw: -cost });
              break;
            }
          }
        }

        for (const month of ['2026-11', '2026-12']) {
          // Reconciliation (the events re-summed) finds nothing…
          expect((await useCases.reconcile(month)).differences).toEqual([]);
          // …and the maintained rows of this run equal the independent model.
          const totals = await finance.monthTotals(month);
          for (const row of totals.byDepartment.filter((candidate) => candidate.departmentId.startsWith(`r${run}-`))) {
            const expected = Object.fromEntries(
              Object.entries(model.get(`${month}|${row.kind}#${row.departmentId}`) ?? {}).filter(([, value]) => value !== 0),
            );
            expect(row.figures, `${month} ${row.kind} ${row.departmentId}`).toEqual(expected);
          }
          const modelled = [...model.entries()].filter(
            ([key, figures]) => key.startsWith(`${month}|`) && Object.values(figures).some((value) => value !== 0),
          );
          expect(totals.byDepartment.filter((row) => row.departmentId.startsWith(`r${run}-`) && Object.keys(row.figures).length > 0)).toHaveLength(
            modelled.length,
          );
        }
      }),
      // Seeded, so a run is repeatable (a failure names its seed and path); each run reconciles by scanning the table.
      { numRuns: 30, seed: 20261128 },
    );
  }, 240_000);

  it('reading a month is one Query, whether the month holds 3 requests or 300', async () => {
    const { requests, finance } = stores();
    const fill = async (month: string, howMany: number) => {
      for (let i = 0; i < howMany; i++) {
        const at = `${month}-10T0${i % 10}:00:00+09:00`;
        const iso = new Date(at).toISOString();
        const request = newRequest(`B-${month}-${i}`, 'health-checkup', `dept-${i % 7}`, 10_000 + i, iso);
        await requests.save({ request, events: RecordedEvents.of(request, [{ at: iso, actorId: 'E1034', action: 'submitted', channel: 'api' }]) });
      }
    };
    await fill('2027-01', 3);
    await fill('2027-02', 300);

    const readsFor = async (month: string) => {
      commands = [];
      const totals = await finance.monthTotals(month);
      return {
        commands: [...commands],
        rows: totals.byDepartment.length,
        submitted: totals.byDepartment.reduce((sum, row) => sum + (row.figures.submitted ?? 0), 0),
      };
    };
    const small = await readsFor('2027-01');
    const large = await readsFor('2027-02');
    expect(small).toEqual({ commands: ['QueryCommand'], rows: 3, submitted: 3 });
    expect(large).toEqual({ commands: ['QueryCommand'], rows: 7, submitted: 300 });
  }, 120_000);
});

describe('문서번호 against DynamoDB Local', () => {
  it('final decisions racing in one department take consecutive numbers of its register, each exactly once', async () => {
    const { requests } = stores();
    const sent: string[] = [];
    const tasks = makeWorkflowTasks({
      requests,
      directory: inMemoryDirectory(),
      mailer: { send: async (message) => void sent.push(message.subject) },
      clock: { now: () => new Date('2027-03-02T01:00:00Z') },
      policy: officePolicy,
      engine: {} as ApprovalEngine, // finalize opens no stage
      log: () => {},
    });
    // Each from a department of its own, so nothing but the register is shared between the decisions.
    const ids = Array.from({ length: 12 }, (_, i) => `R-REG-${i}`);
    for (const [i, id] of ids.entries()) {
      const request = newRequest(id, 'health-checkup', `reg-d${i}`, 100_000 + i, '2027-03-01T01:00:00Z');
      await requests.save({
        request,
        events: RecordedEvents.of(request, [{ at: request.createdAt, actorId: 'E1034', action: 'submitted', channel: 'api' }]),
      });
    }
    await Promise.all(ids.map((id, i) => tasks.finalize({ requestId: id, round: 1, outcome: i % 3 === 0 ? 'rejected' : 'approved' })));
    const registrations = await Promise.all(ids.map(async (id) => (await requests.get(id))?.registration));
    expect(registrations.map((registration) => registration?.sequence).toSorted((a = 0, b = 0) => a - b)).toEqual(ids.map((_, i) => i + 1));
    for (const registration of registrations) expect(registration).toMatchObject({ number: `총무과-${registration?.sequence}`, year: '2027' });
    expect(await requests.lastRegistration('general-affairs', '2027')).toBe(12);
    expect(sent).toHaveLength(12); // each requester told once
  }, 60_000);

  it('the register restarts each Seoul year: a decision at 00:00 on 1 January (KST) takes the new year’s number 1, and the requester’s notice names it', async () => {
    const { requests } = stores();
    const sent: { to: string; subject: string; text: string }[] = [];
    let now = new Date('2027-12-31T14:59:59Z'); // 23:59:59 on 31 December in Seoul
    const tasks = makeWorkflowTasks({
      requests,
      directory: inMemoryDirectory(),
      mailer: { send: async (message) => void sent.push({ to: message.to.email, subject: message.subject, text: message.text }) },
      clock: { now: () => now },
      policy: officePolicy,
      engine: {} as ApprovalEngine, // finalize opens no stage
      log: () => {},
    });
    for (const id of ['R-YEAR-LAST', 'R-YEAR-FIRST']) {
      const request = newRequest(id, 'health-checkup', 'year-d', 120_000, '2027-12-30T01:00:00Z');
      await requests.save({
        request,
        events: RecordedEvents.of(request, [{ at: request.createdAt, actorId: 'E1034', action: 'submitted', channel: 'api' }]),
      });
    }
    const taken2027 = await requests.lastRegistration('general-affairs', '2027');
    await tasks.finalize({ requestId: 'R-YEAR-LAST', round: 1, outcome: 'approved' });
    now = new Date('2027-12-31T15:00:00Z'); // 00:00 on 1 January 2028 in Seoul, still 2027 in UTC
    await tasks.finalize({ requestId: 'R-YEAR-FIRST', round: 1, outcome: 'approved' });
    expect((await requests.get('R-YEAR-LAST'))?.registration).toMatchObject({ year: '2027', sequence: taken2027 + 1 });
    expect((await requests.get('R-YEAR-FIRST'))?.registration).toMatchObject({ number: '총무과-1', year: '2028', sequence: 1 });
    expect(await requests.lastRegistration('general-affairs', '2028')).toBe(1);
    // The approval notice to the requester carries the number.
    const notice = sent.find((message) => message.subject.includes('R-YEAR-FIRST'));
    expect(notice).toMatchObject({ to: seedPerson('E1034').email, subject: expect.stringContaining('[결재 결과]') });
    expect(notice?.text).toContain('문서번호: 총무과-1');
  }, 60_000);
});
