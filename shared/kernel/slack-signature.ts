import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's own window: a request signed more than five minutes from now, either way, is refused. */
const TOLERANCE_SECONDS = 300;

export type SlackVerification = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a request from Slack (https://api.slack.com/authentication/verifying-requests-from-slack)
 * on the raw body bytes: `v0=` + HMAC-SHA256(signing secret, `v0:{timestamp}:{body}`), compared in
 * constant time, with the timestamp within five minutes of `now` in either direction.
 */
export function verifySlackRequest(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  now: Date;
}): SlackVerification {
  const { signingSecret, timestamp, signature, body, now } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp' };
  if (!signature?.startsWith('v0=')) return { ok: false, reason: 'missing or malformed X-Slack-Signature' };
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > TOLERANCE_SECONDS) return { ok: false, reason: `timestamp ${Math.round(skew)} s away from now` };
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret)
      .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), body]))
      .digest('hex')}`,
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}

/** Signs a body as Slack would (the local runtime's "try it" command and tests). */
export function signSlackRequest(signingSecret: string, timestamp: string, body: Buffer): string {
  return `v0=${createHmac('sha256', signingSecret)
    .update(Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), body]))
    .digest('hex')}`;
}
