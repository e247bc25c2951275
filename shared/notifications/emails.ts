import { formatKrw, formatSeoulDateTime } from '../kernel/seoul-time.js';
import type { EmailMessage } from '../ports/messaging.js';
import type { Lines } from '../requests/kind.js';
import { type ApprovalRequest, statusLabel } from '../requests/kinds/index.js';
import type { RequestDescription } from '../requests/per-kind.js';
import type { ApprovalStep } from '../requests/request.js';
import { escapeHtml, htmlDocument, table } from './html.js';
import { actionLabel, occasionPrefix, type StepOccasion } from './wording.js';

interface Recipient {
  name: string;
  email: string;
}

/** Lines safe to put in an email: sensitive kinds show no health details (the link page does). */
function emailSummary(request: ApprovalRequest, kind: RequestDescription): Lines {
  const lines: Lines = [
    ['요청 번호', request.id],
    ...(request.registration ? ([['문서번호', request.registration.number]] as Lines) : []),
    ['종류', kind.label],
    ['요청자', request.requesterName],
    ['제출일시', formatSeoulDateTime(request.createdAt)],
  ];
  if (!kind.sensitive && request.reimbursableAmount !== undefined) lines.push(['지원 금액', formatKrw(request.reimbursableAmount)]);
  if (request.urgent) lines.push(['긴급도', '긴급(안전 위험)']);
  return [...lines, ...kind.progress];
}

/**
 * A notice about a request that asks nothing to be decided on a link (an urgent request reaching
 * its managing unit, a repair reported done, a missing trip log): who, what, and what to do next.
 */
export function requestNoticeEmail(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  to: Recipient;
  subject: string;
  intro: string;
  lines?: [string, string][];
  next?: string;
}): EmailMessage {
  const { request, kind, to, subject, intro, next } = input;
  const lines = [...emailSummary(request, kind), ...(kind.sensitive ? [] : kind.summary), ...(input.lines ?? [])];
  const text = [`${to.name}님,`, '', intro, '', render(lines), ...(next ? ['', next] : [])].join('\n');
  const html = htmlDocument(
    subject,
    `<p>${escapeHtml(to.name)}님,</p><p>${escapeHtml(intro)}</p>${table(lines)}${next ? `<p>${escapeHtml(next)}</p>` : ''}`,
  );
  return { to, subject: `${subject} ${kind.label} (${request.id})`, text, html };
}

function render(lines: [string, string][]): string {
  return lines.map(([label, value]) => `${label}: ${value}`).join('\n');
}

const BUTTON_STYLE = 'display:inline-block;padding:.6rem 1.2rem;background:#334e68;color:#fff;text-decoration:none';

/** Why this email: the step just reached the approver, a reminder, an escalation, a deputy (대결)… */
export type ApprovalEmailOccasion = StepOccasion;

