import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buttonClick, modalSubmission, type OutboxSlackMessage, postSlackInteraction } from '../../infra/local/slack-local.js';
import { seoulDate } from '../../shared/kernel/seoul-time.js';
import { seedPerson } from '../fixtures/directory.js';
import { api, decisionLinkIn, eventually, postForm, type StepView, suiteBackend, waitForEmail } from './harness.js';

/** Slack approvals through the local runtime: Slack calls land in the outbox; clicks are posted signed, as Slack would. */
interface SlackCall extends OutboxSlackMessage {
  file: string;
  view?: { private_metadata: string; callback_id: string };
}
type Claim = { id: string; status: string; steps: (StepView & { channel?: string; comment?: string })[] };

describe('Slack approvals through the local runtime', () => {
  const backend = suiteBackend();
  const slackDir = () => join(backend.dataDir, 'outbox', 'slack');
  const signingSecret = async () => (await readFile(join(backend.dataDir, 'keys', 'slack-signing-secret'), 'utf8')).trim();
  const localNow = async () => new Date(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now);
  const slackCalls = async (): Promise<SlackCall[]> => {
    const files = (await readdir(slackDir())).filter((name) => name.endsWith('.json')).sort();
    return Promise.all(files.map(async (file) => ({ file, ...(JSON.parse(await readFile(join(slackDir(), file), 'utf8')) as OutboxSlackMessage) })));
  };
  const waitForSlack = (predicate: (call: SlackCall) => boolean, what: string) =>
    eventually(async () => {
      const found = (await slackCalls()).find(predicate);
      if (!found) throw new Error(`no Slack ${what} yet`);
      return found;
    });
  /** The DM that asked `employeeId` to decide `requestId`. */
  const dmTo = (employeeId: string, requestId: string) =>
    waitForSlack(
      (call) =>
        call.method === 'chat.postMessage' && call.user === seedPerson(employeeId).slackUserId && JSON.stringify(call.blocks).includes(requestId),
      `DM to ${employeeId} about ${requestId}`,
    );
  const click = async (payload: Record<string, unknown>, overrides: { timestamp?: Date; secret?: string } = {}) =>
    postSlackInteraction({
      apiUrl: backend.apiUrl,
      signingSecret: overrides.secret ?? (await signingSecret()),
      payload,
      now: overrides.timestamp ?? (await localNow()),
    });
  const claim = async (requester: string) => {
    const yesterday = seoulDate(new Date((await localNow()).getTime() - 86_400_000));
    const response = await api(backend, 'POST', '/requests', {
      as: requester,
      json: { kind: 'health-checkup', checkupDate: yesterday, amountPaid: 320_000, clinic: '한빛검진센터' },
    });
    expect(response.status, response.text).toBe(201);
    return response.body as Claim;
  };
  const get = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Claim;
  const LEADER = 'E1015'; // 교육후생팀장: the final approval of a health claim, on Slack in the seed
  /** A claim past its review (decided through the API), waiting for the team leader. */
  const atLeader = async (requester: string) => {
    const request = await claim(requester);
    const reviewer = (await stepWaiting(request.id, requester, 0)).approverId;
    expect((await api(backend, 'POST', `/approvals/${request.id}/decision`, { as: reviewer, json: { decision: 'approve' } })).status).toBe(200);
    await stepWaiting(request.id, requester, 1);
    return request;
  };
  const stepWaiting = (id: string, as: string, index: number) =>
    eventually(async () => {
      const step = (await get(id, as)).steps[index];
      if (step?.status !== 'waiting') throw new Error(`step ${index} of ${id} is ${step?.status}`);
      return step;
    });

  it('approves from Slack: the DM shows no health details, the click decides once, the message then says who decided', async () => {
    const request = await atLeader('E1034');
    const dm = await dmTo(LEADER, request.id);
    const shown = JSON.stringify(dm.blocks);
    for (const detail of ['한빛검진센터', '320,000', '320000']) expect(shown).not.toContain(detail);
    expect(
      dm.blocks
        .filter((block) => block.type === 'actions')
        .flatMap((block) => block.elements ?? [])
        .map((element) => element.action_id),
    ).toEqual(['approve', 'reject', 'supplement', 'open']);

    // Act
    const answer = await click(buttonClick(dm, 'approve'));

    // Assess
    expect(answer.status, answer.text).toBe(200);
    const decided = await eventually(async () => {
      const current = await get(request.id, 'E1034');
      if (current.status !== 'approved') throw new Error(current.status);
      return current;
    });
    expect(decided.steps[1]).toMatchObject({ status: 'approved', channel: 'slack', decidedBy: LEADER });
    const update = await waitForSlack((call) => call.method === 'chat.update' && call.ts === dm.ts, 'update of the DM');
    expect(update.text).toContain('✅ 승인');
    expect(JSON.stringify(update.blocks)).toContain(seedPerson(LEADER).name);
    expect(update.blocks.some((block) => block.type === 'actions')).toBe(false);
    // A second click of the same button decides nothing more.
    expect((await click(buttonClick(dm, 'approve'))).status).toBe(200);
    await waitForSlack(
      (call) => call.method === 'chat.postEphemeral' && call.user === dm.user && call.text.includes('이미 처리된 결재'),
      'ephemeral "already decided"',
    );
  });

  it('rejects from Slack through the comment modal; an empty comment is refused in the modal', async () => {
    const request = await atLeader('E1039');
    const dm = await dmTo(LEADER, request.id);
    expect((await click(buttonClick(dm, 'reject'))).status).toBe(200);
    const modal = await waitForSlack((call) => call.method === 'views.open' && JSON.stringify(call.view).includes(request.id), 'the 반려 modal');
    // Nothing is decided by opening the modal.
    expect((await get(request.id, 'E1039')).steps[1]?.status).toBe('waiting');

    const empty = await click(modalSubmission({ view: modal.view ?? { private_metadata: '', callback_id: '' } }, '   ', dm.user));
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.text)).toEqual({ response_action: 'errors', errors: { comment: '반려할 때는 의견을 반드시 입력해야 합니다' } });

    const submitted = await click(
      modalSubmission({ view: modal.view ?? { private_metadata: '', callback_id: '' } }, '영수증 사본이 필요합니다 — 다시 올려 주세요', dm.user),
    );
    expect([submitted.status, submitted.text]).toEqual([200, '']);
    const returned = await eventually(async () => {
      const current = await get(request.id, 'E1039');
      if (current.status !== 'returned') throw new Error(current.status);
      return current;
    });
    expect(returned.steps[1]).toMatchObject({ status: 'rejected', channel: 'slack', comment: '영수증 사본이 필요합니다 — 다시 올려 주세요' });
    const update = await waitForSlack((call) => call.method === 'chat.update' && call.ts === dm.ts, 'update of the DM');
    expect(update.text).toContain('반려');
  });

  it('asks for a supplement from Slack through its modal: the documents ticked, an empty request refused, the message then says so', async () => {
    const request = await atLeader('E1046');
    const dm = await dmTo(LEADER, request.id);
    expect((await click(buttonClick(dm, 'supplement'))).status).toBe(200);
    const modal = await waitForSlack(
      (call) =>
        call.method === 'views.open' && JSON.stringify(call.view).includes(request.id) && JSON.stringify(call.view).includes('supplement-request'),
      'the 보완 요청 modal',
    );
    // A health kind: the modal warns that what is typed goes through Slack, and offers the kind's documents.
    const shown = JSON.stringify(modal.view);
    expect(shown).toContain('건강 정보는 적지 마세요');
    expect(shown).toContain('검진결과 통보서');
    expect((await get(request.id, 'E1046')).status).toBe('in-review'); // opening the modal asks nothing

    const view = { view: modal.view ?? { private_metadata: '', callback_id: '' } };
    const empty = await click(modalSubmission(view, ' ', dm.user, ['checkup-result']));
    expect(JSON.parse(empty.text)).toEqual({ response_action: 'errors', errors: { comment: '보완 요청 내용을 입력하세요' } });
    const submitted = await click(modalSubmission(view, '검진결과 통보서를 올려 주세요', dm.user, ['checkup-result']));
    expect([submitted.status, submitted.text]).toEqual([200, '']);
    const asked = (await get(request.id, 'E1046')) as Claim & { supplement?: { documentTypes?: string[]; requestedBy: string } };
    expect(asked.status).toBe('supplement-requested');
    expect(asked.supplement).toMatchObject({ requestedBy: LEADER, documentTypes: ['checkup-result'] });
    const history = (await api(backend, 'GET', `/requests/${request.id}/history`, { as: 'E1046' })).body.events as {
      action: string;
      channel?: string;
    }[];
    expect(history.find((event) => event.action === 'supplement-requested')?.channel).toBe('slack');
    const update = await waitForSlack((call) => call.method === 'chat.update' && call.ts === dm.ts, 'update of the DM');
    expect(update.text).toContain('보완을 요청했습니다');
    expect(update.blocks.some((block) => block.type === 'actions')).toBe(false);
    // The same modal submitted again asks nothing more: the step's link is no longer open.
    const twice = await click(modalSubmission(view, '다시', dm.user));
    expect(JSON.parse(twice.text).errors.comment).toContain('보완을 요청한 상태');
  });

  it("a click by anyone but the step's holder changes nothing and tells only them", async () => {
    const request = await atLeader('E1040');
    const dm = await dmTo(LEADER, request.id);
    const stranger = seedPerson('E1041').slackUserId ?? 'U-nobody';

    const answer = await click(buttonClick(dm, 'approve', stranger));

    expect(answer.status).toBe(200);
    const refusal = await waitForSlack((call) => call.method === 'chat.postEphemeral' && call.user === stranger, 'ephemeral refusal');
    expect(refusal.text).toContain('본인에게 온 결재가 아닙니다');
    expect((await get(request.id, 'E1040')).steps[1]?.status).toBe('waiting');
    // The 반려 modal does not open for them either.
    await click(buttonClick(dm, 'reject', stranger));
    expect(
      (await slackCalls()).some(
        (call) =>
          call.method === 'views.open' &&
          JSON.stringify(call.view).includes(dm.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'reject')?.value ?? '-'),
      ),
    ).toBe(false);
  });

  it('after the email link decided, the message is updated and a Slack click changes nothing', async () => {
    const request = await atLeader('E1042');
    const dm = await dmTo(LEADER, request.id);
    const mail = await waitForEmail(backend, seedPerson(LEADER).email, request.id);
    expect((await postForm(decisionLinkIn(mail), { decision: 'approve' })).status).toBe(200);

    // The email's decision updated the Slack message too.
    const update = await waitForSlack((call) => call.method === 'chat.update' && call.ts === dm.ts, 'update after the email decision');
    expect(JSON.stringify(update.blocks)).toContain('메일 링크');

    const late = await click(buttonClick(dm, 'reject'));
    expect(late.status).toBe(200);
    const after = await get(request.id, 'E1042');
    expect(after.steps[1]).toMatchObject({ status: 'approved', channel: 'email-link' });
    await waitForSlack(
      (call) => call.method === 'chat.postEphemeral' && call.user === dm.user && call.text.includes('이미 처리된 결재'),
      'ephemeral "already decided"',
    );
  });

  it('refuses unsigned, wrongly signed and stale requests with 401, deciding nothing', async () => {
    const request = await atLeader('E1043');
    const dm = await dmTo(LEADER, request.id);
    const unsigned = await fetch(`${backend.apiUrl}/slack/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify(buttonClick(dm, 'approve')) }).toString(),
    });
    expect(unsigned.status).toBe(401);
    expect((await click(buttonClick(dm, 'approve'), { secret: 'not-the-secret' })).status).toBe(401);
    expect((await click(buttonClick(dm, 'approve'), { timestamp: new Date((await localNow()).getTime() - 6 * 60_000) })).status).toBe(401);
    expect((await get(request.id, 'E1043')).steps[1]?.status).toBe('waiting');
  });

  it('with Slack down, the request still goes through by email and the workflow completes', async () => {
    const marker = join(slackDir(), '.unavailable');
    await writeFile(marker, 'down');
    try {
      const request = await claim('E1044');
      const seen = new Set<string>();
      const reviewer = (await stepWaiting(request.id, 'E1044', 0)).approverId;
      expect(
        (await postForm(decisionLinkIn(await waitForEmail(backend, seedPerson(reviewer).email, request.id, seen)), { decision: 'approve' })).status,
      ).toBe(200);
      const leader = (await stepWaiting(request.id, 'E1044', 1)).approverId;
      expect(
        (await postForm(decisionLinkIn(await waitForEmail(backend, seedPerson(leader).email, request.id, seen)), { decision: 'approve' })).status,
      ).toBe(200);
      const approved = await eventually(async () => {
        const current = await get(request.id, 'E1044');
        if (current.status !== 'approved') throw new Error(current.status);
        return current;
      });
      expect(approved.steps.map((step) => step.status)).toEqual(['approved', 'approved']);
      expect((await slackCalls()).some((call) => JSON.stringify(call.blocks ?? []).includes(request.id))).toBe(false);
    } finally {
      await rm(marker, { force: true });
    }
  });

  it('someone without a Slack id gets the email only', async () => {
    const ADMIN = 'E1024';
    const {
      id: _id,
      revision: _revision,
      ...entry
    } = (await api(backend, 'GET', `/directory/people/${LEADER}`, { as: ADMIN })).body as Record<string, unknown>;
    expect((await api(backend, 'PUT', `/directory/people/${LEADER}`, { as: ADMIN, json: { ...entry, slackUserId: null } })).status).toBe(200);
    const request = await atLeader('E1045');
    // The Slack message would have been posted before the email was sent.
    await waitForEmail(backend, seedPerson(LEADER).email, request.id);
    expect(
      (await slackCalls()).some(
        (call) =>
          call.method === 'chat.postMessage' && JSON.stringify(call.blocks).includes(request.id) && call.user === seedPerson(LEADER).slackUserId,
      ),
    ).toBe(false);
  });
});
