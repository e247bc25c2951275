import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { noChat } from '../shared/adapters/slack.js';
import { figuresOf, RecordedEvents } from '../shared/finance/accounting.js';
import { FIGURES, type FinanceFigures } from '../shared/finance/figures.js';
import { NoVehicleFreeError } from '../shared/fleet/dispatch.js';
import { type CalendarEntry, overlaps, type Vehicle } from '../shared/fleet/fleet.js';
import { ConflictError } from '../shared/kernel/errors.js';
import { seoulDate } from '../shared/kernel/seoul-time.js';
import { officePolicy } from '../shared/policies/office-policy.js';
import { CalendarChangedError } from '../shared/ports/fleet-store.js';
import type { Mailer } from '../shared/ports/messaging.js';
import { type ApprovalLink, ConcurrentChangeError, type RequestStore } from '../shared/ports/request-store.js';
import type { Clock } from '../shared/ports/system.js';
import type { Workflows } from '../shared/ports/workflows.js';
import type { HistoryEvent } from '../shared/requests/history.js';
import { type ApprovalRequest, requestSchema } from '../shared/requests/kinds/index.js';
import { vehicleBooking } from '../shared/requests/kinds/vehicle-booking.js';
import type { ApprovalStep } from '../shared/requests/request.js';
import { makeDynamoDbFinanceStore } from '../shared/store/dynamodb-finance-store.js';
import { loadFleet, makeDynamoDbFleetStore } from '../shared/store/dynamodb-fleet-store.js';
import { makeDynamoDbRequestStore } from '../shared/store/dynamodb-request-store.js';
import { financeTotalKey } from '../shared/store/entities/finance-total.js';
import { eventItem } from '../shared/store/entities/history-event.js';
import { outboxEventsOf, putOutbox } from '../shared/store/entities/outbox.js';
import { requestIndexAttributes, requestKey } from '../shared/store/entities/request.js';
import { indexes } from '../shared/store/table-layout.js';
import { makeAudit } from '../shared/use-cases/audit.js';
import { makeDecideStep } from '../shared/use-cases/decide-step.js';
import { inMemoryDirectory, seedDirectory } from '../test/fixtures/directory.js';

/**
 * Scale benchmarks against DynamoDB Local, through the real stores (issue 8, items 5 and 6):
 *
 * - `benchMonthlyTotals`: reading a month's finance totals from the maintained aggregates costs the
 *   same whatever the month holds; the scan-and-sum one would write without them grows with the table.
 * - `benchVehicleContention`: many dispatchers assigning the same window at once through the real
 *   decision path: exactly one booking per vehicle, never two on one vehicle at once.
 *
 * Each call starts its own DynamoDB Local in a temporary directory and removes it afterwards.
 */

type Log = (line: string) => void;

export interface MonthlyTotalsResult {
  size: number;
  /** How the month was filled: through `requests.save` (one transaction each), the rest with BatchWrite. */
  fill: { viaSave: number; savesPerSecond: number; bulkLoaded: number };
  maintained: { readUnits: number; p50Ms: number };
  naive: { readUnits: number; p50Ms: number };
  /** An auditor's search of one day of the month (50 per page), through the month-keyed index (absent in runs before it existed). */
  audit?: { readUnits: number; p50Ms: number; items: number };
}

export interface VehicleContentionResult {
  racers: number;
  vehicles: number;
  successes: number;
  overlaps: number;
  p50Ms: number;
  p99Ms: number;
  /** From the first decision sent to the last answered. */
  wallMs?: number;
  conflictsRetried: number;
  /** The baseline: the same N decisions at once, each naming its own vehicle (absent in runs before it existed). */
  uncontended?: { successes: number; p50Ms: number; p99Ms: number; wallMs: number; conflictsRetried: number };
}

/** Sizes are filled through `requests.save` as long as the fill is projected to end within this; the rest is bulk-loaded. */
const SAVE_PATH_BUDGET_MS = 10 * 60_000;
/** After each chunk of saves, the write rate is measured again and the projection redone. */
const SAVE_CHUNK = 1_000;
/** Transactions in flight at once while filling (DynamoDB Local is the bottleneck on two cores, not the client). */
const SAVE_CONCURRENCY = 16;
const BATCH_WRITE_LIMIT = 25;
const BATCH_CONCURRENCY = 16;
const MAINTAINED_READS = 20;
/** The seed's auditor. */
const AUDITOR = 'E1021';
const NAIVE_READS = 5;
/**
 * The naive scan is a parallel scan: what anyone summing a large table would write. It reads the
 * same items, so the same read units, as a sequential one; on DynamoDB Local it is several times
 * faster (a sequential scan of the 100k table took 18 minutes there).
 */
