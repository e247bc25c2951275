import { formatKrw, formatSeoulDateTime } from '../kernel/seoul-time.js';
import type { ChatMessage } from '../ports/messaging.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import type { RequestDescription } from '../requests/per-kind.js';
import type { ApprovalStep, Decision } from '../requests/request.js';
import { actionLabel, occasionPrefix, type StepOccasion } from './wording.js';

/**
 * Slack messages (Block Kit), in Korean. A sensitive kind says only that a decision awaits: its
 * details are on the link page, which logs the read. Buttons carry the link's hash, never the link
 * id or a task token; a click counts only from the Slack user the step's holder is in the directory.
 */
export const SLACK_ACTIONS = { approve: 'approve', reject: 'reject', supplement: 'supplement', open: 'open' } as const;
export const REJECT_MODAL = 'reject-comment';
export const SUPPLEMENT_MODAL = 'supplement-request';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
/** Slack mrkdwn control characters, escaped as Slack asks. */
const plain = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export type ChatOccasion = StepOccasion;

function summaryLines(request: ApprovalRequest, kind: RequestDescription): string[] {
  if (kind.sensitive) return ['개인 건강 정보가 포함된 요청입니다. 내용은 *상세 보기*에서 확인하세요 (열람 기록이 남습니다).'];
  const line = ([label, value]: [string, string]) => `*${plain(label)}*: ${plain(value)}`;
  const lines = kind.summary.map(line);
  if (request.reimbursableAmount !== undefined) lines.push(line(['지원 금액', formatKrw(request.reimbursableAmount)]));
  return [...lines, ...kind.progress.map(line)];
}

/** A step reaching its holder on Slack: what, from whom, and 승인 / 반려 / 보완 요청 / 상세 보기. */
export function approvalRequestMessage(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  step: ApprovalStep;
  linkHash: string;
  url: string;
  expiresAt: string;
  occasion: ChatOccasion;
  note?: string;
}): ChatMessage {
  const { request, kind, step, linkHash, url, expiresAt, occasion, note } = input;
  const verb = actionLabel[step.action];
  const title = `${occasionPrefix[occasion]}[${verb} 요청] ${kind.label} — ${request.requesterName}`;
  const needsInput = step.input !== undefined;
  const buttons = [
    ...(needsInput
      ? []
      : [{ type: 'button', action_id: SLACK_ACTIONS.approve, text: { type: 'plain_text', text: '승인' }, style: 'primary', value: linkHash }]),
    { type: 'button', action_id: SLACK_ACTIONS.reject, text: { type: 'plain_text', text: '반려' }, style: 'danger', value: linkHash },
    { type: 'button', action_id: SLACK_ACTIONS.supplement, text: { type: 'plain_text', text: '보완 요청' }, value: linkHash },
    { type: 'button', action_id: SLACK_ACTIONS.open, text: { type: 'plain_text', text: needsInput ? '상세 보기·입력 후 승인' : '상세 보기' }, url },
  ];
  return {
    text: title,
    blocks: [
      section(`*${plain(title)}*\n요청 번호 ${request.id} · ${formatSeoulDateTime(request.createdAt)} 제출`),
      ...(step.actingForName ? [context(`${plain(step.actingForName)}님 부재로 대신 결정합니다(대결).`)] : []),
      ...(note ? [context(plain(note))] : []),
      section(summaryLines(request, kind).join('\n')),
      ...(step.delegatedAuthority ? [context(plain(step.delegatedAuthority))] : []),
      ...(needsInput ? [context('승인하려면 상세 보기에서 입력할 내용(견적 금액, 배정 차량 등)이 있습니다.')] : []),
      { type: 'actions', block_id: 'decision', elements: buttons },
      context(`결재 기한: ${formatSeoulDateTime(expiresAt)}`),
    ],
  };
}

const channelLabel = { slack: 'Slack', 'email-link': '메일 링크', api: 'API' } as const;

