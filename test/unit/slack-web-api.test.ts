import { describe, expect, it } from 'vitest';
import { makeSlackWebApi, SlackApiError, SlackUnavailableError } from '../../shared/adapters/slack.js';

/** A scripted Slack: each call takes the next answer (a Response, or an Error for the network). */
function scriptedSlack(answers: (Response | Error)[]) {
  const calls: { url: string; body: Record<string, unknown>; authorization: string | null }[] = [];
  const waits: number[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)), authorization: new Headers(init.headers).get('authorization') });
    const answer = answers.shift();
    if (!answer) throw new Error('no more scripted answers');
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof globalThis.fetch;
  const chat = makeSlackWebApi({
    token: 'xoxb-test',
    fetch,
    sleep: async (ms) => void waits.push(ms),
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 3_000,
  });
  return { chat, calls, waits };
}

const ok = (body: Record<string, unknown>) => new Response(JSON.stringify({ ok: true, ...body }), { status: 200 });
const message = { text: '결재 요청', blocks: [] };

describe('the Slack Web API adapter', () => {
  it('posts a DM with the bot token and returns where it landed', async () => {
    const { chat, calls } = scriptedSlack([ok({ channel: 'D123', ts: '1700000000.000100' })]);
    expect(await chat.post('U42', message)).toEqual({ channel: 'D123', ts: '1700000000.000100' });
    expect(calls[0]).toMatchObject({
      url: 'https://slack.com/api/chat.postMessage',
      authorization: 'Bearer xoxb-test',
      body: { channel: 'U42', text: '결재 요청' },
    });
  });

  it('waits what Retry-After says on a 429, then succeeds', async () => {
    const { chat, calls, waits } = scriptedSlack([new Response('', { status: 429, headers: { 'retry-after': '2' } }), ok({})]);
    await chat.update({ channel: 'D1', ts: '1.2' }, message);
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([2_000]);
  });

  it('retries 5xx and network failures with growing waits', async () => {
    const { chat, calls, waits } = scriptedSlack([
      new Response('', { status: 503 }),
      new TypeError('fetch failed'),
      ok({ channel: 'D1', ts: '1.3' }),
    ]);
    await chat.post('U1', message);
    expect(calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Infinity);
  });

  it('gives up after its attempts, and at once when Retry-After is longer than it may wait', async () => {
    const down = scriptedSlack(Array.from({ length: 4 }, () => new Response('', { status: 500 })));
    await expect(down.chat.post('U1', message)).rejects.toBeInstanceOf(SlackUnavailableError);
    expect(down.calls).toHaveLength(4);
    const limited = scriptedSlack([new Response('', { status: 429, headers: { 'retry-after': '30' } })]);
    await expect(limited.chat.post('U1', message)).rejects.toThrow(/Retry-After 30/);
    expect(limited.calls).toHaveLength(1);
  });

  it("does not retry Slack's own refusals (they will not change)", async () => {
    const { chat, calls } = scriptedSlack([new Response(JSON.stringify({ ok: false, error: 'channel_not_found' }), { status: 200 })]);
    await expect(chat.post('U1', message)).rejects.toEqual(new SlackApiError('chat.postMessage', 'channel_not_found'));
    expect(calls).toHaveLength(1);
  });
});