export function approvalRequestEmail(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  step: ApprovalStep;
  approver: Recipient;
  link: string;
  expiresAt: string;
  occasion?: ApprovalEmailOccasion;
  /** One sentence on why this email came (e.g. who it was escalated from). */
  note?: string;
}): EmailMessage {
  const { request, kind, step, approver, link, expiresAt, occasion = 'new', note } = input;
  const verb = actionLabel[step.action];
  const stages = new Set(request.steps.map((candidate) => candidate.stage)).size;
  const lines = [...emailSummary(request, kind), ['단계', `${step.stage + 1}/${stages} ${verb}`] as [string, string]];
  if (step.actingForId && step.actingForName) lines.push(['대결', `${step.actingForName}님을 대신하여 결정합니다`]);
  if (step.delegatedAuthority) lines.push(['전결', step.delegatedAuthority]);
  const privacy = kind.sensitive ? '개인 건강정보가 포함된 요청이므로 상세 내용은 링크를 연 뒤에만 표시됩니다.' : '';
  const text = [
    `${approver.name}님,`,
    '',
    `${request.requesterName}님의 ${kind.label} 요청이 ${verb}를 기다리고 있습니다.`,
    note ?? '',
    '',
    render(lines),
    '',
    `${verb}하기: ${link}`,
    `링크 유효기간: ${formatSeoulDateTime(expiresAt)}까지`,
    privacy,
    '이 링크는 받는 분 전용이며 한 번만 사용할 수 있습니다. 다른 사람에게 전달하지 마세요.',
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
  const html = htmlDocument(
    `[${verb} 요청] ${kind.label}`,
    `<p>${escapeHtml(approver.name)}님,</p>
<p>${escapeHtml(request.requesterName)}님의 ${escapeHtml(kind.label)} 요청이 ${verb}를 기다리고 있습니다.</p>
${note ? `<p>${escapeHtml(note)}</p>` : ''}
${table(lines)}
<p><a href="${escapeHtml(link)}" style="${BUTTON_STYLE}">${verb}하기</a></p>
<p>링크 유효기간: ${escapeHtml(formatSeoulDateTime(expiresAt))}까지</p>
${privacy ? `<p class="notice">${privacy}</p>` : ''}
<p>이 링크는 받는 분 전용이며 한 번만 사용할 수 있습니다. 다른 사람에게 전달하지 마세요.</p>`,
  );
  return { to: approver, subject: `${occasionPrefix[occasion]}[${verb} 요청] ${kind.label} — ${request.requesterName} (${request.id})`, text, html };
}

/** Tells the requester how their request ended; `outcome` is what its kind adds (the vehicle held, the work committed) and what comes next. */
export function outcomeEmail(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  outcome: { lines: Lines; next?: string };
  requester: Recipient;
  reason?: string;
  /** Days a returned request may wait for its requester before it is withdrawn (the policy's `abandonAfterDays`). */
  abandonAfterDays?: number;
}): EmailMessage {
  const { request, kind, requester, reason } = input;
  const status = statusLabel(request.status);
  const lines: Lines = [
    ['요청 번호', request.id],
    // A final decision (approved, rejected) registers the request: its 문서번호 is what the requester quotes.
    ...(request.registration ? ([['문서번호', request.registration.number]] as Lines) : []),
    ['종류', kind.label],
    ['결과', status],
  ];
  if (request.status === 'approved' && request.reimbursableAmount !== undefined) {
    lines.push(['지원 금액', formatKrw(request.reimbursableAmount)]);
  }
  lines.push(...input.outcome.lines);
  const decidingStep = [...request.steps].reverse().find((step) => step.decidedAt);
  if (decidingStep?.comment) lines.push(['의견', decidingStep.comment]);
  if (reason) lines.push(['사유', reason]);
  const next =
    request.status === 'returned'
      ? `반려 의견을 확인한 뒤 내용을 고쳐 다시 올리거나(수정 후 재상신) 철회할 수 있습니다.${
          input.abandonAfterDays ? ` ${input.abandonAfterDays}일 동안 아무 조치가 없으면 자동으로 철회됩니다.` : ''
        }`
      : request.status === 'rejected'
        ? '이 종류의 요청은 반려로 종결됩니다. 필요하면 새로 제출하세요.'
        : request.status === 'failed'
          ? '요청 처리가 중단되었습니다. 다시 제출하시거나 총무과에 문의하세요.'
          : (input.outcome.next ?? '');
  const text = [`${requester.name}님,`, '', `${kind.label} 요청의 결과를 알려 드립니다.`, '', render(lines), '', next].join('\n').trimEnd();
  const html = htmlDocument(
    `[결재 결과] ${kind.label}`,
    `<p>${escapeHtml(requester.name)}님,</p><p>${escapeHtml(kind.label)} 요청의 결과를 알려 드립니다.</p>${table(lines)}${next ? `<p>${next}</p>` : ''}`,
  );
  return { to: requester, subject: `[결재 결과] ${kind.label} — ${status} (${request.id})`, text, html };
}

/**
 * 사후 보고: a deputy decided for an absent approver (대결); the approver is told afterwards what
 * was decided in their name. Sensitive kinds say only that a decision was taken.
 */
export function afterTheFactReportEmail(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  step: ApprovalStep;
  principal: Recipient;
  deputyName: string;
}): EmailMessage {
  const { request, kind, step, principal, deputyName } = input;
  const decision = step.status === 'approved' ? '승인' : '반려';
  const lines: [string, string][] = [
    ...emailSummary(request, kind),
    ['단계', actionLabel[step.action]],
    ['대결자', deputyName],
    ['결정', decision],
    ['결정일시', step.decidedAt ? formatSeoulDateTime(step.decidedAt) : ''],
  ];
  if (step.comment) lines.push(['의견', step.comment]);
  const text = [`${principal.name}님,`, '', `부재 중 ${deputyName}님이 대결한 사항을 사후 보고드립니다.`, '', render(lines)].join('\n');
  const html = htmlDocument(
    `[사후 보고] ${kind.label}`,
    `<p>${escapeHtml(principal.name)}님,</p><p>부재 중 ${escapeHtml(deputyName)}님이 대결한 사항을 사후 보고드립니다.</p>${table(lines)}`,
  );
  return { to: principal, subject: `[사후 보고] ${kind.label} 대결 ${decision} — ${request.requesterName} (${request.id})`, text, html };
}

/** The step left this approver (escalated to the level above): they no longer need to act, and their link no longer works. */
export function stepMovedAwayEmail(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  previous: Recipient;
  newHolder: string;
  reason: string;
}): EmailMessage {
  const { request, kind, previous, newHolder, reason } = input;
  const lines: [string, string][] = [...emailSummary(request, kind), ['이관 대상', newHolder], ['사유', reason]];
  const text = [
    `${previous.name}님,`,
    '',
    `아래 결재가 ${newHolder}님에게 이관되었습니다. 이전에 받은 링크는 더 이상 쓰이지 않습니다.`,
    '',
    render(lines),
  ].join('\n');
  const html = htmlDocument(
    `[이관 안내] ${kind.label}`,
    `<p>${escapeHtml(previous.name)}님,</p><p>아래 결재가 ${escapeHtml(newHolder)}님에게 이관되었습니다. 이전에 받은 링크는 더 이상 쓰이지 않습니다.</p>${table(lines)}`,
  );
  return { to: previous, subject: `[이관 안내] ${kind.label} — ${request.requesterName} (${request.id})`, text, html };
}