const NAIVE_SCAN_SEGMENTS = 4;
/** Reads stop repeating once this is spent (at least one is always made). */
const READ_BUDGET_MS = 4 * 60_000;
/** The first month filled; each size gets the next one, so sizes never mix. */
const FIRST_MONTH = '2031-01';
/** Where the bulk path's item shapes are compared with what `requests.save` writes. */
const SHAPE_CHECK_MONTH = '2030-12';

// ---------------------------------------------------------------------------------------------
// Item 5: monthly totals at scale
// ---------------------------------------------------------------------------------------------

/**
 * Primary course, per size N (each in its own month, all in one table that keeps growing):
 * 1. Fill the month with N submitted requests: through `requests.save` (one transaction each: the
 *    request, its stamped history event, the month's aggregate ADD) while the measured write rate
 *    keeps the fill within budget; otherwise the rest with BatchWrite, the same items and the sums.
 * 2. Maintained: `finance.monthTotals(month)`, read units and p50 over 20 reads.
 * 3. Naive: scan the whole table (4 parallel segments) for the month's requests and sum in code,
 *    read units and p50 over 5 (fewer once 4 minutes are spent).
 * 4. Both must agree with what was written.
 */
export async function benchMonthlyTotals(options: { sizes: number[]; log: Log }): Promise<MonthlyTotalsResult[]> {
  const { sizes, log } = options;
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) throw new Error(`sizes must be positive integers: ${sizes.join(', ')}`);
  return withLocalTable('bench-monthly-totals', log, async ({ db, metered, readUnits, table }) => {
    const requests = makeDynamoDbRequestStore(db, table);
    const finance = makeDynamoDbFinanceStore(metered, table);
    const random = seeded(20310101);
    await checkBulkShapes({ db, table, requests, random, log });

    const results: MonthlyTotalsResult[] = [];
    for (const [i, size] of sizes.entries()) {
      const month = monthAfter(FIRST_MONTH, i);
      const { sums: written, fill } = await fillMonth({ db, table, requests, month, size, random, log });

      const maintainedRead = async () => {
        const totals = await finance.monthTotals(month);
        return sumRows(totals.byDepartment.map((row) => ({ key: `${row.kind}#${row.departmentId}`, figures: row.figures })));
      };
      const naiveRead = () => scanAndSum(metered, table, month);
      const maintained = await measure(maintainedRead, { times: MAINTAINED_READS, warmUp: true, budgetMs: READ_BUDGET_MS }, readUnits);
      // No warm-up for the scan: it reads the whole table every time, and each read of a large one takes minutes.
      const naive = await measure(naiveRead, { times: NAIVE_READS, warmUp: false, budgetMs: READ_BUDGET_MS }, readUnits);
      // The auditor's first page of one day's decisions: what it reads follows the page, not the table.
      const audit = makeAudit({ requests: makeDynamoDbRequestStore(metered, table), directory: inMemoryDirectory() });
      const auditRead = async () =>
        (await audit.search({ callerId: AUDITOR, query: { from: `${month}-15`, to: `${month}-15`, limit: '50' } })).items.length;
      const searched = await measure(auditRead, { times: MAINTAINED_READS, warmUp: true, budgetMs: READ_BUDGET_MS }, readUnits);
      for (const [label, sums] of [
        ['maintained', maintained.value],
        ['naive', naive.value],
      ] as const) {
        if (!sameSums(sums, written)) throw new Error(`${month}: the ${label} totals differ from what was written`);
      }
      log(
        `${month} (${size.toLocaleString('en')} requests): maintained ${maintained.readUnits} RU, p50 ${maintained.p50Ms.toFixed(1)} ms over ${maintained.reads} reads; ` +
          `naive scan ${naive.readUnits} RU, p50 ${naive.p50Ms.toFixed(1)} ms over ${naive.reads} reads (both equal the ${written.size} kind/department sums written)`,
      );
      log(`${month}: audit search of ${month}-15, ${searched.value} items: ${searched.readUnits} RU, p50 ${searched.p50Ms.toFixed(1)} ms`);
      results.push({
        size,
        fill,
        maintained: { readUnits: maintained.readUnits, p50Ms: maintained.p50Ms },
        naive: { readUnits: naive.readUnits, p50Ms: naive.p50Ms },
        audit: { readUnits: searched.readUnits, p50Ms: searched.p50Ms, items: searched.value },
      });
    }
    const [first, last] = [results[0], results.at(-1)];
    if (first && last && last !== first) {
      log(
        `ratio ${last.size.toLocaleString('en')}/${first.size.toLocaleString('en')}: maintained read units ×${(last.maintained.readUnits / first.maintained.readUnits).toFixed(2)}, ` +
          `naive read units ×${(last.naive.readUnits / first.naive.readUnits).toFixed(2)}`,
      );
    }
    return results;
  });
}

