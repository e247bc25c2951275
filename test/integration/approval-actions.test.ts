import { describe, expect, it } from 'vitest';
import { seedPerson } from '../fixtures/directory.js';
import { api, decisionLinkIn, eventually, postForm, type RunningBackend, suiteBackend, waitForEmail } from './harness.js';

/** The everyday 결재 actions besides approving and rejecting, through the local runtime. */
const thisYear = new Date().getFullYear();
const checkup = (amountPaid: number) => ({ kind: 'health-checkup', checkupDate: `${thisYear}-01-15`, amountPaid, clinic: '한빛종합검진센터' });

interface Request {
  id: string;
  status: string;
  round: number;
  steps: { index: number; status: string; approverId: string }[];
  history: { action: string; actorId: string; comment?: string }[];
}

async function submittedAndWaiting(backend: RunningBackend, as: string, amountPaid: number) {
  const submitted = await api(backend, 'POST', '/requests', { as, json: checkup(amountPaid) });
  expect(submitted.status, submitted.text).toBe(201);
  const id = submitted.body.id as string;
  const reviewer = await eventually(async () => {
    const step = ((await api(backend, 'GET', `/requests/${id}`, { as })).body as Request).steps.find((candidate) => candidate.status === 'waiting');
    if (!step) throw new Error(`${id}: no step waiting yet`);
    return step.approverId;
  });
  const link = decisionLinkIn(await waitForEmail(backend, seedPerson(reviewer).email, id));
  return { id, reviewer, link };
}

describe('결재 actions through the local runtime', () => {
  const backend = suiteBackend();
  const read = async (id: string, as: string) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Request;
  const recall = (id: string, as: string, body: Record<string, unknown> = {}) => api(backend, 'POST', `/requests/${id}/recall`, { as, json: body });

  describe('회수 (recall)', () => {
    it('before anyone decided: the links die, the claim keeps its place, and an edit goes back on the line as a new round', async () => {
      const { id, link } = await submittedAndWaiting(backend, 'E1034', 420_000);
      expect((await recall(id, 'E1035')).status).toBe(404);
      const recalled = await recall(id, 'E1034', { reason: '금액을 잘못 적었습니다' });
      expect(recalled.status, recalled.text).toBe(200);
      expect(recalled.body).toMatchObject({ status: 'recalled', round: 1 });
      expect(recalled.body.steps.map((step: { status: string }) => step.status)).toEqual(['cancelled', 'cancelled']);
      expect((await read(id, 'E1034')).history).toContainEqual(
        expect.objectContaining({ action: 'recalled', actorId: 'E1034', comment: '금액을 잘못 적었습니다' }),
      );
      // The reviewer's link no longer decides anything.
      const late = await postForm(link, { decision: 'approve' });
      expect(late.status).toBe(409);
      // The year's one claim is still this one.
      expect((await api(backend, 'POST', '/requests', { as: 'E1034', json: checkup(300_000) })).status).toBe(409);
      // Recalled twice: refused in Korean.
      expect((await recall(id, 'E1034')).body.message).toContain("'회수(수정 후 재상신)' 상태인 요청은 회수할 수 없습니다");

      const edited = await api(backend, 'PUT', `/requests/${id}`, { as: 'E1034', json: checkup(410_000) });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.body).toMatchObject({ status: 'recalled', amountRequested: 410_000 });
      const again = await api(backend, 'POST', `/requests/${id}/resubmit`, { as: 'E1034', json: { comment: '금액 수정' } });
      expect(again.status, again.text).toBe(200);
      expect(again.body).toMatchObject({ status: 'in-review', round: 2 });
      await eventually(async () => {
        if (!(await read(id, 'E1034')).steps.some((step) => step.status === 'waiting')) throw new Error('round 2 not waiting yet');
      });
    });

    it('after a decision of the round: 409 saying to withdraw (철회), which still works', async () => {
      const { id, link } = await submittedAndWaiting(backend, 'E1035', 380_000);
      expect((await postForm(link, { decision: 'approve' })).status).toBe(200);
      const refused = await recall(id, 'E1035');
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe('이미 결재가 진행되어 회수할 수 없습니다. 철회하세요.');
      expect((await read(id, 'E1035')).status).toBe('in-review');
      const withdrawn = await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1035', json: { reason: '다음 달에 다시 청구' } });
      expect(withdrawn.status, withdrawn.text).toBe(200);
      expect(withdrawn.body.status).toBe('withdrawn');
    });

    it('a recalled request can be given up (철회): its place in the year is free again', async () => {
      const { id } = await submittedAndWaiting(backend, 'E1075', 300_000);
      expect((await recall(id, 'E1075')).status).toBe(200);
      expect((await api(backend, 'POST', `/requests/${id}/withdraw`, { as: 'E1075', json: {} })).body.status).toBe('withdrawn');
      expect((await api(backend, 'POST', '/requests', { as: 'E1075', json: checkup(310_000) })).status).toBe(201);
    });
  });
});
