import { describe, expect, it } from 'vitest';
import { bodyBytes } from '../../functions/http/http-api.js';
import { signSlackRequest, verifySlackRequest } from '../../shared/kernel/slack-signature.js';
import { httpEvent } from '../fixtures/http-events.js';

/** Slack's published example (https://api.slack.com/authentication/verifying-requests-from-slack). */
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const atTimestamp = (offsetSeconds = 0) => new Date((Number(TIMESTAMP) + offsetSeconds) * 1000);

const verify = (overrides: Partial<Parameters<typeof verifySlackRequest>[0]> = {}) =>
  verifySlackRequest({
    signingSecret: SECRET,
    timestamp: TIMESTAMP,
    signature: SIGNATURE,
    body: Buffer.from(BODY, 'utf8'),
    now: atTimestamp(),
    ...overrides,
  });

describe('Slack request verification', () => {
  it("accepts Slack's published example, and signs it to the published signature", () => {
    expect(verify()).toEqual({ ok: true });
    expect(signSlackRequest(SECRET, TIMESTAMP, Buffer.from(BODY, 'utf8'))).toBe(SIGNATURE);
  });

  it('refuses a tampered body, a wrong secret and a malformed signature', () => {
    expect(verify({ body: Buffer.from(BODY.replace('roadrunner', 'coyote'), 'utf8') })).toMatchObject({ ok: false });
    expect(verify({ signingSecret: `${SECRET}x` })).toMatchObject({ ok: false });
    expect(verify({ signature: SIGNATURE.slice(0, -1) })).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verify({ signature: undefined })).toMatchObject({ ok: false });
    expect(verify({ timestamp: 'yesterday' })).toMatchObject({ ok: false });
  });

  it('accepts a timestamp up to five minutes away either way, and refuses one older or newer', () => {
    expect(verify({ now: atTimestamp(300) })).toEqual({ ok: true });
    expect(verify({ now: atTimestamp(-300) })).toEqual({ ok: true });
    expect(verify({ now: atTimestamp(301) })).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') });
    // A request "from the future" (a clock ahead, or a replay prepared in advance) is refused too.
    expect(verify({ now: atTimestamp(-301) })).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') });
  });

  it('verifies a Korean body that API Gateway delivered base64-encoded, on its bytes', () => {
    // Prepare: a body carrying Korean as raw UTF-8 bytes (as JSON bodies from Slack do), then base64 as API Gateway passes it on.
    const raw = Buffer.from(`payload=${JSON.stringify({ type: 'view_submission', comment: '예산 초과로 반려합니다' })}`, 'utf8');
    const signature = signSlackRequest(SECRET, TIMESTAMP, raw);
    const event = httpEvent({ routeKey: 'POST /slack/interactions', body: undefined });
    Object.assign(event, { body: raw.toString('base64'), isBase64Encoded: true });

    // Act
    const bytes = bodyBytes(event);

    // Assess: the bytes are the original ones, the signature holds, and the Korean text survives.
    expect(bytes.equals(raw)).toBe(true);
    expect(verifySlackRequest({ signingSecret: SECRET, timestamp: TIMESTAMP, signature, body: bytes, now: atTimestamp() })).toEqual({ ok: true });
    expect(new URLSearchParams(bytes.toString('utf8')).get('payload')).toContain('예산 초과로 반려합니다');
    // Decoding the base64 as ASCII (as Bolt's receiver does) would change the bytes and fail the check.
    const asAscii = Buffer.from(Buffer.from(event.body ?? '', 'base64').toString('ascii'), 'utf8');
    expect(verifySlackRequest({ signingSecret: SECRET, timestamp: TIMESTAMP, signature, body: asAscii, now: atTimestamp() })).toMatchObject({
      ok: false,
    });
  });
});