/** Per kind#department: submissions and requested amounts (what a month's submissions add to its totals). */
type Sums = Map<string, { submitted: number; requestedKrw: number }>;

function sumRows(rows: { key: string; figures: FinanceFigures }[]): Sums {
  const sums: Sums = new Map();
  for (const { key, figures } of rows) {
    const row = sums.get(key) ?? { submitted: 0, requestedKrw: 0 };
    sums.set(key, { submitted: row.submitted + (figures.submitted ?? 0), requestedKrw: row.requestedKrw + (figures.requestedKrw ?? 0) });
  }
  return sums;
}

const sameSums = (a: Sums, b: Sums) =>
  a.size === b.size && [...a].every(([key, row]) => b.get(key)?.submitted === row.submitted && b.get(key)?.requestedKrw === row.requestedKrw);

/** A submitted request of `month` as the store keeps it, with its `submitted` event. */
interface Submission {
  request: ApprovalRequest;
  event: HistoryEvent;
}

const KINDS = ['health-checkup', 'infertility-treatment', 'facility-repair'] as const;
const CLINICS = ['한빛구 보건의료재단 검진센터', '서울중앙내과의원', '한빛여성병원', '미래산부인과의원'];
const BUILDINGS = ['main', 'annex', 'health-center', 'community-hall-1'];

/** Who a request's line would name: the requester's team leader, then a department head. */
const people = seedDirectory.people;
const leaderOf = (teamId: string | null) => people.find((person) => person.teamId === teamId && person.position === '팀장');
const headOf = (departmentId: string) => people.find((person) => person.departmentId === departmentId && person.position === '과장');
const fallbackApprover = people.find((person) => person.position === '과장');

