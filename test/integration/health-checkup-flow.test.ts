import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { directorySnapshotSchema } from '../../shared/directory/directory.js';
import {
  api,
  decisionLinkIn,
  eventually,
  newDataDir,
  postForm,
  type RunningBackend,
  removeDataDir,
  startInProcess,
  suiteBackend,
  waitForEmail,
} from './harness.js';

const directory = directorySnapshotSchema.parse(JSON.parse(readFileSync(new URL('../../infra/local/seed/directory.json', import.meta.url), 'utf8')));
const person = (id: string) => {
  const found = directory.people.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`seed has no ${id}`);
  return found;
};
const welfareLeader = person('E1015');
const welfareOfficerIds = ['E1016', 'E1017', 'E1018'];
const thisYear = new Date().getFullYear();
const checkupDate = `${thisYear}-01-15`;
const seen = new Set<string>();

async function submit(backend: RunningBackend, as: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api(backend, 'POST', '/requests', {
    as,
    json: { kind: 'health-checkup', checkupDate, amountPaid: 420_000, clinic: '한빛종합검진센터', ...body },
    headers,
  });
}

async function linkFor(backend: RunningBackend, approverId: string, requestId: string) {
  const mail = await waitForEmail(backend, person(approverId).email, requestId, seen);
  return { mail, link: decisionLinkIn(mail) };
}

