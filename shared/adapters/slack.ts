import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Chat, ChatMessage, ChatMessageRef } from '../ports/messaging.js';

/** Slack could not be reached or refused: the caller logs it and goes on (email still works). */
export class SlackUnavailableError extends Error {
  override name = 'SlackUnavailableError';
}
export class SlackApiError extends Error {
  override name = 'SlackApiError';
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`Slack ${method} failed: ${code}`);
  }
}

export interface SlackWebApiOptions {
  token: string;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Tries per call (first try included). */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** The longest single wait: a Retry-After beyond it gives up instead of holding the function. */
  maxDelayMs?: number;
  /** How long one call may take before it counts as a network failure. */
  timeoutMs?: number;
  baseUrl?: string;
}

/**
 * The Slack Web API over fetch (no SDK): JSON posts with the bot token. Rate limits (429 with
 * Retry-After), 5xx and network failures are retried with exponential backoff and jitter; Slack's
 * own `ok: false` answers are not (except `ratelimited`), since trying again cannot fix them.
 */
export function makeSlackWebApi(options: SlackWebApiOptions): Chat {
  const { token, maxAttempts = 4, baseDelayMs = 250, maxDelayMs = 4_000, timeoutMs = 5_000, baseUrl = 'https://slack.com/api' } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const backoff = (attempt: number) => Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));

  async function call(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    let lastProblem = 'no attempt';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let wait = backoff(attempt);
      try {
        const response = await fetchImpl(`${baseUrl}/${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get('retry-after') ?? '1') * 1000;
          lastProblem = `429 rate limited (Retry-After ${retryAfter / 1000} s)`;
          if (retryAfter > maxDelayMs) break; // waiting that long would hold the caller; give up now
          wait = retryAfter;
        } else if (response.status >= 500) {
          lastProblem = `HTTP ${response.status}`;
        } else {
          const data = (await response.json()) as Record<string, unknown>;
          if (data['ok'] === true) return data;
          const code = String(data['error'] ?? 'unknown_error');
          if (code !== 'ratelimited') throw new SlackApiError(method, code);
          lastProblem = code;
        }
      } catch (error) {
        if (error instanceof SlackApiError) throw error;
        lastProblem = `network: ${String(error)}`;
      }
      if (attempt < maxAttempts) await sleep(wait);
    }
    throw new SlackUnavailableError(`Slack ${method} gave up after ${maxAttempts} attempts: ${lastProblem}`);
  }

  return {
    async post(userId, message) {
      const data = await call('chat.postMessage', { channel: userId, text: message.text, blocks: message.blocks, unfurl_links: false });
      return { channel: String(data['channel']), ts: String(data['ts']) };
    },
    async update(ref, message) {
      await call('chat.update', { channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks });
    },
    async openModal(triggerId, view) {
      await call('views.open', { trigger_id: triggerId, view });
    },
    async ephemeral(channel, userId, text) {
      await call('chat.postEphemeral', { channel, user: userId, text });
    },
  };
}

/**
 * Locally, Slack calls become JSON files in the outbox (`{method, ...payload}`), one per call, in
 * the order made. A file named `.unavailable` in the directory makes every call fail as an outage
 * would, so the email path can be tried with Slack down.
 */
export function makeOutboxChat(directory: string): Chat {
  async function write(method: string, payload: Record<string, unknown>) {
    try {
      await access(join(directory, '.unavailable'));
      throw new SlackUnavailableError(`Slack ${method}: the local outbox is marked unavailable`);
    } catch (error) {
      if (error instanceof SlackUnavailableError) throw error;
    }
    await mkdir(directory, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}-${method}.json`;
    await writeFile(join(directory, `.${name}.tmp`), `${JSON.stringify({ method, ...payload }, null, 2)}\n`);
    await rename(join(directory, `.${name}.tmp`), join(directory, name));
  }
  return {
    async post(userId: string, message: ChatMessage): Promise<ChatMessageRef> {
      const ts = `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3).toString().padStart(6, '0')}`;
      const ref = { channel: `D${userId}`, ts };
      await write('chat.postMessage', { user: userId, ...ref, ...message });
      return ref;
    },
    async update(ref, message) {
      await write('chat.update', { ...ref, ...message });
    },
    async openModal(triggerId, view) {
      await write('views.open', { trigger_id: triggerId, view });
    },
    async ephemeral(channel, userId, text) {
      await write('chat.postEphemeral', { channel, user: userId, text });
    },
  };
}

/** No Slack configured: nothing is sent, nothing fails. */
export const noChat: Chat = {
  post: async () => {
    throw new SlackUnavailableError('Slack is not configured');
  },
  update: async () => undefined,
  openModal: async () => {
    throw new SlackUnavailableError('Slack is not configured');
  },
  ephemeral: async () => undefined,
};
