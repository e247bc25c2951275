import { documentLabel } from '../documents/document-labels.js';
import { formatBytes } from '../documents/document-policy.js';
import { formatKrw, formatSeoulDateTime } from '../kernel/seoul-time.js';
import type { StepInputField } from '../requests/kind.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import type { RequestDescription } from '../requests/per-kind.js';
import type { ApprovalStep, Decision } from '../requests/request.js';
import { escapeHtml, htmlDocument, table } from './html.js';
import { actionLabel, stepStatusLabel } from './wording.js';

function requestTable(request: ApprovalRequest, kind: RequestDescription): string {
  const rows: [string, string][] = [
    ['요청 번호', request.id],
    ['종류', kind.label],
    ['요청자', request.requesterName],
    ['제출일시', formatSeoulDateTime(request.createdAt)],
    ...kind.summary,
  ];
  if (request.capAmount !== undefined) rows.push(['지원 한도', formatKrw(request.capAmount)]);
  if (request.reimbursableAmount !== undefined) rows.push(['지원 가능 금액', formatKrw(request.reimbursableAmount)]);
  return table(rows);
}

function lineTable(request: ApprovalRequest): string {
  return table(
    request.steps.map((step) => [
      `${step.stage + 1}. ${actionLabel[step.action]}`,
      [
        `${step.approverName} ${step.approverPosition}${step.actingForName ? ` (${step.actingForName} 대결)` : ''}`,
        ` — ${stepStatusLabel[step.status]}${step.decidedAt ? ` (${formatSeoulDateTime(step.decidedAt)})` : ''}`,
        step.skipReason ? ` · 생략 사유: ${step.skipReason}` : '',
        step.comment ? ` · ${step.comment}` : '',
      ].join(''),
    ]),
  );
}

/** 붙임: each document as a link that opens it (while the page's link is open), with its type, name and size. */
function documentList(request: ApprovalRequest, base: string): string {
  const attachments = request.attachments ?? [];
  if (attachments.length === 0) return '<h2>붙임</h2><p>첨부된 서류가 없습니다.</p>';
  const items = attachments.map(
    (attachment) =>
      `<li>${escapeHtml(documentLabel(request.kind, attachment.documentType))}: ` +
      `<a href="${escapeHtml(base + attachment.id)}">${escapeHtml(attachment.fileName)}</a> (${escapeHtml(formatBytes(attachment.sizeBytes))})</li>`,
  );
  return `<h2>붙임</h2><ul class="documents">${items.join('')}</ul>`;
}

const actingForNotice = (principal: string) =>
  `<p class="notice">${escapeHtml(principal)}님의 부재로 대신 결정합니다(대결). 결정 내용은 ${escapeHtml(principal)}님께 사후 보고됩니다.</p>`;

/** GET /decisions/{linkId}: shows the request and a form. Rendering it changes nothing. */
export function decisionFormPage(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  step: ApprovalStep;
  action: string;
  expiresAt: string;
  error?: string;
  /** What an input step records with an approval (a triage estimate, a vehicle). */
  inputFields?: StepInputField[];
  /** What helps fill them in (the free vehicles right now, the suggestion first). */
  inputHints?: string[];
  /** What the approver sent, shown again with `error` so nothing they typed is lost. */
  values?: Record<string, unknown>;
}): string {
  const { request, kind, step, action, expiresAt, error, inputFields = [], inputHints = [], values = {} } = input;
  const sent = (name: string) => (typeof values[name] === 'string' ? values[name] : '');
  const checked = (decision: Decision) => (values['decision'] === decision ? ' checked' : '');
  const fields = inputFields
    .map(
      (field) =>
        `<p><label for="${escapeHtml(field.name)}">${escapeHtml(field.label)}${field.required ? ' (승인할 때 필수)' : ''}</label><br>` +
        `<input id="${escapeHtml(field.name)}" name="${escapeHtml(field.name)}" ` +
        `type="${field.type === 'number' ? 'text" inputmode="numeric' : 'text'}" value="${escapeHtml(sent(field.name))}">` +
        `${field.help ? `<br><small>${escapeHtml(field.help)}</small>` : ''}</p>`,
    )
    .join('\n');
  const verb = actionLabel[step.action];
  return htmlDocument(
    `${kind.label} ${verb}`,
    `<h1>${escapeHtml(kind.label)} ${verb}</h1>
<p>${escapeHtml(step.approverName)}님의 ${verb}를 기다리는 요청입니다. 내용을 확인하고 결정해 주세요.</p>
${step.actingForName ? actingForNotice(step.actingForName) : ''}
${step.delegatedAuthority ? `<p>${escapeHtml(step.delegatedAuthority)}</p>` : ''}
${error ? `<p class="notice" role="alert">${escapeHtml(error)}</p>` : ''}
${requestTable(request, kind)}
${documentList(request, `./${action.replace(/^\.\//, '')}/attachments/`)}
<h2>결재선</h2>
${lineTable(request)}
<form method="post" action="${escapeHtml(action)}">
<p><label><input type="radio" name="decision" value="approve" required${checked('approve')}> 승인</label>
<label><input type="radio" name="decision" value="reject"${checked('reject')}> 반려</label></p>
${inputHints.length > 0 ? `<ul>${inputHints.map((hint) => `<li>${escapeHtml(hint)}</li>`).join('')}</ul>` : ''}
${fields}
<p><label for="comment">의견 (반려할 때는 반드시 입력)</label><br><textarea id="comment" name="comment" maxlength="1000">${escapeHtml(sent('comment'))}</textarea></p>
<p><button type="submit">결정 제출</button></p>
</form>
<p>이 링크는 ${escapeHtml(formatSeoulDateTime(expiresAt))}까지 한 번만 사용할 수 있습니다.</p>`,
  );
}

export function decisionRecordedPage(input: { request: ApprovalRequest; kind: RequestDescription; decision: Decision }): string {
  const { request, kind, decision } = input;
  const result = decision === 'approve' ? '승인' : '반려';
  return htmlDocument(
    '결정이 기록되었습니다',
    `<h1>${result} 처리되었습니다</h1>
<p>${escapeHtml(kind.label)} 요청 ${escapeHtml(request.id)}에 대한 결정이 기록되었습니다. 이 창을 닫으셔도 됩니다.</p>
${lineTable(request)}`,
  );
}

/** Why a link cannot be used (already decided, withdrawn, expired, unknown), in plain Korean. */
export function linkProblemPage(title: string, message: string): string {
  return htmlDocument(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
