import { describe, expect, it } from 'vitest';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { seedDirectory, seedPerson } from '../fixtures/directory.js';
import { files } from '../fixtures/documents.js';
import { advanceClock, api, decisionLinkIn, eventually, postForm, suiteBackend, tokenFor, uploadDocument, waitForEmail } from './harness.js';

/**
 * The documents claims rest on (붙임), through the local runtime and its S3 server: declared,
 * uploaded with the presigned URL, checked and bound by a submission, read by those who may.
 */
const thisYear = new Date().getFullYear();
const checkup = { kind: 'health-checkup', checkupDate: `${thisYear}-01-15`, amountPaid: 300_000, clinic: '한빛종합검진센터' };
const WELFARE_OFFICERS = ['E1016', 'E1017', 'E1018'];

interface Attachment {
  id: string;
  documentType: string;
  documentLabel: string;
  fileName: string;
  sizeBytes: number;
  uploadedBy: string;
}

describe('documents (붙임) through the local runtime', () => {
  const backend = suiteBackend();
  const submit = (as: string, body: Record<string, unknown>) => api(backend, 'POST', '/requests', { as, json: body });
  const ticket = (as: string, body: Record<string, unknown>) =>
    api(backend, 'POST', '/attachments', {
      as,
      json: {
        kind: 'health-checkup',
        documentType: 'receipt',
        fileName: '영수증.pdf',
        contentType: 'application/pdf',
        sizeBytes: files.pdf.length,
        ...body,
      },
    });
  /** The API's answer itself (a redirect is not followed). */
  const open = async (as: string, requestId: string, attachmentId: string) =>
    fetch(`${backend.apiUrl}/requests/${requestId}/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${await tokenFor(backend, as)}` },
      redirect: 'manual',
    });
  const history = async (id: string, as: string) =>
    (await api(backend, 'GET', `/requests/${id}/history`, { as })).body.events as {
      action: string;
      actorId: string;
      channel?: string;
      documents?: unknown;
    }[];
  const own = async (as: string) => ((await api(backend, 'GET', '/requests', { as })).body.items as { id: string }[]).map((request) => request.id);

  it('declares an upload: a presigned PUT bound to its type and size, valid 15 minutes; a wrong declaration is a Korean 400 per field', async () => {
    const now = Date.parse(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now);
    const good = await ticket('E1034', {});
    expect(good.status, good.text).toBe(201);
    expect(good.body.attachmentId).toMatch(/^A[0-9A-Z]{26}$/);
    expect(good.body.upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'application/pdf' } });
    expect(Date.parse(good.body.expiresAt) - now).toBeLessThanOrEqual(officePolicy.documents.uploadUrlMinutes * 60_000 + 5_000);
    // The key names the upload by its id only: no file name, no health data.
    expect(new URL(good.body.upload.url).pathname).toMatch(new RegExp(`/documents/${good.body.attachmentId}$`));

    const wrong = await ticket('E1034', {
      documentType: 'itemized-bill',
      contentType: 'text/html',
      sizeBytes: officePolicy.documents.maxFileBytes + 1,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['documentType', 'contentType', 'sizeBytes']);
    expect(wrong.body.message).toContain('파일 크기는 10 MB 이하여야 합니다');
    const pathName = await ticket('E1034', { fileName: '../../etc/passwd' });
    expect(pathName.status).toBe(400);
    expect(pathName.body.issues).toEqual([expect.objectContaining({ path: 'fileName' })]);
    expect((await api(backend, 'POST', '/attachments', { json: {} })).status).toBe(401);
  });

  it('a health-checkup claim rests on its receipt: without it 400 naming 영수증; with it, listed, and the requester downloads it under its Korean name', async () => {
    const missing = await submit('E1034', { ...checkup, attachments: [] });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('필요한 서류가 첨부되지 않았습니다: 영수증');
    const optionalOnly = await uploadDocument(backend, 'E1034', { kind: 'health-checkup', documentType: 'checkup-result' });
    expect((await submit('E1034', { ...checkup, attachments: [optionalOnly] })).body.message).toContain('영수증');
    expect(await own('E1034')).toEqual([]);

    const receipt = await uploadDocument(backend, 'E1034', {
      kind: 'health-checkup',
      documentType: 'receipt',
      fileName: '건강검진 영수증 (1월).pdf',
    });
    const submitted = await submit('E1034', { ...checkup, attachments: [receipt, optionalOnly] });
    expect(submitted.status, submitted.text).toBe(201);
    const listed = (await api(backend, 'GET', `/requests/${submitted.body.id}`, { as: 'E1034' })).body.attachments as Attachment[];
    expect(listed).toEqual([
      expect.objectContaining({
        id: receipt,
        documentType: 'receipt',
        documentLabel: '영수증',
        fileName: '건강검진 영수증 (1월).pdf',
        sizeBytes: files.pdf.length,
        uploadedBy: 'E1034',
      }),
      expect.objectContaining({ id: optionalOnly, documentType: 'checkup-result', documentLabel: '검진결과 통보서' }),
    ]);

    const redirect = await open('E1034', submitted.body.id, receipt);
    expect(redirect.status).toBe(303);
    const download = await fetch(redirect.headers.get('location') ?? '');
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(files.pdf);
    const disposition = download.headers.get('content-disposition') ?? '';
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1] ?? '')).toBe('건강검진 영수증 (1월).pdf');
    // The requester's own reads are not "viewed" events.
    expect((await history(submitted.body.id, 'E1034')).filter((event) => event.action === 'viewed')).toEqual([]);
  });

  it('only those who may read the request open its documents, and every read but the requester’s is recorded by document', async () => {
    const receipt = await uploadDocument(backend, 'E1035', { kind: 'health-checkup', documentType: 'receipt' });
    const submitted = await submit('E1035', { ...checkup, attachments: [receipt] });
    expect(submitted.status, submitted.text).toBe(201);
    // The requester's department head is on no line of a health claim, nor is a colleague elsewhere: as if it did not exist.
    const departmentHead = seedDirectory.departments.find((department) => department.id === seedPerson('E1035').departmentId)?.headId;
    expect(departmentHead).toBeDefined();
    for (const outsider of [departmentHead ?? '', 'E1039']) expect((await open(outsider, submitted.body.id, receipt)).status, outsider).toBe(404);
    // The welfare officer reviewing it opens it: recorded, naming the document.
    const officer = submitted.body.steps[0].approverId as string;
    expect(WELFARE_OFFICERS).toContain(officer);
    expect((await open(officer, submitted.body.id, receipt)).status).toBe(303);
    expect(await history(submitted.body.id, 'E1035')).toContainEqual(
      expect.objectContaining({
        action: 'viewed',
        actorId: officer,
        channel: 'api',
        documents: [{ attachmentId: receipt, documentType: 'receipt' }],
      }),
    );
    // An id that is not this request's document: 404, nothing signed.
    const other = await uploadDocument(backend, 'E1035', { kind: 'health-checkup', documentType: 'receipt' });
    expect((await open('E1035', submitted.body.id, other)).status).toBe(404);
  });

  it('an upload is bound once, by its owner, to a request of its kind, and only as it was declared: size and the bytes’ own type', async () => {
    const as = 'E1036';
    const before = await own(as);
    const someoneElses = await uploadDocument(backend, 'E1037', { kind: 'health-checkup', documentType: 'receipt' });
    const otherKind = await uploadDocument(backend, as, { kind: 'vaccination', documentType: 'receipt' });
    const htmlAsPdf = await uploadDocument(backend, as, { kind: 'health-checkup', documentType: 'receipt', bytes: files.htmlAsPdf });
    const notUploaded = (await ticket(as, {})).body.attachmentId as string;
    const shorter = await uploadDocument(backend, as, {
      kind: 'health-checkup',
      documentType: 'receipt',
      bytes: files.pdf.subarray(0, 200),
      declaredSize: files.pdf.length,
    });
    for (const [id, message] of [
      [someoneElses, '본인이 올린 파일만'],
      [otherKind, '예방접종비 지원 요청용'],
      [htmlAsPdf, '신고한 형식(PDF)이 아닙니다'],
      [notUploaded, '아직 업로드되지 않았습니다'],
      [shorter, '신고한 크기'],
    ] as const) {
      const refused = await submit(as, { ...checkup, attachments: [id] });
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.issues).toEqual([{ path: 'attachments[0]', message: expect.stringContaining(message) }]);
    }
    expect(await own(as)).toEqual(before);

    // Bound to one request, it cannot be bound to another.
    const receipt = await uploadDocument(backend, as, { kind: 'health-checkup', documentType: 'receipt' });
    expect((await submit(as, { ...checkup, attachments: [receipt] })).status).toBe(201);
    const again = await submit('E1036', { ...checkup, checkupDate: `${thisYear - 1}-12-01`, attachments: [receipt] });
    expect(again.status).toBe(400);
    expect(again.body.issues[0].message).toContain('이미 요청');
  });

  it('an upload URL used after it expired is refused by the storage', async () => {
    const expiring = await ticket('E1038', {});
    await advanceClock(backend, `PT${officePolicy.documents.uploadUrlMinutes + 1}M`);
    const put = await fetch(expiring.body.upload.url, { method: 'PUT', headers: expiring.body.upload.headers, body: files.pdf });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('expired');
  });

  it('infertility: receipt and itemised bill always, the diagnosis on the first claim of the year only', async () => {
    const as = 'E1057';
    const treatment = {
      kind: 'infertility-treatment',
      treatmentDate: `${thisYear}-01-20`,
      amountPaid: 400_000,
      clinic: '한빛여성의원',
      treatmentType: 'ivf-frozen-embryo',
    };
    const upload = (documentType: string) => uploadDocument(backend, as, { kind: 'infertility-treatment', documentType });
    const withoutDiagnosis = await submit(as, { ...treatment, attachments: [await upload('receipt'), await upload('itemized-bill')] });
    expect(withoutDiagnosis.status).toBe(400);
    expect(withoutDiagnosis.body.message).toBe('필요한 서류가 첨부되지 않았습니다: 난임 진단서');
    const first = await submit(as, {
      ...treatment,
      attachments: [await upload('receipt'), await upload('itemized-bill'), await upload('infertility-diagnosis')],
    });
    expect(first.status, first.text).toBe(201);
    const second = await submit(as, {
      ...treatment,
      treatmentDate: `${thisYear}-01-27`,
      attachments: [await upload('receipt'), await upload('itemized-bill')],
    });
    expect(second.status, second.text).toBe(201);
  });

  it('vaccination: a receipt or a vaccination certificate; a transfer on family grounds: its proof', async () => {
    const shot = { kind: 'vaccination', vaccine: 'influenza', vaccinationDate: `${thisYear}-01-10`, amountPaid: 40_000, clinic: '한빛내과의원' };
    const none = await submit('E1041', { ...shot, attachments: [] });
    expect(none.status).toBe(400);
    expect(none.body.message).toBe('필요한 서류가 첨부되지 않았습니다: 영수증 또는 예방접종 증명서');
    const certificate = await uploadDocument(backend, 'E1041', {
      kind: 'vaccination',
      documentType: 'vaccination-certificate',
      bytes: files.jpeg,
      contentType: 'image/jpeg',
    });
    expect((await submit('E1041', { ...shot, attachments: [certificate] })).status).toBe(201);

    const transfer = {
      kind: 'personnel-transfer',
      preferences: ['finance'],
      reason: '가족과 함께 살기 위해',
      exceptionGround: 'family-relocation',
      exceptionDetail: '배우자 근무지 이전',
    };
    const unproven = await submit('E1034', { ...transfer, attachments: [] });
    expect(unproven.status).toBe(400);
    expect(unproven.body.message).toBe('필요한 서류가 첨부되지 않았습니다: 증빙서류');
    const proof = await uploadDocument(backend, 'E1034', {
      kind: 'personnel-transfer',
      documentType: 'supporting-document',
      fileName: '가족관계증명서.pdf',
    });
    const proven = await submit('E1034', { ...transfer, attachments: [proof] });
    expect(proven.status, proven.text).toBe(201);
  });

  it('documents added while in review reach the holder without names (health), and added while returned go on with the resubmission', async () => {
    const as = 'E1075';
    const submitted = await submit(as, checkup);
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;
    const reviewer = await eventually(async () => {
      const step = (await api(backend, 'GET', `/requests/${id}`, { as })).body.steps.find(
        (candidate: { status: string }) => candidate.status === 'waiting',
      );
      if (!step) throw new Error('no waiting step yet');
      return step.approverId as string;
    });
    const result = await uploadDocument(backend, as, { kind: 'health-checkup', documentType: 'checkup-result', fileName: '검진결과_진우석.pdf' });
    const added = await api(backend, 'POST', `/requests/${id}/attachments`, { as, json: { attachments: [result] } });
    expect(added.status, added.text).toBe(200);
    const notice = await waitForEmail(backend, seedPerson(reviewer).email, '[서류 추가]');
    expect(notice.text).toContain('서류 1건');
    expect(notice.text).not.toContain('검진결과');
    expect(notice.text).not.toContain('.pdf');
    // Someone else cannot add to it.
    const foreign = await uploadDocument(backend, 'E1039', { kind: 'health-checkup', documentType: 'checkup-result' });
    expect((await api(backend, 'POST', `/requests/${id}/attachments`, { as: 'E1039', json: { attachments: [foreign] } })).status).toBe(404);

    // Returned (반려) for a better copy: the requester adds it, resubmits; the documents carry over, the history names them.
    const link = decisionLinkIn(await waitForEmail(backend, seedPerson(reviewer).email, id));
    expect((await postForm(link, { decision: 'reject', comment: '영수증 원본을 첨부해 주세요' })).status).toBe(200);
    await eventually(async () => {
      if ((await api(backend, 'GET', `/requests/${id}`, { as })).body.status !== 'returned') throw new Error('not returned yet');
    });
    const better = await uploadDocument(backend, as, { kind: 'health-checkup', documentType: 'receipt', fileName: '영수증 원본.pdf' });
    // Revised with the better copy (PUT binds documents as a submission does); the required receipt is still there.
    const revised = await api(backend, 'PUT', `/requests/${id}`, { as, json: { ...checkup, amountPaid: 310_000, attachments: [better] } });
    expect(revised.status, revised.text).toBe(200);
    const resubmitted = await api(backend, 'POST', `/requests/${id}/resubmit`, { as, json: { comment: '원본 첨부' } });
    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body.round).toBe(2);
    expect((resubmitted.body.attachments as Attachment[]).map((attachment) => attachment.fileName)).toEqual([
      'receipt.pdf',
      '검진결과_진우석.pdf',
      '영수증 원본.pdf',
    ]);
    expect((await history(id, as)).filter((event) => event.action === 'documents-added').map((event) => event.documents)).toEqual([
      [{ attachmentId: result, documentType: 'checkup-result' }],
    ]);
    expect((await history(id, as)).find((event) => event.action === 'revised')?.documents).toEqual([
      { attachmentId: better, documentType: 'receipt' },
    ]);
    // The revision's upload is now the request's, bound once: it cannot be named again.
    expect((await api(backend, 'POST', `/requests/${id}/attachments`, { as, json: { attachments: [better] } })).status).toBe(400);
  });
});
