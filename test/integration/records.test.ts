import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { queryAll } from '../../shared/store/query-all.js';
import { seedPerson } from '../fixtures/directory.js';
import { api, eventually, runSchedules, setClock, suiteBackend, tokenFor, waitForEmail } from './harness.js';

/** Records (issue 18) through the local runtime: the policy's version on each request. */
const AUDITOR = 'E1021';
const run = promisify(execFile);
const ADMIN = 'E1024';
const thisYear = new Date().getFullYear();

interface Request {
  id: string;
  status: string;
  policyVersion?: string;
  decisionPolicyVersion?: string;
  registration?: { number: string };
  steps: { index: number; status: string; approverId: string }[];
}

describe('records through the local runtime', () => {
  const backend = suiteBackend();
  const read = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Request;
  const waitingStep = (id: string, as: string) =>
    eventually(async () => {
      const step = (await read(id, as)).steps.find((candidate) => candidate.status === 'waiting');
      if (!step) throw new Error(`${id}: nothing waiting yet`);
      return step;
    });
  /** The stored items of one partition of the backend's table, as DynamoDB holds them. */
  async function tableItems(pk: string): Promise<Record<string, unknown>[]> {
    const runtime = z
      .object({ dynamoDbEndpoint: z.string(), dynamoDbAccessKeyId: z.string().default('local'), tableName: z.string() })
      .parse(JSON.parse(await readFile(join(backend.dataDir, 'runtime.json'), 'utf8')));
    const client = new DynamoDBClient({
      endpoint: runtime.dynamoDbEndpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: runtime.dynamoDbAccessKeyId, secretAccessKey: 'local' },
    });
    try {
      return await queryAll(DynamoDBDocumentClient.from(client), {
        TableName: runtime.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      });
    } finally {
      client.destroy();
    }
  }
  /** A health claim by `as` (checked 15 January this year, at 한빛종합검진센터), submitted: its id. */
  async function submittedClaim(as: string, amountPaid: number): Promise<string> {
    const submitted = await api(backend, 'POST', '/requests', {
      as,
      json: { kind: 'health-checkup', checkupDate: `${thisYear}-01-15`, amountPaid, clinic: '한빛종합검진센터' },
    });
    expect(submitted.status, submitted.text).toBe(201);
    return submitted.body.id as string;
  }
  /** A health claim by `as`, approved through its line by the API. */
  async function approvedClaim(as: string, amountPaid: number): Promise<Request> {
    return approvedThrough(await submittedClaim(as, amountPaid), as);
  }
  /** A health kind's request in review, agreed by its review and its approval. */
  async function approvedThrough(id: string, as: string): Promise<Request> {
    for (let stage = 0; stage < 2; stage++) {
      const step = await waitingStep(id, as);
      expect((await api(backend, 'POST', `/approvals/${id}/decision`, { as: step.approverId, json: { decision: 'approve' } })).status).toBe(200);
    }
    return eventually(async () => {
      const current = await read(id, as);
      if (current.status !== 'approved') throw new Error(`${id} is ${current.status}`);
      return current;
    });
  }

  it('each request records the version of the policy it was submitted and decided under; GET /policy shows it to admins and auditors only', async () => {
    const policy = await api(backend, 'GET', '/policy', { as: AUDITOR });
    expect(policy.status, policy.text).toBe(200);
    expect(policy.body.version).toMatch(/^[0-9a-f]{16}$/);
    expect(policy.body.policy.kinds['health-checkup'].retentionYears).toBe(5);
    expect((await api(backend, 'GET', '/policy', { as: ADMIN })).body.version).toBe(policy.body.version);
    const refused = await api(backend, 'GET', '/policy', { as: 'E1034' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('감사 담당자');

    const claim = await approvedClaim('E1034', 210_000);
    expect(claim.policyVersion).toBe(policy.body.version);
    expect(claim.decisionPolicyVersion).toBe(policy.body.version);
    expect(claim.registration?.number).toMatch(/^총무과-\d+$/);
    // The version a request names reads back as its rules; one never in force is not found.
    const named = await api(backend, 'GET', `/policy?version=${claim.decisionPolicyVersion}`, { as: AUDITOR });
    expect(named.body).toEqual({ ...policy.body, current: true });
    const unknown = await api(backend, 'GET', '/policy?version=0123456789abcdef', { as: AUDITOR });
    expect([unknown.status, unknown.body.message]).toEqual([404, '정책 버전 0123456789abcdef을(를) 찾을 수 없습니다.']);
    const malformed = await api(backend, 'GET', '/policy?version=latest', { as: AUDITOR });
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues[0].path).toBe('version');
  });

  it('the auditor finds decisions across requests by Seoul date, kind, approver, 전결/대결 and status, page by page, and exports them as CSV', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
    const search = (query: Record<string, string>, as = AUDITOR) =>
      api(backend, 'GET', `/audit/requests?${new URLSearchParams({ from: today, to: today, ...query })}`, { as });
    // A claim decided by the team leader (전결), one by their deputy (대결), a booking refused for good.
    const plain = await approvedClaim('E1035', 220_000);
    expect(
      (await api(backend, 'PUT', '/delegations', { as: 'E1015', json: { deputyId: 'E1019', from: today, to: today, reason: '연가' } })).status,
    ).toBe(200);
    const deputised = await approvedClaim('E1036', 230_000);
    await api(backend, 'DELETE', `/delegations/${today}`, { as: 'E1015' });
    const booking = await api(backend, 'POST', '/requests', {
      as: 'E1039',
      json: {
        kind: 'vehicle-booking',
        vehicleClass: 'passenger-mid',
        from: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        to: new Date(Date.now() + 3 * 86_400_000 + 3 * 3_600_000).toISOString(),
        purpose: '현장 점검',
        destination: '관내',
        passengers: 2,
      },
    });
    expect(booking.status, booking.text).toBe(201);
    const leaderStep = await waitingStep(booking.body.id, 'E1039');
    expect(
      (
        await api(backend, 'POST', `/approvals/${booking.body.id}/decision`, {
          as: leaderStep.approverId,
          json: { decision: 'reject', comment: '일정 중복' },
        })
      ).status,
    ).toBe(200);
    await eventually(async () => expect((await read(booking.body.id, 'E1039')).status).toBe('rejected'));

    const ids = (response: { body: { items: { requestId: string }[] } }) => response.body.items.map((item) => item.requestId);
    const all = await search({});
    expect(all.status, all.text).toBe(200);
    expect(ids(all)).toEqual(expect.arrayContaining([plain.id, deputised.id, booking.body.id]));
    const deputisedItem = all.body.items.find((item: { requestId: string }) => item.requestId === deputised.id);
    expect(deputisedItem).toMatchObject({
      kind: 'health-checkup',
      requesterName: '(건강 정보: 비공개)',
      registrationNumber: expect.stringMatching(/^총무과-/),
    });
    expect(deputisedItem.decisions.at(-1)).toMatchObject({ approverId: 'E1019', actingForId: 'E1015', markers: ['전결', '대결'] });
    expect(JSON.stringify(all.body)).not.toContain('한빛종합검진센터');
    expect(ids(await search({ decidedAs: '대결' }))).toEqual([deputised.id]);
    expect(ids(await search({ approverId: 'E1015', kind: 'health-checkup' }))).toEqual(expect.arrayContaining([plain.id, deputised.id]));
    expect(ids(await search({ status: 'rejected' }))).toEqual([booking.body.id]);
    expect(ids(await search({ departmentId: 'traffic-admin' }))).toEqual([booking.body.id]);
    const delegated = ids(await search({ decidedAs: '전결' }));
    expect(delegated).toEqual(expect.arrayContaining([plain.id, deputised.id]));
    expect(delegated).not.toContain(booking.body.id); // refused at its review: no 전결
    const unknownStatus = await search({ status: 'done' });
    expect(unknownStatus.status).toBe(400);
    expect(unknownStatus.body.issues).toEqual([{ path: 'status', message: expect.stringContaining('상태(status)는 다음 중 하나') }]);
    expect(ids(await search({ kind: 'vaccination' }))).toEqual([]);
    // Page by page: every one exactly once, in order, then no token.
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const page = await search({ limit: '1', ...(token ? { nextToken: token } : {}) });
      expect(page.status, page.text).toBe(200);
      seen.push(...ids(page));
      token = page.body.nextToken;
    } while (token);
    expect(seen).toEqual(ids(all));
    // Refused: not an auditor; a range backwards or over a year; a token that was never given.
    expect((await search({}, 'E1034')).status).toBe(403);
    expect((await search({ from: today, to: '2000-01-01' })).body.issues[0].path).toBe('to');
    expect((await search({ from: '2024-01-01', to: '2026-12-31' })).status).toBe(400);
    expect((await search({ nextToken: 'bm90IGEgdG9rZW4' })).body.issues[0].path).toBe('nextToken');

    // The CSV: BOM, CRLF, the Korean header, one row per decision.
    const csv = await fetch(`${backend.apiUrl}/audit/decisions.csv?from=${today}&to=${today}`, {
      headers: { authorization: `Bearer ${await tokenFor(backend, AUDITOR)}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('문서번호,종류,부서,결재자,대결/전결,결정,일시,채널');
    expect(bytes.subarray(3).toString('utf8').replaceAll('\r\n', '')).not.toContain('\n');
    const deputisedRows = lines.filter((line) => line.startsWith(`${deputised.registration?.number},`));
    expect(deputisedRows).toHaveLength(2); // the review and the 전결
    const deputyRow = deputisedRows.find((line) => line.includes('대결'));
    expect(deputyRow).toContain(`(${seedPerson('E1015').name} 대결)`);
    expect(deputyRow).toContain('전결·대결');
    expect(deputyRow).toContain(',승인,');
    expect(lines.some((line) => line.includes(',반려,'))).toBe(true);

    // One request: read-only, its health content withheld unless a purpose is stated (and recorded).
    const bare = await api(backend, 'GET', `/requests/${plain.id}`, { as: AUDITOR });
    expect(bare.status, bare.text).toBe(200);
    expect(bare.body.details).toEqual({ withheld: true, reason: expect.stringContaining('purpose') });
    expect(bare.text).not.toContain('한빛종합검진센터');
    // Nor who claimed: the requester is not named, in the request or its record (the approvers are).
    expect(bare.body.requesterName).toBe('(건강 정보: 비공개)');
    for (const who of ['E1035', seedPerson('E1035').name]) expect(bare.text).not.toContain(who);
    const stated = await api(backend, 'GET', `/requests/${plain.id}?purpose=${encodeURIComponent('2026년 복지 감사 표본 점검')}`, { as: AUDITOR });
    expect(stated.body.details.clinic).toBe('한빛종합검진센터');
    const views = (stated.body.history as { action: string; actorId: string; comment?: string }[]).filter(
      (event) => event.action === 'viewed' && event.actorId === AUDITOR,
    );
    expect(views.map((event) => event.comment)).toEqual(['감사 열람 (건강 정보 비공개)', '감사 열람: 2026년 복지 감사 표본 점검']);
    expect((await api(backend, 'POST', `/requests/${plain.id}/comments`, { as: AUDITOR, json: { text: '확인' } })).status).toBe(404);
    // The record without a purpose does not name the requester either; the approvers it does.
    const record = await api(backend, 'GET', `/requests/${plain.id}/history`, { as: AUDITOR });
    expect(record.text).not.toContain(seedPerson('E1035').name);
    expect(record.body.events.find((event: { action: string }) => event.action === 'submitted').actorName).toBe('(건강 정보: 비공개)');
    expect(record.text).toContain(seedPerson('E1015').name);
  });

  it('the access log holds every read across requests with its ground, flags reads outside the usual scope, and the privacy officer gets the monthly check', async () => {
    const PRIVACY_OFFICER = 'E1025';
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
    const submitted = await api(backend, 'POST', '/requests', {
      as: 'E1037',
      json: {
        kind: 'infertility-treatment',
        treatmentDate: `${thisYear}-01-20`,
        amountPaid: 1_240_000,
        clinic: '한빛여성의원',
        treatmentType: 'ivf-frozen-embryo',
      },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;
    const reviewer = (await waitingStep(id, 'E1037')).approverId;
    const otherOfficer = ['E1016', 'E1017', 'E1018'].find((officer) => officer !== reviewer) ?? '';
    expect((await api(backend, 'GET', `/requests/${id}`, { as: reviewer })).status).toBe(200); // on its line
    expect((await api(backend, 'GET', `/requests/${id}`, { as: otherOfficer })).status).toBe(200); // by role only
    expect((await api(backend, 'GET', `/requests/${id}?purpose=${encodeURIComponent('표본 감사')}`, { as: AUDITOR })).status).toBe(200);
    expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1037' })).status).toBe(200); // the requester: not a logged read
    // The 결재문서 and a document: read by someone on its line, never by an outsider; by an auditor only for a
    // stated purpose, as the request is — refused without one, and a refused read is not a read.
    const get = async (path: string, as: string) => {
      const response = await fetch(`${backend.apiUrl}/requests/${id}${path}`, {
        headers: { authorization: `Bearer ${await tokenFor(backend, as)}` },
        redirect: 'manual',
      });
      return { status: response.status, text: await response.text() };
    };
    const receipt = (submitted.body.attachments as { id: string; documentType: string }[]).find((file) => file.documentType === 'receipt');
    const purpose = `?purpose=${encodeURIComponent('표본 감사')}`;
    expect((await get('/document', reviewer)).status).toBe(200);
    expect((await get('/document', 'E1052')).status).toBe(404);
    const refusedDocument = await get('/document', AUDITOR);
    expect(refusedDocument.status).toBe(403);
    expect(refusedDocument.text).toContain('purpose');
    const refusedFile = await get(`/attachments/${receipt?.id}`, AUDITOR);
    expect(refusedFile.status).toBe(403);
    expect(JSON.parse(refusedFile.text).message).toContain('purpose');
    expect((await get(`/document${purpose}`, AUDITOR)).status).toBe(200);
    expect((await get(`/attachments/${receipt?.id}${purpose}`, AUDITOR)).status).toBe(303);
    const viewed = ((await api(backend, 'GET', `/requests/${id}/history`, { as: 'E1037' })).body.events as Record<string, unknown>[]).filter(
      (event) => event['action'] === 'viewed',
    );
    expect(viewed.map((event) => [event['actorId'], event['target'], event['comment']])).toEqual([
      [reviewer, 'request', undefined],
      [otherOfficer, 'request', undefined],
      [AUDITOR, 'request', '감사 열람: 표본 감사'],
      [reviewer, 'document', undefined],
      [AUDITOR, 'document', '감사 열람: 표본 감사'],
      [AUDITOR, 'attachment', '감사 열람: 표본 감사'],
    ]);

    const log = async (as: string, query: Record<string, string> = {}) =>
      api(backend, 'GET', `/audit/access-log?${new URLSearchParams({ from: today, to: today, ...query })}`, { as });
    expect((await log('E1034')).status).toBe(403);
    const page = await log(PRIVACY_OFFICER, { limit: '500' });
    expect(page.status, page.text).toBe(200);
    const mine = (
      page.body.items as { requestId: string; readerId: string; scope: string; target: string; flagged?: string; purpose?: string }[]
    ).filter((entry) => entry.requestId === id);
    expect(mine.map((entry) => [entry.readerId, entry.scope, entry.target])).toEqual([
      [reviewer, 'line', 'request'],
      [otherOfficer, 'role', 'request'],
      [AUDITOR, 'audit', 'request'],
      [reviewer, 'line', 'document'],
      [AUDITOR, 'audit', 'document'],
      [AUDITOR, 'audit', 'attachment'],
    ]);
    expect(mine[5]).toMatchObject({ purpose: '표본 감사', documentType: 'receipt' });
    expect(mine[1]?.flagged).toContain('결재선에 없는');
    expect(mine[2]).toMatchObject({ purpose: '표본 감사', flagged: expect.stringContaining('표본 감사') });
    expect(mine[0]?.flagged).toBeUndefined();
    // The auditor reads it too; as CSV for the whole range.
    const csv = await fetch(`${backend.apiUrl}/audit/access-log?from=${today}&to=${today}&format=csv`, {
      headers: { authorization: `Bearer ${await tokenFor(backend, AUDITOR)}` },
    });
    const text = Buffer.from(await csv.arrayBuffer());
    expect([...text.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.subarray(3).toString('utf8').split('\r\n')[0]).toBe('일시,열람자,요청 번호,종류,경로,열람 근거,대상,목적,점검 대상');
    expect(text.toString('utf8')).toContain(`${id},난임치료 시술비 지원,API,담당 역할,요청,,예`);
    expect(text.toString('utf8')).toContain(`${id},난임치료 시술비 지원,API,감사,결재문서,표본 감사,예`);
    expect(text.toString('utf8')).toContain(`${id},난임치료 시술비 지원,API,감사,서류(receipt),표본 감사,예`);

    // The 1st of next month: the privacy officer gets last month's summary.
    const firstOfNext = new Date(`${today.slice(0, 7)}-01T10:00:00+09:00`);
    firstOfNext.setUTCMonth(firstOfNext.getUTCMonth() + 1);
    await setClock(backend, firstOfNext);
    expect((await runSchedules(backend)).every((run) => run.ok)).toBe(true);
    const check = await waitForEmail(backend, seedPerson(PRIVACY_OFFICER).email, '[접속기록 점검]');
    expect(check.subject).toContain(today.slice(0, 7));
    expect(check.text).toContain(`${seedPerson(otherOfficer).name} (${otherOfficer})`);
    expect(check.text).toContain(`${id}: 결재선에 없는 담당 역할의 열람`);
    expect(check.text).not.toContain('한빛여성의원');
  });

  it('보존기간 and 파기: a paid health claim keeps everything until 1 January five years after the year it closed, then loses what is personal and nothing else', async () => {
    const FINANCE = 'E1029';
    const claim = await approvedClaim('E1041', 260_000);
    const id = claim.id;
    expect((await api(backend, 'POST', `/requests/${id}/comments`, { as: 'E1041', json: { text: '검진 결과 이상 소견 없음' } })).status).toBe(201);
    // Another claim returned in its first round — its review skipped with a reason, its 반려 with one —
    // and approved in its second: the resubmission keeps round 1's steps, words and all, in the history.
    const roundOne = { skipReason: '검토자 병가로 1차 검토 생략', rejection: '1차 반려: 영수증 금액이 검진비와 다릅니다' };
    const twiceId = await submittedClaim('E1043', 270_000);
    const review = await waitingStep(twiceId, 'E1043');
    const skipped = await api(backend, 'POST', `/approvals/${twiceId}/skip`, {
      as: 'E1043',
      json: { stepIndex: review.index, reason: roundOne.skipReason },
    });
    expect(skipped.status, skipped.text).toBe(200);
    const approver = await eventually(async () => {
      const step = (await read(twiceId, 'E1043')).steps.find((candidate) => candidate.status === 'waiting' && candidate.index !== review.index);
      if (!step) throw new Error(`${twiceId}: the approval is not waiting yet`);
      return step;
    });
    const returned = await api(backend, 'POST', `/approvals/${twiceId}/decision`, {
      as: approver.approverId,
      json: { decision: 'reject', comment: roundOne.rejection },
    });
    expect(returned.status, returned.text).toBe(200);
    await eventually(async () => expect((await read(twiceId, 'E1043')).status).toBe('returned'));
    expect((await api(backend, 'POST', `/requests/${twiceId}/resubmit`, { as: 'E1043', json: {} })).status).toBe(200);
    await approvedThrough(twiceId, 'E1043');
    const snapshotText = JSON.stringify(
      (await api(backend, 'GET', `/requests/${twiceId}`, { as: 'E1043' })).body.history.find(
        (event: { action: string }) => event.action === 'resubmitted',
      ),
    );
    expect(snapshotText).toContain(roundOne.skipReason);
    expect(snapshotText).toContain(roundOne.rejection);
    /** What an auditor without a purpose reads of the two-round claim, and what its requester reads. */
    const roundOneReadable = async (as: string) => {
      const texts = [
        (await api(backend, 'GET', `/requests/${twiceId}`, { as })).text,
        (await api(backend, 'GET', `/requests/${twiceId}/history`, { as })).text,
      ];
      return Object.values(roundOne).filter((words) => texts.some((text) => text.includes(words)));
    };
    expect(await roundOneReadable(AUDITOR)).toEqual([]);

    // A vaccination claim: its ledger of one vaccine a day is keyed by the vaccine.
    const vaccination = await api(backend, 'POST', '/requests', {
      as: 'E1044',
      json: { kind: 'vaccination', vaccine: 'hepatitis-b', vaccinationDate: `${thisYear}-01-15`, amountPaid: 60_000, clinic: '한빛내과의원' },
    });
    expect(vaccination.status, vaccination.text).toBe(201);
    const vaccinationId = vaccination.body.id as string;
    await approvedThrough(vaccinationId, 'E1044');
    const vaccineLedgers = async () =>
      (await tableItems('LEDGER#E1044')).map((item) => String(item['sk'])).filter((key) => key.startsWith('vaccination#'));
    expect(await vaccineLedgers()).toEqual([`vaccination#${thisYear}`, `vaccination#hepatitis-b#${thisYear}-01-15`]);

    // A claim returned (반려) that its requester never takes up again: it must close some day, or its
    // retention would never start and its clinic and receipt would be kept for good.
    const leftId = await submittedClaim('E1045', 150_000);
    const leftStep = await waitingStep(leftId, 'E1045');
    expect(
      (
        await api(backend, 'POST', `/approvals/${leftId}/decision`, {
          as: leftStep.approverId,
          json: { decision: 'reject', comment: '영수증 재첨부' },
        })
      ).status,
    ).toBe(200);
    await eventually(async () => expect((await read(leftId, 'E1045')).status).toBe('returned'));
    // Its requester is told, with the 반려, how long it will wait.
    expect((await waitForEmail(backend, seedPerson('E1045').email, '[결재 결과]')).text).toContain(
      `${officePolicy.approvals.abandonAfterDays}일 동안 아무 조치가 없으면 자동으로 철회됩니다`,
    );

    const paid = await api(backend, 'POST', '/finance/payments', { as: FINANCE, json: { requestIds: [id, twiceId, vaccinationId] } });
    expect(paid.body.paid).toHaveLength(3);
    const before = (await api(backend, 'GET', `/requests/${id}`, { as: 'E1041' })).body;
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date(before.payment.paidAt)).slice(0, 7);
    const totals = async () => (await api(backend, 'GET', `/finance/monthly-totals?month=${month}`, { as: FINANCE })).body;
    const totalsBefore = await totals();
    const closedYear = Number(month.slice(0, 4));

    // The last hour of the fifth year after: still kept.
    await setClock(backend, new Date(`${closedYear + 5}-12-31T23:00:00+09:00`));
    await runSchedules(backend);
    expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1041' })).body.details.clinic).toBe('한빛종합검진센터');
    // The returned claim, untouched for longer than the policy's days, was withdrawn by the sweep and its
    // requester told: it is closed now, so its own retention runs from this year.
    const abandoned = await api(backend, 'GET', `/requests/${leftId}`, { as: 'E1045' });
    expect(abandoned.body.status).toBe('withdrawn');
    expect(abandoned.body.history.at(-1)).toMatchObject({
      action: 'withdrawn',
      actorId: 'system',
      comment: expect.stringContaining('자동으로 철회'),
    });
    expect((await waitForEmail(backend, seedPerson('E1045').email, '[자동 철회]')).text).toContain('자동으로 철회');

    // 1 January: destroyed — the clinic, the receipt's file and name, the words in its history.
    await setClock(backend, new Date(`${closedYear + 6}-01-01T00:30:00+09:00`));
    expect((await runSchedules(backend)).every((run) => run.ok)).toBe(true);
    const after = await api(backend, 'GET', `/requests/${id}`, { as: 'E1041' });
    expect(after.status, after.text).toBe(200);
    expect(after.body.details).toEqual({ checkupDate: before.details.checkupDate, amountPaid: 260_000 });
    expect(after.body.destroyed).toMatchObject({ fields: ['clinic'], documents: 1, words: true, rule: expect.stringContaining('보존기간 5년') });
    expect(after.body).toMatchObject({ status: 'paid', reimbursableAmount: before.reimbursableAmount, registration: before.registration });
    expect(after.body.attachments[0].fileName).toBe('(파기됨)');
    const file = await api(backend, 'GET', `/requests/${id}/attachments/${before.attachments[0].id}`, { as: 'E1041' });
    expect(file.status).toBe(404);
    expect(file.body.message).toContain('파기된 서류');
    const events = after.body.history as { action: string; comment?: string }[];
    expect(events.find((event) => event.action === 'commented')?.comment).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ action: 'destroyed', comment: expect.stringContaining('개인정보 보호법 제21조') });
    expect(after.text).not.toContain('한빛종합검진센터');
    expect(after.text).not.toContain('이상 소견');
    // Nothing new is written on it afterwards: a comment would outlive the destruction.
    const late = await api(backend, 'POST', `/requests/${id}/comments`, { as: 'E1041', json: { text: '재검진 예정' } });
    expect([late.status, late.body.message]).toEqual([409, '보존기간이 끝나 파기된 요청에는 의견을 남길 수 없습니다.']);
    // The vaccine is gone from the vaccination's stored request and from its requester's ledgers (their period ended years ago).
    const storedVaccination = await tableItems(`REQUEST#${vaccinationId}`);
    expect(storedVaccination.find((item) => item['sk'] === 'META')).toMatchObject({ details: { amountPaid: 60_000 }, destroyed: expect.anything() });
    expect(JSON.stringify(storedVaccination)).not.toContain('hepatitis-b');
    expect(await vaccineLedgers()).toEqual([]);
    // Nothing anyone wrote in round 1 of the other claim survives either: not for its requester, not for an auditor.
    expect(await roundOneReadable('E1043')).toEqual([]);
    expect(await roundOneReadable(AUDITOR)).toEqual([]);
    // The 파기 대장 has the line, nothing personal in it; only auditors and the privacy officer read it.
    const register = await api(backend, 'GET', `/audit/destructions?year=${closedYear + 6}`, { as: 'E1025' });
    expect(register.status, register.text).toBe(200);
    expect(register.body.items).toContainEqual(
      expect.objectContaining({ requestId: id, registrationNumber: before.registration.number, fields: ['clinic'], documents: 1, words: true }),
    );
    expect(register.text).not.toContain('한빛종합검진센터');
    expect((await api(backend, 'GET', `/audit/destructions?year=${closedYear + 6}`, { as: 'E1041' })).status).toBe(403);
    expect((await api(backend, 'GET', '/audit/destructions?year=20x1', { as: AUDITOR })).body.issues[0].path).toBe('year');
    // What is not personal stays exact: the month's totals, the 결재문서, the audit record.
    expect(await totals()).toEqual(totalsBefore);
    // …and re-summing the month's events (the finance CLI's reconciliation) still finds no difference.
    const reconciled = await run(process.execPath, ['--import', 'tsx', 'infra/local/finance-cli.ts', 'reconcile', '--month', month], {
      env: { ...process.env, DATA_DIR: backend.dataDir },
    });
    expect(JSON.parse(reconciled.stdout)).toMatchObject({ month, differences: [] });
    const document = await fetch(`${backend.apiUrl}/requests/${id}/document`, {
      headers: { authorization: `Bearer ${await tokenFor(backend, 'E1041')}` },
    });
    expect(document.status).toBe(200);
    const html = await document.text();
    expect(html).toContain(before.registration.number);
    expect(html).toContain('파기');
    expect(html).not.toContain('한빛종합검진센터');
  });
});