function submission(month: string, n: number, random: () => number): Submission {
  const requester = pick(people, random);
  const kind = pick(KINDS, random);
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  const time = `${String(9 + Math.floor(random() * 9)).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}`;
  const at = new Date(`${month}-${day}T${time}+09:00`).toISOString();
  const amount = 10_000 + Math.floor(random() * 490_001);
  const serviceDate = `${month}-${String(Math.max(1, Number(day) - 3)).padStart(2, '0')}`;
  const details: Record<string, unknown> =
    kind === 'health-checkup'
      ? { checkupDate: serviceDate, amountPaid: amount, clinic: pick(CLINICS, random) }
      : kind === 'infertility-treatment'
        ? { treatmentDate: serviceDate, amountPaid: amount, clinic: pick(CLINICS, random), treatmentType: 'ivf-frozen-embryo' }
        : {
            building: pick(BUILDINGS, random),
            floor: `${1 + Math.floor(random() * 6)}F`,
            location: '복도 끝 창호',
            category: 'window',
            urgency: 'normal',
            description: '창호 틈으로 빗물이 샙니다. 점검과 보수를 요청합니다.',
          };
  // A repair's money comes with its triage and approval; a reimbursement's with the claim.
  const money = kind === 'facility-repair' ? {} : { amountRequested: amount, reimbursableAmount: Math.min(amount, 300_000), capAmount: 300_000 };
  const approvers = [leaderOf(requester.teamId), headOf(requester.departmentId) ?? fallbackApprover].filter((person) => person !== undefined);
  const steps: ApprovalStep[] = approvers.map((approver, index) => ({
    index,
    stage: index,
    action: index === approvers.length - 1 ? 'approve' : 'review',
    approverId: approver.id,
    approverName: approver.name,
    approverPosition: approver.position,
    rule: index === 0 ? 'requester-team-leader' : 'requester-department-head',
    status: index === 0 ? 'waiting' : 'pending',
  }));
  const id = `R-${month}-${String(n).padStart(6, '0')}`;
  // Numbered as if decided when submitted: what the audit search reads by month.
  const registration = { number: `총무과-${n + 1}`, departmentId: 'general-affairs', year: month.slice(0, 4), sequence: n + 1, at };
  const request = requestSchema.parse({
    id,
    registration,
    kind,
    status: 'in-review',
    requesterId: requester.id,
    requesterName: requester.name,
    departmentId: requester.departmentId,
    teamId: requester.teamId,
    details,
    ...money,
    round: 1,
    steps,
    currentStage: 0,
    participants: approvers.map((approver) => approver.id),
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  return { request, event: { at, actorId: requester.id, actorName: requester.name, action: 'submitted', round: 1, channel: 'api' } };
}

interface FillContext {
  db: DynamoDBDocumentClient;
  table: string;
  requests: RequestStore;
  random: () => number;
  log: Log;
}

/** Fills `month` with `size` submissions; returns the sums written, per kind and department. */
async function fillMonth({
  db,
  table,
  requests,
  month,
  size,
  random,
  log,
}: FillContext & { month: string; size: number }): Promise<{ sums: Sums; fill: MonthlyTotalsResult['fill'] }> {
  const all = Array.from({ length: size }, (_, n) => submission(month, n, random));
  const started = performance.now();
  let saved = 0;
  let conflicts = 0;
  while (saved < size) {
    const chunk = all.slice(saved, saved + SAVE_CHUNK);
    conflicts += await inPool(chunk, SAVE_CONCURRENCY, (item) => saveRetrying(requests, item));
    saved += chunk.length;
    const elapsed = performance.now() - started;
    const projected = elapsed + ((size - saved) * elapsed) / saved;
    if (saved < size && projected > SAVE_PATH_BUDGET_MS) {
      log(
        `${month}: ${rate(saved, elapsed)} saves/s would take ${(projected / 60_000).toFixed(1)} min for ${size.toLocaleString('en')}; bulk-loading the other ${(size - saved).toLocaleString('en')}`,
      );
      break;
    }
  }
  const savedMs = performance.now() - started;
  log(
    `${month}: ${saved.toLocaleString('en')} requests through requests.save in ${(savedMs / 1000).toFixed(1)} s ` +
      `(${rate(saved, savedMs)} transactions/s, ${SAVE_CONCURRENCY} in flight, ${conflicts} transaction conflicts retried)`,
  );
  if (saved < size) {
    const bulkStarted = performance.now();
    await bulkLoad(db, table, all.slice(saved));
    const bulkMs = performance.now() - bulkStarted;
    log(
      `${month}: ${(size - saved).toLocaleString('en')} requests BULK-LOADED with BatchWrite (request + stamped event items, aggregates ADDed) in ${(bulkMs / 1000).toFixed(1)} s (${rate(size - saved, bulkMs)}/s)`,
    );
  }
  return {
    sums: sumRows(all.map(({ request, event }) => ({ key: `${request.kind}#${request.departmentId}`, figures: figuresOf(request, event) ?? {} }))),
    fill: { viaSave: saved, savesPerSecond: rate(saved, savedMs), bulkLoaded: size - saved },
  };
}

const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

/** One save; a transaction that lost to another on the month's aggregate item is tried again. */
async function saveRetrying(requests: RequestStore, { request, event }: Submission): Promise<number> {
  for (let conflicts = 0; ; conflicts++) {
    try {
      await requests.save({ request, events: RecordedEvents.of(request, [event]) });
      return conflicts;
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || conflicts >= 20) throw error;
      await sleep(Math.random() * 10 * (conflicts + 1));
    }
  }
}

/**
 * The items `requests.save` would write for these submissions, written directly with the same
 * entity builders: the request with its index attributes, its domain events (outbox), its event
 * accounted (`finance` and the `finance*` key attributes), and the month's aggregates ADDed.
 */
async function bulkLoad(db: DynamoDBDocumentClient, table: string, submissions: Submission[]): Promise<void> {
  const totals = new Map<string, { Key: { pk: string; sk: string }; figures: FinanceFigures }>();
  const items: Record<string, unknown>[] = [];
  for (const { request, event } of submissions) {
    items.push({ ...requestKey(request.id), ...request, ...requestIndexAttributes(request) });
    const events = RecordedEvents.of(request, [event]);
    // The domain events the submission publishes (the transactional outbox), as the store writes them.
    for (const published of outboxEventsOf({ request, events })) items.push(putOutbox(table, published).item.Put?.Item ?? {});
    for (const recorded of events.items) {
      items.push(eventItem(request.id, recorded.event, recorded.financeKey));
      const { financeKey: key, event: stamped } = recorded;
      if (!key || !stamped.finance) continue;
      const Key = financeTotalKey(key.month, key.kind, key.departmentId);
      const id = `${Key.pk}|${Key.sk}`;
      const sum = totals.get(id)?.figures ?? {};
      for (const name of FIGURES) if (stamped.finance[name] !== undefined) sum[name] = (sum[name] ?? 0) + (stamped.finance[name] ?? 0);
      totals.set(id, { Key, figures: sum });
    }
  }
  const batches = Array.from({ length: Math.ceil(items.length / BATCH_WRITE_LIMIT) }, (_, i) =>
    items.slice(i * BATCH_WRITE_LIMIT, (i + 1) * BATCH_WRITE_LIMIT),
  );
  await inPool(batches, BATCH_CONCURRENCY, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('bulk load: unprocessed items after retries');
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = result.UnprocessedItems?.[table] ?? [];
    }
    return 0;
  });
  // ADD, as the store does, so a month partly filled through `save` keeps what it already has.
  for (const { Key, figures } of totals.values()) {
    const names = FIGURES.filter((name) => figures[name] !== undefined && figures[name] !== 0);
    if (names.length === 0) continue;
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key,
        UpdateExpression: `ADD ${names.map((name) => `${name} :${name}`).join(', ')}`,
        ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, figures[name]])),
      }),
    );
  }
}

