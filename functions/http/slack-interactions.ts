import { UnauthorizedError } from '../../shared/kernel/errors.js';
import { verifySlackRequest } from '../../shared/kernel/slack-signature.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeSlackInteractions } from '../../shared/use-cases/slack-interactions.js';
import { decideStepFromEnv, supplementRequestFromEnv } from '../approval-wiring.js';
import { chatFromEnv, slackSigningSecretFromEnv } from '../chat-wiring.js';
import { log } from '../observability.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { slackInteractions as operation } from './contract/operations.js';
import { bodyBytes, header, jsonApi, reply } from './http-api.js';

const clock = clockFromEnv();
const signingSecret = slackSigningSecretFromEnv();
const handle = makeSlackInteractions({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  chat: chatFromEnv({ interactive: true }),
  clock,
  decideStep: decideStepFromEnv({ interactive: true }),
  supplement: supplementRequestFromEnv({ interactive: true }),
  policy: officePolicy,
  log: log.warn,
});

/**
 * POST /slack/interactions — Slack's interactivity endpoint (public: the signature is the
 * credential). Verified on the raw body bytes before anything is read; anything unverified is 401
 * and decides nothing. Answers within Slack's 3 seconds: the decision is a few table writes.
 */
export const handler = jsonApi(operation, async (event) => {
  const body = bodyBytes(event);
  const verified = verifySlackRequest({
    signingSecret: await signingSecret(),
    timestamp: header(event, 'x-slack-request-timestamp'),
    signature: header(event, 'x-slack-signature'),
    body,
    now: clock.now(),
  });
  if (!verified.ok) {
    log.warn('Slack request refused', { reason: verified.reason });
    throw new UnauthorizedError('Slack 요청 서명을 확인할 수 없습니다.');
  }
  const payload = new URLSearchParams(body.toString('utf8')).get('payload');
  let parsed: unknown;
  try {
    parsed = payload ? JSON.parse(payload) : undefined;
  } catch {
    parsed = undefined;
  }
  const answer = await handle(parsed);
  // Slack takes an empty 200 as the acknowledgement; a modal's field errors come as JSON.
  return answer ? reply(operation, 200, answer) : { statusCode: 200, body: '' };
});