describe('health-checkup reimbursement through the local runtime', () => {
  const backend = suiteBackend();

  it('refuses callers without a valid token', async () => {
    expect((await api(backend, 'GET', '/requests')).status).toBe(401);
    const forged = await fetch(`${backend.apiUrl}/requests`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJFMTAzNCJ9.' } });
    expect(forged.status).toBe(401);
  });

  it('explains invalid input in Korean, field by field', async () => {
    const response = await submit(backend, 'E1035', { amountPaid: 12.5, checkupDate: '2026-13-40' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/입력값이 올바르지 않습니다/);
    expect(response.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['amountPaid', 'checkupDate']);
    const unknownKind = await api(backend, 'POST', '/requests', { as: 'E1035', json: { kind: 'sabbatical' } });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.issues[0].path).toBe('kind');
  });

  it('review then approval: the email link page changes nothing, the form decides once', async () => {
    const submitted = await submit(backend, 'E1034');
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ kind: 'health-checkup', status: 'in-review', requesterId: 'E1034', reimbursableAmount: 400_000 });
    const id: string = submitted.body.id;
    const reviewerId: string = submitted.body.steps[0].approverId;
    expect(welfareOfficerIds).toContain(reviewerId);
    expect(submitted.body.steps[1].approverId).toBe(welfareLeader.id);

    const { mail, link } = await linkFor(backend, reviewerId, id);
    expect(mail.subject).toContain('[검토 요청] 건강검진비 지원');
    expect(mail.text).not.toContain('한빛종합검진센터'); // no health details in email
    expect(mail.html).toContain('검토하기');

    const before = await api(backend, 'GET', `/requests/${id}`, { as: 'E1034' });
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('한빛종합검진센터');
    expect(html).toContain('<form method="post"');
    await fetch(link); // a mail scanner fetching again
    const after = await api(backend, 'GET', `/requests/${id}`, { as: 'E1034' });
    expect(after.body.steps).toEqual(before.body.steps);
    expect(after.body.status).toBe('in-review');

    expect((await postForm(link, { decision: 'approve', comment: '영수증 확인' })).status).toBe(200);
    const second = await postForm(link, { decision: 'approve' });
    expect(second.status).toBe(409);
    expect(second.text).toContain('이미 처리된 결재입니다');

    const { link: leaderLink } = await linkFor(backend, welfareLeader.id, id);
    expect((await postForm(leaderLink, { decision: 'approve' })).status).toBe(200);
    const outcome = await waitForEmail(backend, person('E1034').email, id, seen);
    expect(outcome.subject).toContain('승인');
    expect(outcome.text).toContain('400,000원');

    const final = await api(backend, 'GET', `/requests/${id}`, { as: 'E1034' });
    expect(final.body.status).toBe('approved');
    expect(final.body.steps.map((step: { status: string; decidedBy: string }) => [step.status, step.decidedBy])).toEqual([
      ['approved', reviewerId],
      ['approved', welfareLeader.id],
    ]);
    const actions = final.body.history.map((event: { action: string }) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['submitted', 'routed', 'notified', 'viewed', 'decided', 'approved']));
    const viewed = final.body.history.filter((event: { action: string }) => event.action === 'viewed');
    expect(viewed.every((event: { actorId: string }) => event.actorId === reviewerId || event.actorId === welfareLeader.id)).toBe(true);
  });

  it('a second claim in the same year is refused; other people cannot see a claim', async () => {
    const first = await submit(backend, 'E1036');
    expect(first.status).toBe(201);
    const again = await submit(backend, 'E1036', { clinic: '다른 병원' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`${thisYear}년 건강검진비 지원은(는) 이미 청구하셨습니다`);
    expect(again.body.message).toContain(first.body.id);
    expect((await api(backend, 'GET', `/requests/${first.body.id}`, { as: 'E1033' })).status).toBe(404); // own team leader
    const reviewer = first.body.steps[0].approverId;
    const asReviewer = await api(backend, 'GET', `/requests/${first.body.id}`, { as: reviewer });
    expect(asReviewer.status).toBe(200);
    const history = (await api(backend, 'GET', `/requests/${first.body.id}`, { as: 'E1036' })).body.history;
    expect(history).toContainEqual(expect.objectContaining({ action: 'viewed', actorId: reviewer, channel: 'api' }));
  });

  it('반려 needs a comment; the comment reaches the requester, whose claim keeps its place until withdrawn', async () => {
    const submitted = await submit(backend, 'E1075', { amountPaid: 300_000 });
    const id: string = submitted.body.id;
    const { link } = await linkFor(backend, submitted.body.steps[0].approverId, id);
    const noComment = await postForm(link, { decision: 'reject', comment: '  ' });
    expect(noComment.status).toBe(400);
    expect(noComment.text).toContain('반려할 때는 의견을 반드시 입력해야 합니다');
    expect((await postForm(link, { decision: 'reject', comment: '영수증 사본이 필요합니다' })).status).toBe(200);
    const outcome = await waitForEmail(backend, person('E1075').email, id, seen);
    expect(outcome.subject).toContain('반려');
    expect(outcome.text).toContain('영수증 사본이 필요합니다');
    const final = await api(backend, 'GET', `/requests/${id}`, { as: 'E1075' });
    expect(final.body.status).toBe('returned');
    // Returned to be revised, it still holds the year's one claim; withdrawn, it gives the place back.
    expect((await submit(backend, 'E1075', { amountPaid: 310_000 })).status).toBe(409);
    expect((await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1075', json: { reason: '새로 제출' } })).status).toBe(200);
    expect((await submit(backend, 'E1075', { amountPaid: 310_000 })).status).toBe(201);
  });

  it('withdrawal cancels the workflow and kills the link', async () => {
    const submitted = await submit(backend, 'E1076');
    const id: string = submitted.body.id;
    const { link } = await linkFor(backend, submitted.body.steps[0].approverId, id);
    expect((await api(backend, 'POST', `/requests/${id}/withdraw`, { as: submitted.body.steps[0].approverId })).status).toBe(403);
    const withdrawn = await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1076', json: { reason: '금액 오기' } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await fetch(link)).status).toBe(409);
    expect((await postForm(link, { decision: 'approve' })).status).toBe(409);
    const final = await api(backend, 'GET', `/requests/${id}`, { as: 'E1076' });
    expect(final.body.status).toBe('withdrawn');
    expect(final.body.history).toContainEqual(expect.objectContaining({ action: 'withdrawn', comment: '금액 오기' }));
    expect((await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1076' })).status).toBe(409);
  });

  it('a retried POST with the same Idempotency-Key returns the first request', async () => {
    const key = `retry-${Date.now()}`;
    const first = await submit(backend, 'E1077', {}, { 'idempotency-key': key });
    const retry = await submit(backend, 'E1077', {}, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const mine = await api(backend, 'GET', '/requests', { as: 'E1077' });
    expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual([first.body.id]);
    const changed = await submit(backend, 'E1077', { amountPaid: 1 }, { 'idempotency-key': key });
    expect(changed.status).toBe(422);
  });

  it('unknown links are 404 pages', async () => {
    const response = await fetch(`${backend.apiUrl}/decisions/${'x'.repeat(43)}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('결재 링크를 찾을 수 없습니다');
  });
});

describe('restart while a request waits for its approver', () => {
  it('keeps the data and the waiting workflow; the old link still decides', { timeout: 300_000 }, async () => {
    const dataDir = await newDataDir();
    let backend = await startInProcess(dataDir);
    try {
      const submitted = await submit(backend, 'E1035');
      const id: string = submitted.body.id;
      const { link } = await linkFor(backend, submitted.body.steps[0].approverId, id);
      await backend.stop();

      backend = await startInProcess(dataDir);
      const linkNow = `${backend.apiUrl}${new URL(link).pathname}`; // the port may differ between runs
      expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1035' })).body.status).toBe('in-review');
      expect((await postForm(linkNow, { decision: 'approve' })).status).toBe(200);
      const { link: leaderLink } = await linkFor(backend, welfareLeader.id, id);
      expect((await postForm(`${backend.apiUrl}${new URL(leaderLink).pathname}`, { decision: 'approve' })).status).toBe(200);
      await eventually(async () => {
        const final = await api(backend, 'GET', `/requests/${id}`, { as: 'E1035' });
        if (final.body.status !== 'approved') throw new Error(`status ${final.body.status}`);
      });
    } finally {
      await backend.stop();
      await removeDataDir(dataDir);
    }
  });
});