/**
 * The bulk path must write what `requests.save` writes, or the naive scan would read other items
 * than real history holds: one submission of each kind is written both ways (in a month of its
 * own) and the stored items compared, ids and the event's random suffix aside.
 */
async function checkBulkShapes({ db, table, requests, random, log }: FillContext): Promise<void> {
  const partition = (id: string) =>
    db
      .send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': requestKey(id).pk },
          ConsistentRead: true,
        }),
      )
      .then(({ Items = [] }) => Items.map((item) => normalised(item, id)).sort());
  const normalised = (item: Record<string, unknown>, id: string) =>
    JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))), (_, value: unknown) =>
      typeof value === 'string'
        ? value
            .replace(id, '<id>')
            .replace(/^EVENT#(.*)#[0-9a-f]{8}$/, 'EVENT#$1#<n>')
            .replace(/-(\d+)-[0-9a-f]{8}$/, '-$1-<n>')
        : value,
    );
  for (const kind of KINDS) {
    let sample = submission(SHAPE_CHECK_MONTH, 0, random);
    while (sample.request.kind !== kind) sample = submission(SHAPE_CHECK_MONTH, 0, random);
    const viaSave = { ...sample, request: { ...sample.request, id: `SHAPE-SAVE-${kind}` } };
    const viaBulk = { ...sample, request: { ...sample.request, id: `SHAPE-BULK-${kind}` } };
    await requests.save({ request: viaSave.request, events: RecordedEvents.of(viaSave.request, [viaSave.event]) });
    await bulkLoad(db, table, [viaBulk]);
    const [saved, bulk] = [await partition(viaSave.request.id), await partition(viaBulk.request.id)];
    if (JSON.stringify(saved) !== JSON.stringify(bulk)) {
      throw new Error(
        `bulk-loaded ${kind} items differ from what requests.save writes:\nsave: ${saved.join('\n      ')}\nbulk: ${bulk.join('\n      ')}`,
      );
    }
  }
  log(`bulk path checked: for each of ${KINDS.join(', ')}, BatchWrite stores the same request and event items as requests.save`);
}

/**
 * What one would write without maintained totals: scan the whole table (in parallel segments) for
 * the month's requests (created in the Seoul month) and sum their amounts per kind and department.
 */
async function scanAndSum(db: DynamoDBDocumentClient, table: string, month: string): Promise<Sums> {
  const from = new Date(`${month}-01T00:00:00+09:00`).toISOString();
  const to = new Date(`${monthAfter(month, 1)}-01T00:00:00+09:00`).toISOString();
  const sums: Sums = new Map();
  const scanSegment = async (Segment: number) => {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: table,
          Segment,
          TotalSegments: NAIVE_SCAN_SEGMENTS,
          FilterExpression: 'sk = :meta AND createdAt >= :from AND createdAt < :to',
          ProjectionExpression: '#kind, departmentId, amountRequested',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':meta': 'META', ':from': from, ':to': to },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const key = `${String(item['kind'])}#${String(item['departmentId'])}`;
        const row = sums.get(key) ?? { submitted: 0, requestedKrw: 0 };
        const amount = typeof item['amountRequested'] === 'number' ? item['amountRequested'] : 0;
        sums.set(key, { submitted: row.submitted + 1, requestedKrw: row.requestedKrw + amount });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  };
  await Promise.all(Array.from({ length: NAIVE_SCAN_SEGMENTS }, (_, segment) => scanSegment(segment)));
  return sums;
}

/**
 * Times `read` up to `times` times (after one warm-up read when asked), stopping early once
 * `budgetMs` is spent (a full scan of a large table on DynamoDB Local takes minutes): the read
 * units one read used (the most any used) and the median latency.
 */