/** The message once the step is decided (whichever way): who decided what and when; no buttons. */
export function decidedMessage(input: {
  request: ApprovalRequest;
  kind: Pick<RequestDescription, 'label'>;
  step: ApprovalStep;
  decision: Decision;
  deciderName: string;
}): ChatMessage {
  const { request, kind, step, decision, deciderName } = input;
  const verdict = decision === 'approve' ? '✅ 승인' : '↩️ 반려';
  const how = step.channel ? channelLabel[step.channel] : '';
  const text = `${verdict} — ${kind.label} (${request.requesterName}, ${request.id})`;
  return {
    text,
    blocks: [
      section(`*${plain(text)}*`),
      context(
        `${plain(deciderName)}님이 ${formatSeoulDateTime(step.decidedAt ?? new Date().toISOString())}에 ${how ? `${how}로 ` : ''}결정했습니다.` +
          (step.comment ? ` 의견: ${plain(step.comment)}` : ''),
      ),
    ],
  };
}

/** The message once its buttons no longer work: the step moved to someone else, a newer message, or the request closed. */
export function closedMessage(input: { request: ApprovalRequest; kind: Pick<RequestDescription, 'label'>; reason: string }): ChatMessage {
  const text = `${input.kind.label} (${input.request.requesterName}, ${input.request.id})`;
  return { text: `${text} — ${input.reason}`, blocks: [section(`*${plain(text)}*`), context(plain(input.reason))] };
}

/** A notice that asks nothing to be decided (a comment on a request): what, on which request; no buttons. */
export function noticeMessage(input: {
  request: ApprovalRequest;
  kind: Pick<RequestDescription, 'label'>;
  title: string;
  text?: string;
}): ChatMessage {
  const subject = `${input.title} ${input.kind.label} (${input.request.requesterName}, ${input.request.id})`;
  return { text: subject, blocks: [section(`*${plain(subject)}*`), ...(input.text ? [context(plain(input.text))] : [])] };
}

/** The modal a 반려 opens: the comment is required. */
export function rejectModal(linkHash: string, title: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: REJECT_MODAL,
    private_metadata: linkHash,
    title: { type: 'plain_text', text: '반려 의견' },
    submit: { type: 'plain_text', text: '반려' },
    close: { type: 'plain_text', text: '취소' },
    blocks: [
      section(plain(title)),
      {
        type: 'input',
        block_id: 'comment',
        label: { type: 'plain_text', text: '반려 의견 (필수)' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1000 },
      },
    ],
  };
}

/**
 * The modal a 보완 요청 opens: what is asked (required) and, optionally, which of the kind's documents.
 * On a health kind it reminds the holder that what they type passes through Slack.
 */
export function supplementModal(input: {
  linkHash: string;
  title: string;
  documentTypes: { id: string; label: string }[];
  sensitive: boolean;
}): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: SUPPLEMENT_MODAL,
    private_metadata: input.linkHash,
    title: { type: 'plain_text', text: '보완 요청' },
    submit: { type: 'plain_text', text: '보완 요청' },
    close: { type: 'plain_text', text: '취소' },
    blocks: [
      section(plain(input.title)),
      ...(input.sensitive ? [context('건강 정보는 적지 마세요. 자세한 내용이 필요하면 상세 보기 화면에서 요청하세요.')] : []),
      {
        type: 'input',
        block_id: 'comment',
        label: { type: 'plain_text', text: '요청 내용 (필수)' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1000 },
      },
      ...(input.documentTypes.length
        ? [
            {
              type: 'input',
              block_id: 'documents',
              optional: true,
              label: { type: 'plain_text', text: '요청할 서류' },
              element: {
                type: 'checkboxes',
                action_id: 'value',
                options: input.documentTypes.map((type) => ({ text: { type: 'plain_text', text: type.label }, value: type.id })),
              },
            },
          ]
        : []),
    ],
  };
}
