import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { eventConsumers } from '../../shared/events/consumers.js';
import { domainEventTypes } from '../../shared/events/event-types.js';
import { eventSchemaPath } from '../../shared/events/json-schemas.js';
import { financeTotalKey } from '../../shared/store/entities/finance-total.js';
import { seedDirectory, seedPerson } from '../fixtures/directory.js';
import { api, eventually, type StepView, suiteBackend, waitForEmail } from './harness.js';

/** Finance through the local runtime: totals maintained across status changes and a month boundary at midnight KST. */
const FINANCE = 'E1029';
const seedNames = seedDirectory.people.map((person) => person.name);
/** An event's detail is what the committed JSON Schema of its type says (the consumers' contract). */
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const schemas = Object.fromEntries(
  domainEventTypes.map((type) => [type, ajv.compile(JSON.parse(readFileSync(new URL(`../../${eventSchemaPath(type)}`, import.meta.url), 'utf8')))]),
);
const validEvent = Object.assign((detail: { type: string }) => schemas[detail.type]?.(detail) === true, {
  get errors() {
    return Object.values(schemas).flatMap((validate) => validate.errors ?? []);
  },
});
const run = promisify(execFile);

interface Figures {
  submitted?: number;
  requestedKrw?: number;
  approved?: number;
  approvedKrw?: number;
  paid?: number;
  paidKrw?: number;
  rejected?: number;
  withdrawn?: number;
}
interface Totals {
  month: string;
  kinds: { kind: string; departments: { departmentId: string | null; departmentName: string; figures: Figures }[]; total: Figures }[];
  total: Figures;
}