async function measure<T>(
  read: () => Promise<T>,
  plan: { times: number; warmUp: boolean; budgetMs: number },
  readUnits: { total: number },
): Promise<{ value: T; readUnits: number; p50Ms: number; reads: number }> {
  if (plan.warmUp) await read();
  const latencies: number[] = [];
  let units = 0;
  let value: T | undefined;
  const started = performance.now();
  while (latencies.length < plan.times && (latencies.length === 0 || performance.now() - started < plan.budgetMs)) {
    const before = readUnits.total;
    const begun = performance.now();
    value = await read();
    latencies.push(performance.now() - begun);
    units = Math.max(units, readUnits.total - before);
  }
  if (value === undefined) throw new Error('measure: no read was made');
  return { value, readUnits: units, p50Ms: percentile(latencies, 50), reads: latencies.length };
}

// ---------------------------------------------------------------------------------------------
// Item 6: vehicle contention
// ---------------------------------------------------------------------------------------------

const VEHICLE_CLASS = 'passenger-large';
const DAY_MS = 86_400_000;

/**
 * Primary course:
 * 1. Load M vehicles of one class; N vehicle-booking requests for the same window, each waiting at
 *    its dispatch step with an open link.
 * 2. All N dispatchers accept the suggestion at once, through `makeDecideStep` and the real stores.
 * 3. Count the assignments (must be M), read every stored calendar day of the M vehicles (no two
 *    bookings may overlap), and report latency and how often a calendar conflict made a decision retry.
 * 4. The baseline, in the same table: the same N decisions at once on another day with N vehicles,
 *    each dispatcher naming a vehicle of their own. Same path, same calls, no contention: what
 *    DynamoDB Local and this machine take for N concurrent dispatch decisions anyway.
 */
