import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { readConfig } from '../../shared/kernel/config.js';
import { buttonClick, localSlackSigningSecret, modalSubmission, type OutboxSlackMessage, postSlackInteraction } from './slack-local.js';

/**
 * `npm run --silent slack-click -- <outbox message .json> approve|reject|supplement ["의견"]`: clicks a
 * button of a Slack message in the local outbox as its recipient would, correctly signed, so the
 * Slack flow can be tried without Slack. A 반려 or 보완 요청 opens its modal, then submits it with the comment.
 */
const { DATA_DIR } = readConfig({ DATA_DIR: z.string().min(1).default('.local') });
const [file, action, comment] = process.argv.slice(2);
if (!file || (action !== 'approve' && action !== 'reject' && action !== 'supplement') || (action !== 'approve' && !comment)) {
  console.error(
    'usage: npm run --silent slack-click -- <outbox/slack/...-chat.postMessage.json> approve|reject|supplement ["반려 의견 / 보완 요청 내용"]',
  );
  process.exit(2);
}
const { apiUrl } = z.object({ apiUrl: z.string() }).parse(JSON.parse(await readFile(join(DATA_DIR, 'runtime.json'), 'utf8')));
const signingSecret = await localSlackSigningSecret(DATA_DIR);
const clock = async () => new Date(z.object({ now: z.string() }).parse(await (await fetch(`${apiUrl}/_local/clock`)).json()).now);
const message = JSON.parse(await readFile(file, 'utf8')) as OutboxSlackMessage;
const click = await postSlackInteraction({ apiUrl, signingSecret, payload: buttonClick(message, action), now: await clock() });
console.log(`${action} click → ${click.status} ${click.text}`);
if (action !== 'approve') {
  const outbox = join(DATA_DIR, 'outbox', 'slack');
  const modals = (await readdir(outbox)).filter((name) => name.endsWith('views.open.json')).sort();
  const latest = modals.at(-1);
  if (!latest) throw new Error('no modal was opened (see the click answer above)');
  const modal = JSON.parse(await readFile(join(outbox, latest), 'utf8')) as { view: { private_metadata: string; callback_id: string } };
  const submitted = await postSlackInteraction({
    apiUrl,
    signingSecret,
    payload: modalSubmission(modal, comment ?? '', message.user),
    now: await clock(),
  });
  console.log(`${action === 'reject' ? '반려' : '보완 요청'} modal → ${submitted.status} ${submitted.text}`);
}
