// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is what the approver sees rendered, which is the point here

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPerson } from '../fixtures/directory.js';
import { files } from '../fixtures/documents.js';
import { api, decisionLinkIn, eventually, suiteBackend, tokenFor, uploadDocument, waitForEmail } from './harness.js';

/**
 * The decision page as an approver uses it: opened from the email in a real headless Chromium
 * (Debian's, installed by .ci/run), on a desk screen and on a phone. What they must be able to
 * do: read what they decide, be stopped before a decision that is not complete, decide, and
 * not decide twice.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const run = promisify(execFile);
/** How long a form's answer may take to replace the page on a busy 2-core machine. */
const PAGE_TURN = { timeout: 20_000, interval: 100 };
const checkupDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date(Date.now() - 7 * 86_400_000));

describe('the decision page in Chromium', () => {
  const backend = suiteBackend();
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A claim by `requester` (with the receipt its kind requires, unless `attachments` says otherwise), and the link its first approver got by email. */
  async function claimAndLink(requester: string, amountPaid: number, attachments?: string[]) {
    const submitted = await api(backend, 'POST', '/requests', {
      as: requester,
      json: { kind: 'health-checkup', checkupDate, amountPaid, clinic: '한빛종합검진센터', ...(attachments ? { attachments } : {}) },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;
    const approverId = (submitted.body.steps as { approverId: string }[])[0]?.approverId ?? '';
    const mail = await waitForEmail(backend, seedPerson(approverId).email, id);
    return { id, approverId, link: decisionLinkIn(mail) };
  }

  const firstStep = async (id: string, requester: string) =>
    ((await api(backend, 'GET', `/requests/${id}`, { as: requester })).body.steps as { status: string; comment?: string; channel?: string }[])[0];

  async function open(link: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport, locale: 'ko-KR' });
    page.setDefaultTimeout(10_000); // a missing element fails the test in seconds, saying which
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    return page;
  }

  it('shows what is decided, in Korean; approving with a comment records it and the link cannot decide again', async () => {
    const { id, link } = await claimAndLink('E1034', 380_000);
    const page = await open(link);
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('h1').innerText()).toContain('건강검진비 지원');
    const summary = await page.locator('table').first().innerText();
    expect(summary).toContain(id);
    expect(summary).toContain('380,000원');
    expect(summary).toContain('한빛종합검진센터');

    await page.getByLabel('승인', { exact: true }).check();
    await page.getByLabel('의견 (승인 외에는 반드시 입력)').fill('영수증 확인했습니다');
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('승인 처리되었습니다');
    expect(await firstStep(id, 'E1034')).toMatchObject({ status: 'approved', comment: '영수증 확인했습니다', channel: 'email-link' });

    // The same link again (a second tab, the back button): it says it was decided, with no form.
    const again = await browser.newPage();
    const response = await again.goto(link);
    expect(response?.status()).toBe(409);
    expect(await again.locator('h1').innerText()).toBe('이미 처리된 결재입니다');
    expect(await again.locator('form').count()).toBe(0);
    await Promise.all([page.close(), again.close()]);
  });

  it('stops a decision that is not complete: none chosen (the browser), a rejection without a reason (the server); nothing is recorded', async () => {
    const { id, link } = await claimAndLink('E1035', 300_000);
    const page = await open(link);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });

    await page.getByRole('button', { name: '제출' }).click();
    expect(posts).toEqual([]); // `required`: nothing was sent
    // The browser's own check, run in the page (the DOM is not this file's type library).
    expect(await page.evaluate('document.querySelector("input[name=decision]").validity.valueMissing')).toBe(true);

    await page.getByLabel('반려', { exact: true }).check();
    await page.getByRole('button', { name: '제출' }).click();
    // The form again, saying what is missing in Korean, the choice kept: fixed in place, no going back.
    await expect.poll(() => page.getByRole('alert').innerText(), PAGE_TURN).toBe('반려할 때는 의견을 반드시 입력해야 합니다');
    expect(posts).toHaveLength(1);
    expect(await page.getByLabel('반려', { exact: true }).isChecked()).toBe(true);
    expect(await page.locator('body').innerText()).not.toMatch(/Error|undefined|comment/);
    expect(await firstStep(id, 'E1035')).toMatchObject({ status: 'waiting' });

    await page.getByLabel('의견 (승인 외에는 반드시 입력)').fill('검진일이 영수증과 다릅니다');
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('반려 처리되었습니다');
    await eventually(async () => expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1035' })).body.status).toBe('returned'));
    await page.close();
  });

  it('lists the documents; the approver opens the receipt, which arrives under its Korean name, then approves', async () => {
    const receipt = await uploadDocument(backend, 'E1036', { kind: 'health-checkup', documentType: 'receipt', fileName: '검진 영수증.pdf' });
    const { id, approverId, link } = await claimAndLink('E1036', 320_000, [receipt]);
    const page = await open(link);
    const documents = page.locator('ul.documents li');
    expect(await documents.count()).toBe(1);
    expect(await documents.first().innerText()).toBe(`영수증: 검진 영수증.pdf (${files.pdf.length} B)`);
    // A click on the document is a download of exactly the uploaded bytes, named as the requester named it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '검진 영수증.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('검진 영수증.pdf');
    const path = await download.path();
    expect(await readFile(path)).toEqual(files.pdf);
    const history = (await api(backend, 'GET', `/requests/${id}/history`, { as: 'E1036' })).body.events as {
      action: string;
      channel?: string;
      documents?: unknown;
    }[];
    expect(history).toContainEqual(
      expect.objectContaining({
        action: 'viewed',
        actorId: approverId,
        channel: 'email-link',
        documents: [{ attachmentId: receipt, documentType: 'receipt' }],
      }),
    );

    await page.getByLabel('승인', { exact: true }).check();
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('승인 처리되었습니다');
    // Once the link is used, its document links answer as the page does.
    const after = await browser.newPage();
    const response = await after.goto(`${link}/attachments/${receipt}`);
    expect(response?.status()).toBe(409);
    expect(await after.locator('h1').innerText()).toBe('이미 처리된 결재입니다');
    await Promise.all([page.close(), after.close()]);
  });

  it("uploads from a page of another origin with the presigned URL: the storage's CORS lets the office portal PUT", async () => {
    const ticket = await api(backend, 'POST', '/attachments', {
      as: 'E1037',
      json: { kind: 'health-checkup', documentType: 'receipt', fileName: '영수증.png', contentType: 'image/png', sizeBytes: files.png.length },
    });
    expect(ticket.status, ticket.text).toBe(201);
    // The portal's page: an origin other than the storage's, here a server of the test's own.
    const server = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>포털</title>'),
    );
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const portal = await browser.newPage();
    await portal.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`);
    const status = await portal.evaluate(
      async ({ url, headers, bytes }) => (await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) })).status,
      { url: ticket.body.upload.url as string, headers: ticket.body.upload.headers as Record<string, string>, bytes: [...files.png] },
    );
    expect(status).toBe(200);
    await portal.close();
    await new Promise((closed) => server.close(closed));
    // What the page uploaded is what a submission binds.
    const submitted = await api(backend, 'POST', '/requests', {
      as: 'E1037',
      json: { kind: 'health-checkup', checkupDate, amountPaid: 200_000, clinic: '한빛종합검진센터', attachments: [ticket.body.attachmentId] },
    });
    expect(submitted.status, submitted.text).toBe(201);
  });

  it('instead of deciding: a comment leaves the link open; 보완 요청 with the documents ticked; then, once supplemented, 지정 to a colleague', async () => {
    const { id, approverId, link } = await claimAndLink('E1063', 330_000);
    const page = await open(link);
    // 의견: recorded, nothing decided, and the way back to the same form.
    await page.getByLabel('의견만 남기기').check();
    await page.getByLabel('의견 (승인 외에는 반드시 입력)').fill('영수증 원본 확인 예정');
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('의견을 남겼습니다');
    await page.getByRole('link', { name: '결정하러 돌아가기' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toContain('건강검진비 지원');

    // 보완 요청 without saying what: the form again, the choice and the ticks kept.
    await page.getByLabel('보완 요청', { exact: true }).check();
    await page.getByLabel('검진결과 통보서').check();
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.getByRole('alert').innerText(), PAGE_TURN).toBe('보완 요청 내용을 의견란에 입력하세요');
    expect(await page.getByLabel('검진결과 통보서').isChecked()).toBe(true);
    await page.getByLabel('의견 (승인 외에는 반드시 입력)').fill('검진결과 통보서를 첨부해 주세요');
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('보완을 요청했습니다');
    const asked = (await api(backend, 'GET', `/requests/${id}`, { as: 'E1063' })).body;
    expect(asked).toMatchObject({ status: 'supplement-requested', supplement: { documentTypes: ['checkup-result'], requestedBy: approverId } });
    const history = (await api(backend, 'GET', `/requests/${id}/history`, { as: 'E1063' })).body.events as { action: string; channel?: string }[];
    expect(history.filter((event) => event.channel === 'email-link').map((event) => event.action)).toEqual(
      expect.arrayContaining(['commented', 'supplement-requested']),
    );

    // Answered: the fresh link's page says so, with the words, and offers 지정 to the other welfare officers.
    const result = await uploadDocument(backend, 'E1063', { kind: 'health-checkup', documentType: 'checkup-result' });
    await eventually(async () => {
      const answer = await api(backend, 'POST', `/requests/${id}/supplement`, {
        as: 'E1063',
        json: { comment: '통보서 첨부합니다', attachments: [result] },
      });
      expect(answer.status, answer.text).toBe(200);
    });
    const fresh = await eventually(async () => {
      const mail = await waitForEmail(backend, seedPerson(approverId).email, '[보완]');
      if (!mail.subject?.includes(id)) throw new Error('not this request');
      return decisionLinkIn(mail);
    });
    const again = await open(fresh);
    expect(await again.locator('.notice').first().innerText()).toContain('보완했습니다: 통보서 첨부합니다');
    const colleagues = await again.locator('select[name=toId] option').allInnerTexts();
    expect(colleagues.length).toBeGreaterThan(1);
    await again.getByLabel('지정', { exact: true }).check();
    await again.getByLabel('받을 직원').selectOption({ index: 1 });
    await again.getByLabel('의견 (승인 외에는 반드시 입력)').fill('휴가로 대신 검토 부탁드립니다');
    await again.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => again.locator('h1').innerText(), PAGE_TURN).toBe('지정했습니다');
    const moved = (await api(backend, 'GET', `/requests/${id}`, { as: 'E1063' })).body.steps[0] as { approverId: string; status: string };
    expect(moved.status).toBe('waiting');
    expect(moved.approverId).not.toBe(approverId);
    // The old holder's link says the step was handed to a colleague (지정), and to whom.
    expect((await again.goto(fresh))?.status()).toBe(409);
    const movedPage = await again.locator('body').innerText();
    expect(movedPage).toContain('지정');
    expect(movedPage).toContain(seedPerson(moved.approverId).name);
    expect(movedPage).not.toContain('대결 또는 상위자 이관');
    await page.close();
    await again.close();
  });

  it('전단계 반려 from the page: the team leader sends the claim back to its review; the reviewer decides again on a fresh link that says why', async () => {
    const { id, approverId, link } = await claimAndLink('E1065', 260_000);
    // The review's page offers no 전단계 반려: nothing comes before it.
    const reviewPage = await open(link);
    expect(await reviewPage.getByLabel('전단계 반려', { exact: true }).count()).toBe(0);
    await reviewPage.getByLabel('승인', { exact: true }).check();
    await reviewPage.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => reviewPage.locator('h1').innerText(), PAGE_TURN).toBe('승인 처리되었습니다');

    const leaderLink = decisionLinkIn(await waitForEmail(backend, seedPerson('E1015').email, id));
    const page = await open(leaderLink);
    await page.getByLabel('전단계 반려', { exact: true }).check();
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.getByRole('alert').innerText(), PAGE_TURN).toBe('전단계 반려 사유를 의견란에 입력하세요');
    expect(await page.getByLabel('전단계 반려', { exact: true }).isChecked()).toBe(true);
    await page.getByLabel('의견 (승인 외에는 반드시 입력)').fill('검진 항목을 다시 확인해 주세요');
    await page.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('전단계 반려했습니다');
    const back = (await api(backend, 'GET', `/requests/${id}`, { as: 'E1065' })).body as { currentStage: number; status: string };
    expect(back).toMatchObject({ currentStage: 0, status: 'in-review' });
    const history = (await api(backend, 'GET', `/requests/${id}/history`, { as: 'E1065' })).body.events as { action: string }[];
    expect(history).toContainEqual(
      expect.objectContaining({ action: 'returned-to-previous', actorId: 'E1015', channel: 'email-link', comment: '검진 항목을 다시 확인해 주세요' }),
    );
    // The leader's link waits behind the review again.
    expect((await page.goto(leaderLink))?.status()).toBe(409);
    expect(await page.locator('body').innerText()).toContain('전단계 반려');

    // The reviewer's fresh link: the page gives the reason (the email of a health claim does not), and decides.
    const fresh = await eventually(async () => {
      const mail = await waitForEmail(backend, seedPerson(approverId).email, '[전단계 반려]');
      if (!mail.subject?.includes(id)) throw new Error('not this request');
      expect(mail.text).not.toContain('검진 항목을 다시 확인해 주세요');
      return decisionLinkIn(mail);
    });
    expect(fresh).not.toBe(link);
    const again = await open(fresh);
    expect(await again.locator('.notice').first().innerText()).toContain('전단계 반려했습니다: 검진 항목을 다시 확인해 주세요');
    await again.getByLabel('승인', { exact: true }).check();
    await again.getByLabel('의견 (승인 외에는 반드시 입력)').fill('항목 확인했습니다');
    await again.getByRole('button', { name: '제출' }).click();
    await expect.poll(() => again.locator('h1').innerText(), PAGE_TURN).toBe('승인 처리되었습니다');
    await eventually(async () => {
      const steps = (await api(backend, 'GET', `/requests/${id}`, { as: 'E1065' })).body.steps as { status: string; comment?: string }[];
      expect(steps.map((step) => step.status)).toEqual(['approved', 'waiting']);
      expect(steps[0]?.comment).toBe('항목 확인했습니다');
    });
    await Promise.all([reviewPage.close(), page.close(), again.close()]);
  });

  it('prints the 결재문서 to A4 PDF: its text has the 문서번호, the names, 검토 생략, 보완, and 대결 beside the absent approver with 전결', async () => {
    const { id, approverId } = await claimAndLink('E1064', 280_000);
    // 보완: the reviewer asks, the requester answers; then the requester skips the reviewer, now away (검토 생략).
    expect((await api(backend, 'POST', `/approvals/${id}/supplement-request`, { as: approverId, json: { comment: '영수증 원본' } })).status).toBe(
      200,
    );
    await eventually(async () => {
      const answered = await api(backend, 'POST', `/requests/${id}/supplement`, { as: 'E1064', json: { comment: '원본 첨부했습니다' } });
      expect(answered.status, answered.text).toBe(200);
    });
    await eventually(async () => expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1064' })).body.steps[0].status).toBe('waiting'));
    // 대결: the team leader is away; the deputy decides for them.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
    expect(
      (await api(backend, 'PUT', '/delegations', { as: 'E1015', json: { deputyId: 'E1019', from: today, to: today, reason: '연가' } })).status,
    ).toBe(200);
    const skipped = await api(backend, 'POST', `/approvals/${id}/skip`, { as: 'E1064', json: { stepIndex: 0, reason: '장기 출장' } });
    expect(skipped.status, skipped.text).toBe(200);
    await eventually(async () => {
      const decided = await api(backend, 'POST', `/approvals/${id}/decision`, { as: 'E1019', json: { decision: 'approve' } });
      expect(decided.status, decided.text).toBe(200);
    });
    const approved = await eventually(async () => {
      const current = (await api(backend, 'GET', `/requests/${id}`, { as: 'E1064' })).body;
      if (current.status !== 'approved') throw new Error(current.status);
      return current as { registration: { number: string } };
    });
    await api(backend, 'DELETE', `/delegations/${today}`, { as: 'E1015' });

    const page = await browser.newPage({ locale: 'ko-KR' });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${await tokenFor(backend, 'E1064')}` });
    const response = await page.goto(`${backend.apiUrl}/requests/${id}/document`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('건강검진비 지원');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.close();
    const file = join(backend.dataDir, `${id}.pdf`);
    await writeFile(file, pdf);
    const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
    expect(text).toContain(approved.registration.number);
    expect(approved.registration.number).toMatch(/^총무과-\d+$/);
    for (const expected of [
      '문서번호',
      '시행일자',
      '결재',
      seedPerson('E1015').name,
      seedPerson('E1019').name,
      '대결',
      '전결',
      '검토 생략',
      '장기 출장',
      '보완 요청',
      '영수증',
    ])
      expect(text).toContain(expected);
    expect(text).toContain(seedPerson(approverId).name);
    // The absent approver's column carries their position, the deputy's name beside theirs.
    expect(text).toMatch(new RegExp(`${seedPerson('E1015').position}[\\s\\S]*${seedPerson('E1015').name}[\\s\\S]*대결 ${seedPerson('E1019').name}`));
  });

  it('fits a phone screen: nothing wider than the screen, the controls large enough to tap', async () => {
    const { link } = await claimAndLink('E1075', 450_000);
    const page = await open(link, { width: 360, height: 740 });
    const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, screen: window.innerWidth })')) as {
      page: number;
      screen: number;
    };
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    const button = await page.getByRole('button', { name: '제출' }).boundingBox();
    expect(button?.height).toBeGreaterThanOrEqual(32);
    expect((await page.getByLabel('의견 (승인 외에는 반드시 입력)').boundingBox())?.width).toBeGreaterThan(250);
    await page.close();
  });
});