export async function benchVehicleContention(options: { racers: number; vehicles: number; log: Log }): Promise<VehicleContentionResult> {
  const { racers, vehicles: vehicleCount, log } = options;
  if (!Number.isInteger(racers) || racers < 1 || racers > 999) throw new Error(`racers must be 1–999: ${racers}`);
  if (!Number.isInteger(vehicleCount) || vehicleCount < 1 || vehicleCount > racers) throw new Error(`vehicles must be 1–${racers}: ${vehicleCount}`);
  return withLocalTable('bench-vehicle-contention', log, async ({ db, table }) => {
    const clock: Clock = { now: () => new Date() };
    const directory = inMemoryDirectory();
    const fleet = makeDynamoDbFleetStore(db, table);
    const store = makeDynamoDbRequestStore(db, table);
    let conflicts = 0;
    const requests: RequestStore = {
      ...store,
      async save(change) {
        try {
          await store.save(change);
        } catch (error) {
          if (error instanceof CalendarChangedError || error instanceof ConcurrentChangeError) conflicts += 1;
          throw error;
        }
      },
    };

    const fleetVehicle = (i: number): Vehicle => ({
      id: `V${String(i + 1).padStart(3, '0')}`,
      plate: `${100 + (i % 900)}호 ${String(1000 + i * 7).slice(-4)}`,
      category: 'passenger',
      vehicleClass: VEHICLE_CLASS,
      size: 'large',
      model: '그랜저 하이브리드',
      seats: 5,
      managingDepartmentId: 'general-affairs',
      ownership: 'owned',
      status: 'active',
      odometerKm: 20_000 + i * 1_500,
    });
    const contended = Array.from({ length: vehicleCount }, (_, i) => fleetVehicle(i));
    await loadFleet(db, table, contended);

    const requester = seedPerson('E1039');
    const leader = seedPerson('E1038');
    const dispatchers = people.filter((person) => person.roles.includes('dispatch-officer'));
    if (dispatchers.length === 0) throw new Error('the seed directory has no dispatch officer');
    const workflows: Workflows = {
      start: async () => 'bench-execution',
      stop: async () => undefined,
      resume: async () => undefined,
      fail: async () => undefined,
    };
    const mailer: Mailer = { send: async () => undefined };
    const decideStep = makeDecideStep({
      requests,
      directory,
      workflows,
      mailer,
      chat: noChat,
      clock,
      policy: officePolicy,
      fleet,
      log: (message, fields) => log(`${message} ${JSON.stringify(fields)}`),
    });

    /** N requests for one window waiting at dispatch, then all N dispatch decisions at the same moment. */
    async function race(label: string, daysAhead: number, fieldsOf: (i: number) => Record<string, unknown>) {
      const day = seoulDate(new Date(Date.now() + daysAhead * DAY_MS));
      const window = { from: `${day}T10:00:00+09:00`, to: `${day}T16:00:00+09:00` };
      const now = clock.now();
      const at = now.toISOString();
      const expiresAt = new Date(now.getTime() + 7 * DAY_MS).toISOString();
      const racing = Array.from({ length: racers }, (_, i) => {
        const dispatcher = dispatchers[i % dispatchers.length] ?? seedPerson('E1007');
        const hash = randomBytes(32).toString('hex');
        const request = requestSchema.parse({
          id: `VB-${label}-${String(i).padStart(4, '0')}`,
          kind: 'vehicle-booking',
          status: 'in-review',
          requesterId: requester.id,
          requesterName: requester.name,
          departmentId: requester.departmentId,
          teamId: requester.teamId,
          details: { vehicleClass: VEHICLE_CLASS, ...window, purpose: '현장 점검', destination: '한빛구 관내', passengers: 2 },
          round: 1,
          steps: [
            {
              index: 0,
              stage: 0,
              action: 'review',
              approverId: leader.id,
              approverName: leader.name,
              approverPosition: leader.position,
              rule: 'requester-team-leader',
              status: 'approved',
              decidedAt: at,
              decidedBy: leader.id,
              channel: 'api',
            },
            {
              index: 1,
              stage: 1,
              action: 'approve',
              approverId: dispatcher.id,
              approverName: dispatcher.name,
              approverPosition: dispatcher.position,
              rule: 'team-role ga-general/dispatch-officer',
              status: 'waiting',
              notifiedAt: at,
              openLinkHash: hash,
              input: 'vehicle-dispatch',
            },
          ],
          currentStage: 1,
          stageDeadline: expiresAt,
          participants: [leader.id, dispatcher.id],
          createdAt: at,
          updatedAt: at,
          version: 2,
        });
        const link: ApprovalLink = {
          hash,
          requestId: request.id,
          round: 1,
          stepIndex: 1,
          approverId: dispatcher.id,
          taskToken: `bench-task-${label}-${i}`,
          expiresAt,
          openedAt: at,
          status: 'open',
        };
        return { request, link, dispatcherId: dispatcher.id, fields: fieldsOf(i) };
      });
      await inPool(racing, SAVE_CONCURRENCY, async ({ request, link }) => {
        await store.save({
          request,
          events: RecordedEvents.of(request, [{ at, actorId: requester.id, action: 'submitted', channel: 'api' }]),
          links: { put: [link] },
        });
        return 0;
      });
      const conflictsBefore = conflicts;
      const started = performance.now();
      const outcomes = await Promise.all(
        racing.map(async ({ link, dispatcherId, fields }) => {
          const begun = performance.now();
          try {
            await decideStep.decide({ linkHash: link.hash, decision: 'approve', actorId: dispatcherId, channel: 'email-link', fields });
            return { outcome: 'assigned', ms: performance.now() - begun };
          } catch (error) {
            // NoVehicleFreeError: all taken (expected for N − M); a plain ConflictError: gave up after its retries.
            const outcome =
              error instanceof NoVehicleFreeError
                ? 'no vehicle free'
                : error instanceof ConflictError
                  ? 'gave up on conflicts'
                  : `failed: ${String(error)}`;
            return { outcome, ms: performance.now() - begun };
          }
        }),
      );
      const wallMs = performance.now() - started;
      const tally = new Map<string, number>();
      for (const { outcome } of outcomes) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
      const gaveUp = tally.get('gave up on conflicts') ?? 0;
      const seen = conflicts - conflictsBefore;
      log(
        `${label}: ${racers} decisions for ${window.from}–${window.to.slice(11)} in ${(wallMs / 1000).toFixed(1)} s: ${[...tally].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}; ${seen} calendar conflicts seen`,
      );
      const latencies = outcomes.map(({ ms }) => ms);
      return {
        racing,
        successes: tally.get('assigned') ?? 0,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        wallMs,
        // A racer that gave up saw one conflict on its last attempt that was not retried.
        conflictsRetried: seen - gaveUp,
      };
    }

    // Act: every dispatcher accepts the suggestion at the same moment, M vehicles free.
    const contest = await race('contended', 30, () => ({}));

    // Every booking stored on every calendar day of the fleet: never two at once on one vehicle.
    const stored: (CalendarEntry & { vehicleId: string })[] = [];
    for (const vehicle of contended) {
      const days = await fleet.schedule(vehicle.id, '0000-01-01', '9999-12-31');
      const entries = new Map(days.flatMap((calendarDay) => calendarDay.entries).map((entry) => [entry.requestId, entry]));
      stored.push(...[...entries.values()].map((entry) => ({ ...entry, vehicleId: vehicle.id })));
    }
    let overlapping = 0;
    for (const [i, a] of stored.entries()) {
      for (const b of stored.slice(i + 1)) if (a.vehicleId === b.vehicleId && overlaps(a, b)) overlapping += 1;
    }
    // The stage is decided and the request holds its vehicle; the workflow (not run here) would mark it approved.
    const holding = (await Promise.all(contest.racing.map(({ request }) => store.get(request.id)))).filter(
      (request) => request !== undefined && vehicleBooking.is(request) && request.booking !== undefined,
    );
    log(`${stored.length} bookings on the calendars, ${holding.length} requests holding a vehicle, ${overlapping} overlaps`);
    if (contest.successes !== vehicleCount) log(`WARNING: ${contest.successes} assignments for ${vehicleCount} vehicles`);
    if (stored.length !== contest.successes || holding.length !== contest.successes) {
      log(`WARNING: ${contest.successes} assignments, but ${stored.length} stored bookings and ${holding.length} requests holding a vehicle`);
    }

    // Baseline: as many vehicles as racers on another day, each dispatcher naming their own.
    await loadFleet(
      db,
      table,
      Array.from({ length: racers - vehicleCount }, (_, i) => fleetVehicle(vehicleCount + i)),
    );
    const baseline = await race('uncontended', 31, (i) => ({ vehicleId: fleetVehicle(i).id }));
    if (baseline.successes !== racers || baseline.conflictsRetried !== 0)
      log(`WARNING: uncontended baseline: ${baseline.successes} of ${racers} assigned, ${baseline.conflictsRetried} conflicts`);

    return {
      racers,
      vehicles: vehicleCount,
      successes: contest.successes,
      overlaps: overlapping,
      p50Ms: contest.p50Ms,
      p99Ms: contest.p99Ms,
      wallMs: contest.wallMs,
      conflictsRetried: contest.conflictsRetried,
      uncontended: {
        successes: baseline.successes,
        p50Ms: baseline.p50Ms,
        p99Ms: baseline.p99Ms,
        wallMs: baseline.wallMs,
        conflictsRetried: baseline.conflictsRetried,
      },
    };
  });
}

