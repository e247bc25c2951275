import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { makeOutboxChat, makeSlackWebApi, noChat } from '../shared/adapters/slack.js';
import { readConfig } from '../shared/kernel/config.js';
import type { Chat } from '../shared/ports/messaging.js';
import { observedChat } from './observability.js';

/** The Slack app's credentials, as the operator stores them in the stack's secret. */
const slackSecretSchema = z.object({ botToken: z.string().min(1), signingSecret: z.string().min(1) });
export type SlackSecret = z.infer<typeof slackSecretSchema>;

/** Reads the secret once per function instance (on first use), never at every call. */
function slackSecretLoader(secretArn: string): () => Promise<SlackSecret> {
  let loading: Promise<SlackSecret> | undefined;
  return () => {
    // Secrets Manager loads with the first Slack call, not at every cold start.
    loading ??= import('../shared/adapters/aws/secrets-client.js')
      .then(({ secretsManager }) => secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn })))
      .then((result) => {
        const parsed = slackSecretSchema.safeParse(JSON.parse(result.SecretString ?? '{}'));
        if (!parsed.success) throw new Error('the Slack secret must hold {"botToken", "signingSecret"}; see the README');
        return parsed.data;
      })
      .catch((error: unknown) => {
        loading = undefined; // try again next time
        throw error;
      });
    return loading;
  };
}

/**
 * `CHAT_TRANSPORT`: `slack` (AWS: the bot token from the secret `SLACK_SECRET_ARN`), `outbox`
 * (locally: JSON files in `CHAT_OUTBOX_DIR`) or unset/`none` (no Slack). Read at load, like every setting.
 */
export function chatFromEnv(options: { interactive?: boolean } = {}): Chat {
  // Inside Slack's 3-second acknowledgement, a struggling Slack gets one quick retry, not four patient ones.
  const retries = options.interactive ? { maxAttempts: 2, maxDelayMs: 500, timeoutMs: 1_000 } : {};
  const { CHAT_TRANSPORT } = readConfig({ CHAT_TRANSPORT: z.enum(['slack', 'outbox', 'none']).default('none') });
  switch (CHAT_TRANSPORT) {
    case 'outbox':
      return observedChat(makeOutboxChat(readConfig({ CHAT_OUTBOX_DIR: z.string().min(1) }).CHAT_OUTBOX_DIR));
    case 'none':
      return noChat;
    case 'slack': {
      const secret = slackSecretLoader(readConfig({ SLACK_SECRET_ARN: z.string().startsWith('arn:') }).SLACK_SECRET_ARN);
      let api: Chat | undefined;
      const chat = async () => (api ??= makeSlackWebApi({ token: (await secret()).botToken, ...retries }));
      return observedChat({
        post: async (userId, message) => (await chat()).post(userId, message),
        update: async (ref, message) => (await chat()).update(ref, message),
        openModal: async (triggerId, view) => (await chat()).openModal(triggerId, view),
        ephemeral: async (channel, userId, text) => (await chat()).ephemeral(channel, userId, text),
      });
    }
  }
}

/** The signing secret Slack signs interactions with: `SLACK_SIGNING_SECRET` locally, the stack's secret in AWS. */
export function slackSigningSecretFromEnv(): () => Promise<string> {
  const { SLACK_SIGNING_SECRET, SLACK_SECRET_ARN } = readConfig({
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_SECRET_ARN: z.string().optional(),
  });
  if (SLACK_SIGNING_SECRET) return async () => SLACK_SIGNING_SECRET;
  if (!SLACK_SECRET_ARN) throw new Error('Invalid configuration: SLACK_SIGNING_SECRET or SLACK_SECRET_ARN is required');
  const secret = slackSecretLoader(SLACK_SECRET_ARN);
  return async () => (await secret()).signingSecret;
}