describe('finance: monthly totals, payments, exports and the monthly report', () => {
  const backend = suiteBackend();
  const ids: Record<string, string> = {};
  const post = (as: string, path: string, json: unknown) => api(backend, 'POST', path, { as, json });
  const get = async (id: string, as: string) =>
    (await api(backend, 'GET', `/requests/${id}`, { as })).body as { status: string; steps: StepView[]; reimbursableAmount?: number };
  const waiting = (id: string, as: string, stage: number) =>
    eventually(async () => {
      const step = (await get(id, as)).steps.find((candidate) => candidate.stage === stage && candidate.status === 'waiting');
      if (!step) throw new Error(`stage ${stage} of ${id} not waiting`);
      return step;
    });
  const approveLine = async (id: string, as: string) => {
    for (let stage = 0; ; stage++) {
      const step = await waiting(id, as, stage);
      expect((await post(step.approverId, `/approvals/${id}/decision`, { decision: 'approve' })).status).toBe(200);
      const request = await get(id, as);
      if (request.steps.every((candidate) => candidate.stage <= stage)) break;
    }
    return eventually(async () => {
      const request = await get(id, as);
      if (request.status !== 'approved') throw new Error(request.status);
      return request;
    });
  };
  const totals = async (month: string) => {
    const response = await api(backend, 'GET', `/finance/monthly-totals?month=${month}`, { as: FINANCE });
    expect(response.status, response.text).toBe(200);
    return response.body as Totals;
  };
  const row = (view: Totals, kind: string, departmentId: string | null) =>
    view.kinds.find((k) => k.kind === kind)?.departments.find((d) => d.departmentId === departmentId)?.figures;
  const runtimeInfo = async () =>
    JSON.parse(await readFile(join(backend.dataDir, 'runtime.json'), 'utf8')) as {
      dynamoDbEndpoint: string;
      dynamoDbAccessKeyId: string;
      tableName: string;
    };
  const reconcile = (month: string) =>
    run(process.execPath, ['--import', 'tsx', 'infra/local/finance-cli.ts', 'reconcile', '--month', month], {
      env: { ...process.env, DATA_DIR: backend.dataDir },
    }).then(
      (done) => ({ code: 0, out: done.stdout }),
      (failed: { code: number; stdout: string }) => ({ code: failed.code, out: failed.stdout }),
    );

  it('counts each event in its Seoul month: submitted at 23:59 on 30 November, approved at 00:01 on 1 December', async () => {
    expect((await api(backend, 'POST', '/_local/clock', { json: { set: '2026-11-30T23:59:00+09:00' } })).status).toBe(200);
    const health = await post('E1034', '/requests', {
      kind: 'health-checkup',
      checkupDate: '2026-11-20',
      amountPaid: 300_000,
      clinic: '한빛검진센터',
    });
    expect(health.status, health.text).toBe(201);
    ids['health'] = health.body.id;
    const infertility = await post('E1039', '/requests', {
      kind: 'infertility-treatment',
      treatmentDate: '2026-11-10',
      amountPaid: 1_000_000,
      clinic: '한빛여성의원',
      treatmentType: 'ivf-frozen-embryo',
    });
    expect(infertility.status, infertility.text).toBe(201);
    ids['infertility'] = infertility.body.id;

    await api(backend, 'POST', '/_local/clock', { json: { advance: 'PT2M' } }); // 1 December, 00:01 KST (15:01 UTC on 30 November)
    await approveLine(ids['health'] ?? '', 'E1034');

    const november = await totals('2026-11');
    expect(row(november, 'health-checkup', 'jobs-economy')).toEqual({ submitted: 1, requestedKrw: 300_000 });
    // Fewer infertility claims than the minimum group size: the department is not named.
    const infertilityRows = november.kinds.find((kind) => kind.kind === 'infertility-treatment')?.departments ?? [];
    expect(infertilityRows).toEqual([
      { departmentId: null, departmentName: '기타 부서(소수 인원 보호)', figures: { submitted: 1, requestedKrw: 1_000_000 } },
    ]);
    expect(JSON.stringify(november)).not.toContain('한빛여성의원');
    const december = await totals('2026-12');
    expect(row(december, 'health-checkup', 'jobs-economy')).toEqual({ approved: 1, approvedKrw: 300_000 });
  });

  it('withdrawn, rejected after an earlier approval, and paid (once) each land in their month; the totals are the sum of the requests', async () => {
    const withdrawn = await post('E1040', '/requests', {
      kind: 'health-checkup',
      checkupDate: '2026-11-20',
      amountPaid: 450_000,
      clinic: '한빛검진센터',
    });
    expect((await post('E1040', `/requests/${withdrawn.body.id}/withdraw`, { reason: '중복 청구' })).status).toBe(200);
    ids['withdrawn'] = withdrawn.body.id;
    // A vehicle booking agreed by the team leader, then finally rejected by the dispatcher.
    const booking = await post('E1039', '/requests', {
      kind: 'vehicle-booking',
      vehicleClass: 'passenger-mid',
      from: '2026-12-03T09:00:00+09:00',
      to: '2026-12-03T18:00:00+09:00',
      purpose: '현장 점검',
      destination: '관내',
      passengers: 2,
    });
    expect(booking.status, booking.text).toBe(201);
    ids['booking'] = booking.body.id;
    const leaderStep = await waiting(booking.body.id, 'E1039', 0);
    expect((await post(leaderStep.approverId, `/approvals/${booking.body.id}/decision`, { decision: 'approve' })).status).toBe(200);
    const dispatch = await waiting(booking.body.id, 'E1039', 1);
    expect(
      (await post(dispatch.approverId, `/approvals/${booking.body.id}/decision`, { decision: 'reject', comment: '그날 차량 정비' })).status,
    ).toBe(200);
    await eventually(async () => {
      if ((await get(booking.body.id, 'E1039')).status !== 'rejected') throw new Error('not rejected yet');
    });

    // Paid once; a second payment of the same claim, and a claim not approved, are refused.
    const paid = await post(FINANCE, '/finance/payments', { requestIds: [ids['health'], ids['infertility']] });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.paid).toEqual([{ requestId: ids['health'], registrationNumber: expect.stringMatching(/^총무과-\d+$/), amountKrw: 300_000 }]);
    expect(paid.body.refused).toEqual([{ requestId: ids['infertility'], message: expect.stringContaining('승인된 청구만') }]);
    const again = await post(FINANCE, '/finance/payments', { requestIds: [ids['health']] });
    expect(again.body.paid).toEqual([]);
    expect(again.body.refused[0].message).toContain('이미 지급되었습니다');
    expect((await post('E1034', '/finance/payments', { requestIds: [ids['health']] })).status).toBe(403);
    expect((await get(ids['health'] ?? '', 'E1034')).status).toBe('paid');

    const december = await totals('2026-12');
    expect(row(december, 'health-checkup', 'jobs-economy')).toEqual({ approved: 1, approvedKrw: 300_000, paid: 1, paidKrw: 300_000 });
    expect(row(december, 'health-checkup', 'traffic-admin')).toEqual({ submitted: 1, requestedKrw: 450_000, withdrawn: 1 });
    expect(row(december, 'vehicle-booking', 'traffic-admin')).toEqual({ submitted: 1, rejected: 1 });
    // Grand totals are the sum of the rows, and the rows what the requests say.
    expect(december.total).toMatchObject({
      submitted: 2,
      requestedKrw: 450_000,
      approved: 1,
      approvedKrw: 300_000,
      paid: 1,
      paidKrw: 300_000,
      withdrawn: 1,
      rejected: 1,
    });
    expect(december.total.approvedKrw).toBe((await get(ids['health'] ?? '', 'E1034')).reimbursableAmount);
    expect((await api(backend, 'GET', '/finance/monthly-totals?month=2026-13', { as: FINANCE })).status).toBe(400);
    expect((await api(backend, 'GET', '/finance/monthly-totals?month=2026-12', { as: 'E1034' })).status).toBe(403);
  });

  it('CSV opens in Excel with Korean intact (BOM, CRLF, UTF-8); XLSX parses back', async () => {
    const csv = await fetch(`${backend.apiUrl}/finance/monthly-totals?month=2026-12&format=csv`, {
      headers: { authorization: `Bearer ${await tokenOf(FINANCE)}` },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).toContain('종류,부서,청구 건수,청구 금액(원)');
    expect(text).toContain('건강검진비 지원,일자리경제과,0,0,1,300000,1,300000,0,0');

    const xlsx = await fetch(`${backend.apiUrl}/finance/monthly-totals?month=2026-12&format=xlsx`, {
      headers: { authorization: `Bearer ${await tokenOf(FINANCE)}` },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(await xlsx.arrayBuffer()).buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['2026-12 부서별', '2026-12 종류별', '2026-12 건물별 시설 보수']);
    const sheet = workbook.worksheets[0];
    expect(sheet?.getRow(1).getCell(2).value).toBe('부서');
    const healthRow = sheet?.getRows(2, 10)?.find((candidate) => candidate.getCell(2).value === '일자리경제과');
    expect(healthRow?.getCell(6).value).toBe(300_000);
  });

  it('reconciliation finds no difference, and finds a deliberately corrupted aggregate', async () => {
    for (const month of ['2026-11', '2026-12']) {
      const clean = await reconcile(month);
      expect(clean.code, clean.out).toBe(0);
      expect(JSON.parse(clean.out)).toMatchObject({ month, differences: [] });
    }
    const runtime = await runtimeInfo();
    const client = new DynamoDBClient({
      endpoint: runtime.dynamoDbEndpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: runtime.dynamoDbAccessKeyId, secretAccessKey: 'local' },
    });
    const nudge = (delta: number) =>
      DynamoDBDocumentClient.from(client).send(
        new UpdateCommand({
          TableName: runtime.tableName,
          Key: financeTotalKey('2026-12', 'health-checkup', 'jobs-economy'),
          UpdateExpression: 'ADD paidKrw :delta',
          ExpressionAttributeValues: { ':delta': delta },
        }),
      );
    try {
      await nudge(1_000);
      const corrupted = await reconcile('2026-12');
      expect(corrupted.code).toBe(1);
      expect(JSON.parse(corrupted.out).differences).toEqual(['health-checkup#jobs-economy paidKrw: recomputed 300000, aggregate 301000']);
    } finally {
      await nudge(-1_000);
      client.destroy();
    }
    expect((await reconcile('2026-12')).code).toBe(0);
  });

  it('the report of the previous month is stored as CSV and XLSX and finance gets the links', async () => {
    // Prepare: the clock is in December; the report covers November.
    const produced = await run(process.execPath, ['--import', 'tsx', 'infra/local/finance-cli.ts', 'monthly-report'], {
      env: { ...process.env, DATA_DIR: backend.dataDir },
    });
    expect(JSON.parse(produced.stdout).ran).toEqual([expect.objectContaining({ ok: true })]);
    const stored = await readFile(join(backend.dataDir, 'reports', '2026-11', 'monthly-totals.csv'));
    expect([...stored.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    for (const recipient of ['E1029', 'E1030']) {
      const mail = await waitForEmail(backend, seedPerson(recipient).email, '[월간 보고] 2026-11');
      expect(mail.text).toContain('/finance/reports/2026-11/monthly-totals.xlsx');
    }
    const download = await api(backend, 'GET', '/finance/reports/2026-11/monthly-totals.csv', { as: FINANCE });
    expect(download.status).toBe(200);
    expect((await api(backend, 'GET', '/finance/reports/2026-11/monthly-totals.csv', { as: 'E1034' })).status).toBe(403);
    expect((await api(backend, 'GET', '/finance/reports/2026-11/..%2F..%2Fkeys', { as: FINANCE })).status).toBe(404);
  });

  it('the budget view: budget, committed, paid and 집행률 per line', async () => {
    const response = await api(backend, 'GET', '/finance/budget?year=2026', { as: FINANCE });
    expect(response.status, response.text).toBe(200);
    const welfare = response.body.lines.find((line: { id: string }) => line.id === 'staff-welfare');
    expect(welfare).toEqual({
      id: 'staff-welfare',
      name: '직원 후생복지',
      budgetKrw: 6_973_250_000,
      committedKrw: 300_000,
      paidKrw: 300_000,
      executionRate: 0,
    });
    expect(response.body.lines.map((line: { id: string }) => line.id)).toEqual(['staff-welfare', 'building-maintenance', 'parking-special-account']);
  });

  // Domain events and the functions' logs and metrics, of everything this file did.
  interface Published {
    file: string;
    'detail-type': string;
    detail: { eventId: string; requestId: string; type: string } & Record<string, unknown>;
  }
  const eventsDir = () => join(backend.dataDir, 'outbox', 'events');
  const published = async (): Promise<Published[]> => {
    const names = (await readdir(eventsDir())).filter((name) => name.endsWith('.json')).sort();
    return Promise.all(
      names.map(async (file) => ({ file, ...(JSON.parse(await readFile(join(eventsDir(), file), 'utf8')) as Omit<Published, 'file'>) })),
    );
  };
  const typesOf = (events: Published[], id: string | undefined) =>
    events.filter((event) => event.detail.requestId === id).map((event) => event['detail-type']);
  /** Waits until the request's events end with `last`, and answers them all. */
  const publishedUpTo = (id: string | undefined, last: string) =>
    eventually(async () => {
      const events = await published();
      if (typesOf(events, id).at(-1) !== last) throw new Error(`${id}: ${typesOf(events, id).join(', ')} (waiting for ${last})`);
      return events;
    });
  /** The functions' log (logs/functions.jsonl): its lines, parsed, and the EMF metrics among them. */
  const functionLog = async () => {
    const lines = (await readFile(join(backend.dataDir, 'logs', 'functions.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const metrics = entries.flatMap((entry) => {
      const aws = entry['_aws'] as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } | undefined;
      return (aws?.CloudWatchMetrics ?? []).flatMap((set) =>
        set.Metrics.map((metric) => ({
          namespace: set.Namespace,
          name: metric.Name,
          dimensions: Object.fromEntries((set.Dimensions[0] ?? []).map((name) => [name, entry[name]])),
          value: entry[metric.Name] as number,
        })),
      );
    });
    return { lines, entries, metrics };
  };
  const health = { kind: 'health-checkup', checkupDate: '2026-11-20', amountPaid: 300_000, clinic: '한빛검진센터' };

  it('publishes each committed change once, in commit order, to the schema, with nothing of a health detail; e호조 gets the paid claim', async () => {
    const events = await publishedUpTo(ids['health'], 'ReimbursementPaid');
    // Paid once (the second payment was refused): submitted, each step decided, approved, paid.
    const claim = typesOf(events, ids['health']);
    const decided = claim.length - 3;
    expect(decided).toBeGreaterThan(0);
    expect(claim).toEqual(['RequestSubmitted', ...Array<string>(decided).fill('StepDecided'), 'RequestApproved', 'ReimbursementPaid']);
    expect(events.find((event) => event['detail-type'] === 'ReimbursementPaid')?.detail).toMatchObject({
      requestId: ids['health'],
      requesterId: 'E1034',
      amountKrw: 300_000,
      documentNumber: expect.stringMatching(/^총무과-\d+$/),
    });
    // The refused payment of the claim still in review published nothing.
    expect(typesOf(events, ids['infertility'])).toEqual(['RequestSubmitted']);
    expect(typesOf(events, ids['withdrawn'])).toEqual(['RequestSubmitted', 'RequestWithdrawn']);
    expect(typesOf(events, ids['booking'])).toEqual(['RequestSubmitted', 'StepDecided', 'StepDecided', 'RequestRejected']);
    expect(new Set(events.map((event) => event.detail.eventId)).size).toBe(events.length);
    for (const event of events) expect(validEvent(event.detail), `${event.file}: ${JSON.stringify(validEvent.errors)}`).toBe(true);
    const text = JSON.stringify(events);
    for (const secret of ['한빛검진센터', '한빛여성의원', 'ivf', 'clinic', 'treatmentType', '중복 청구', '그날 차량 정비', ...seedNames])
      expect(text).not.toContain(secret);
    const toFinance = events.filter((event) => (eventConsumers.finance.types as readonly string[]).includes(event['detail-type']));
    expect(toFinance.map((event) => event.detail.requestId)).toEqual([ids['health']]);
  });

  it('a transaction that fails publishes nothing: of two decisions at once on one step, one is recorded and published', async () => {
    const submitted = await post('E1075', '/requests', health);
    expect(submitted.status, submitted.text).toBe(201);
    const id: string = submitted.body.id;
    const step = await waiting(id, 'E1075', 0);
    const twice = await Promise.all([0, 1].map(() => post(step.approverId, `/approvals/${id}/decision`, { decision: 'approve' })));
    expect(twice.map((answer) => answer.status).sort()).toEqual([200, 409]);
    await waiting(id, 'E1075', 1);
    // A later change of the same request: whatever the failed one might have published would come before it.
    expect((await post('E1075', `/requests/${id}/withdraw`, { reason: '다시 청구' })).status).toBe(200);
    expect(typesOf(await publishedUpTo(id, 'RequestWithdrawn'), id)).toEqual(['RequestSubmitted', 'StepDecided', 'RequestWithdrawn']);
  });

  it('a bus that is down loses nothing: the events wait in the outbox and go, in order, once it is back', async () => {
    await writeFile(join(eventsDir(), '.unavailable'), '');
    let id = '';
    try {
      const submitted = await post('E1035', '/requests', health);
      expect(submitted.status, submitted.text).toBe(201);
      id = submitted.body.id;
      expect((await post('E1035', `/requests/${id}/withdraw`, { reason: '다시 청구' })).status).toBe(200);
      await new Promise((done) => setTimeout(done, 2_500)); // the stream is retried every second meanwhile
      expect(typesOf(await published(), id)).toEqual([]);
    } finally {
      await rm(join(eventsDir(), '.unavailable'), { force: true });
    }
    expect(typesOf(await publishedUpTo(id, 'RequestWithdrawn'), id)).toEqual(['RequestSubmitted', 'RequestWithdrawn']);
  });

  it('the logs follow a claim from the API through its workflow to its emails, and hold no personal data; the metrics are there', async () => {
    const { lines, entries, metrics } = await functionLog();
    const logs = entries.filter((entry) => !('_aws' in entry));
    // The claim's own lines: its submission, its workflow's tasks (with the execution), the decisions, the emails.
    const claim = logs.filter((entry) => entry['correlation_id'] === ids['health']);
    const functions = new Set(claim.map((entry) => String(entry['function_name']).replace(/[0-9A-F]{8}$/, '')));
    expect([...functions]).toEqual(
      expect.arrayContaining(['ApiSubmitRequest', 'ApprovalTasksRequestDecision', 'ApprovalTasksFinalize', 'ApiDecideApproval']),
    );
    expect(
      claim
        .filter((entry) => String(entry['function_name']).startsWith('ApprovalTasks'))
        .every((entry) => String(entry['execution_name']).startsWith(`${ids['health']}-`)),
    ).toBe(true);
    expect(claim.some((entry) => entry['message'] === 'mail sent')).toBe(true);
    expect(logs.every((entry) => ['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(String(entry['level'])))).toBe(true);
    // Nothing personal: no name or address of anyone in the directory, no clinic, no reason, no health amount.
    const text = lines.join('\n');
    for (const secret of [
      '한빛검진센터',
      '한빛여성의원',
      'ivf',
      '중복 청구',
      '다시 청구',
      ...seedNames,
      ...seedDirectory.people.map((person) => person.email),
    ])
      expect(text).not.toContain(secret);
    const amounts = new Set([300_000, 1_000_000, 450_000]);
    const values = (value: unknown): unknown[] => (value !== null && typeof value === 'object' ? Object.values(value).flatMap(values) : [value]);
    expect(logs.flatMap(values).filter((value) => amounts.has(value as number) || /\b(300|450|1,?000),?000\b/.test(String(value)))).toEqual([]);
    // Metrics (EMF): in the stage's namespace, with their dimensions.
    expect(new Set(metrics.map((metric) => metric.namespace))).toEqual(new Set(['Approvals/local']));
    const total = (name: string, dimensions: Record<string, string>, of = metrics) =>
      of
        .filter(
          (metric) =>
            metric.name === name && Object.entries({ service: 'approvals', ...dimensions }).every(([key, value]) => metric.dimensions[key] === value),
        )
        .reduce((sum, metric) => sum + metric.value, 0);
    expect(total('RequestsSubmitted', { kind: 'health-checkup' })).toBe(4);
    expect(total('RequestsSubmitted', { kind: 'infertility-treatment' })).toBe(1);
    expect(total('RequestsDecided', { kind: 'health-checkup', outcome: 'approved' })).toBe(1);
    expect(total('RequestsDecided', { kind: 'vehicle-booking', outcome: 'rejected' })).toBe(1);
    expect(total('Decisions', { channel: 'api' })).toBeGreaterThanOrEqual(4);
    // Each event on file was counted once (the count is written as its batch ends).
    await eventually(async () => {
      const counted = total('DomainEventsPublished', {}, (await functionLog()).metrics);
      expect(counted).toBe((await published()).length);
    });
  });

  const tokenOf = async (employeeId: string) => {
    const { tokenFor } = await import('./harness.js');
    return tokenFor(backend, employeeId);
  };
});