function seedPerson(id: string) {
  const person = people.find((candidate) => candidate.id === id);
  if (!person) throw new Error(`the seed directory has no ${id}`);
  return person;
}

// ---------------------------------------------------------------------------------------------
// DynamoDB Local and small helpers
// ---------------------------------------------------------------------------------------------

interface LocalTable {
  table: string;
  /** For writes and for reads that are not measured. */
  db: DynamoDBDocumentClient;
  /** The same table, every Query and Scan asked for its consumed capacity, added to `readUnits`. */
  metered: DynamoDBDocumentClient;
  readUnits: { total: number };
}

/** A fresh DynamoDB Local in a temporary directory, with one table (pk/sk strings, on demand), for the length of `run`. */
async function withLocalTable<T>(table: string, log: Log, run: (local: LocalTable) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), `${table}-`));
  const started = performance.now();
  const dynamo = await startDynamoDbLocal({ dataDir, port: await freePort() });
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: indexes.decisionsByMonth.partitionKey, AttributeType: 'S' },
          { AttributeName: indexes.decisionsByMonth.sortKey, AttributeType: 'S' },
        ],
        // The audit search's index (the others are not read here).
        GlobalSecondaryIndexes: [
          {
            IndexName: indexes.decisionsByMonth.name,
            KeySchema: [
              { AttributeName: indexes.decisionsByMonth.partitionKey, KeyType: 'HASH' },
              { AttributeName: indexes.decisionsByMonth.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    log(`DynamoDB Local at ${dynamo.endpoint}, table ${table} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const marshallOptions = { marshallOptions: { removeUndefinedValues: true } };
    const db = DynamoDBDocumentClient.from(client, marshallOptions);
    const metered = DynamoDBDocumentClient.from(client, marshallOptions);
    const readUnits = { total: 0 };
    metered.middlewareStack.add(
      (next, context) => async (args) => {
        const counted = context.commandName === 'QueryCommand' || context.commandName === 'ScanCommand';
        if (counted) (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
        const result = await next(args);
        if (counted) readUnits.total += (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0;
        return result;
      },
      { step: 'initialize', name: 'meterReadUnits' },
    );
    return await run({ table, db, metered, readUnits });
  } finally {
    client.destroy();
    await dynamo.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });

/** Runs `work` over `items`, `concurrency` at a time; returns the sum of what it returned. */
async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<number>): Promise<number> {
  let next = 0;
  let total = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      total += await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return total;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** `YYYY-MM` plus `months`. */
function monthAfter(month: string, months: number): string {
  const [year = 0, index = 1] = month.split('-').map(Number);
  const total = year * 12 + (index - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** A small deterministic generator (mulberry32): the same history on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(values: readonly T[], random: () => number): T {
  const value = values[Math.floor(random() * values.length)];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
