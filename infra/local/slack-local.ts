import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local Slack app's signing secret, under `$DATA_DIR/keys/`: created on first start and kept,
 * so the runtime (verifying) and the "try it" command (signing) agree across restarts.
 */
export async function localSlackSigningSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, 'keys', 'slack-signing-secret');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    const secret = randomBytes(16).toString('hex');
    await writeFile(path, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/** A Slack DM as the local outbox holds it (`chat.postMessage`). */
export interface OutboxSlackMessage {
  method: string;
  user: string;
  channel: string;
  ts: string;
  text: string;
  blocks: { type: string; elements?: { action_id?: string; value?: string; url?: string }[] }[];
}

/** The `block_actions` payload Slack sends when `slackUserId` clicks the button `actionId` of `message`. */
export function buttonClick(
  message: OutboxSlackMessage,
  actionId: 'approve' | 'reject' | 'supplement',
  slackUserId = message.user,
): Record<string, unknown> {
  const button = message.blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === actionId);
  if (!button?.value) throw new Error(`the message has no ${actionId} button`);
  return {
    type: 'block_actions',
    user: { id: slackUserId },
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    channel: { id: message.channel },
    container: { type: 'message', channel_id: message.channel, message_ts: message.ts },
    actions: [{ action_id: actionId, value: button.value, type: 'button' }],
  };
}

/**
 * The `view_submission` payload of the 반려 or 보완 요청 modal (`views.open` in the outbox), with
 * `comment` and, for a 보완 요청, the documents ticked.
 */
export function modalSubmission(
  modal: { view: { private_metadata: string; callback_id: string } },
  comment: string,
  slackUserId: string,
  documentTypes?: string[],
): Record<string, unknown> {
  return {
    type: 'view_submission',
    user: { id: slackUserId },
    view: {
      callback_id: modal.view.callback_id,
      private_metadata: modal.view.private_metadata,
      state: {
        values: {
          comment: { value: { type: 'plain_text_input', value: comment } },
          ...(documentTypes ? { documents: { value: { type: 'checkboxes', selected_options: documentTypes.map((value) => ({ value })) } } } : {}),
        },
      },
    },
  };
}

/** Posts an interaction to the local endpoint the way Slack does: form-encoded `payload`, signed now (on the local clock). */
export async function postSlackInteraction(input: {
  apiUrl: string;
  signingSecret: string;
  payload: Record<string, unknown>;
  now: Date;
}): Promise<{ status: number; text: string }> {
  const body = Buffer.from(new URLSearchParams({ payload: JSON.stringify(input.payload) }).toString(), 'utf8');
  const timestamp = String(Math.floor(input.now.getTime() / 1000));
  const { signSlackRequest } = await import('../../shared/kernel/slack-signature.js');
  const response = await fetch(`${input.apiUrl}/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(input.signingSecret, timestamp, body),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}
