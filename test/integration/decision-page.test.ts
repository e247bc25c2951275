// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is what the approver sees rendered, which is the point here
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPerson } from '../fixtures/directory.js';
import { api, decisionLinkIn, eventually, suiteBackend, waitForEmail } from './harness.js';

/**
 * The decision page as an approver uses it: opened from the email in a real headless Chromium
 * (Debian's, installed by .ci/run), on a desk screen and on a phone. What they must be able to
 * do: read what they decide, be stopped before a decision that is not complete, decide, and
 * not decide twice.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
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

  /** A claim by `requester`, and the link its first approver got by email. */
  async function claimAndLink(requester: string, amountPaid: number) {
    const submitted = await api(backend, 'POST', '/requests', {
      as: requester,
      json: { kind: 'health-checkup', checkupDate, amountPaid, clinic: '한빛종합검진센터' },
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
    await page.getByLabel('의견 (반려할 때는 반드시 입력)').fill('영수증 확인했습니다');
    await page.getByRole('button', { name: '결정 제출' }).click();
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

    await page.getByRole('button', { name: '결정 제출' }).click();
    expect(posts).toEqual([]); // `required`: nothing was sent
    // The browser's own check, run in the page (the DOM is not this file's type library).
    expect(await page.evaluate('document.querySelector("input[name=decision]").validity.valueMissing')).toBe(true);

    await page.getByLabel('반려', { exact: true }).check();
    await page.getByRole('button', { name: '결정 제출' }).click();
    // The form again, saying what is missing in Korean, the choice kept: fixed in place, no going back.
    await expect.poll(() => page.getByRole('alert').innerText(), PAGE_TURN).toBe('반려할 때는 의견을 반드시 입력해야 합니다');
    expect(posts).toHaveLength(1);
    expect(await page.getByLabel('반려', { exact: true }).isChecked()).toBe(true);
    expect(await page.locator('body').innerText()).not.toMatch(/Error|undefined|comment/);
    expect(await firstStep(id, 'E1035')).toMatchObject({ status: 'waiting' });

    await page.getByLabel('의견 (반려할 때는 반드시 입력)').fill('검진일이 영수증과 다릅니다');
    await page.getByRole('button', { name: '결정 제출' }).click();
    await expect.poll(() => page.locator('h1').innerText(), PAGE_TURN).toBe('반려 처리되었습니다');
    await eventually(async () => expect((await api(backend, 'GET', `/requests/${id}`, { as: 'E1035' })).body.status).toBe('returned'));
    await page.close();
  });

  it('fits a phone screen: nothing wider than the screen, the controls large enough to tap', async () => {
    const { link } = await claimAndLink('E1075', 450_000);
    const page = await open(link, { width: 360, height: 740 });
    const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, screen: window.innerWidth })')) as {
      page: number;
      screen: number;
    };
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    const button = await page.getByRole('button', { name: '결정 제출' }).boundingBox();
    expect(button?.height).toBeGreaterThanOrEqual(32);
    expect((await page.getByLabel('의견 (반려할 때는 반드시 입력)').boundingBox())?.width).toBeGreaterThan(250);
    await page.close();
  });
});
