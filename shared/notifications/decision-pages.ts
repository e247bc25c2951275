import { documentLabel } from '../documents/document-labels.js';
import { formatBytes } from '../documents/document-policy.js';
import { formatKrw, formatSeoulDateTime } from '../kernel/seoul-time.js';
import type { StepInputField } from '../requests/kind.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import type { RequestDescription } from '../requests/per-kind.js';
import type { ApprovalStep } from '../requests/request.js';
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
  /** Why the stage is open again: the latest 보완 answer or 전단계 반려 of the round. */
  reopened?: { action: string; at: string; byName: string; comment?: string };
  /** What the holder can do instead of deciding (none of it for a step that cannot). */
  alternatives?: {
    supplementTypes: { id: string; label: string }[];
    returnToPrevious: boolean;
    reassignTo: { id: string; name: string; position: string }[];
  };
}): string {
  const { request, kind, step, action, expiresAt, error, inputFields = [], inputHints = [], values = {}, reopened, alternatives } = input;
  const sent = (name: string) => (typeof values[name] === 'string' ? values[name] : '');
  const checked = (decision: string) => (values['decision'] === decision ? ' checked' : '');
  const ticked = (type: string) => {
    const sentTypes = values['documentTypes'];
    return (Array.isArray(sentTypes) ? sentTypes.includes(type) : sentTypes === type) ? ' checked' : '';
  };
  const option = (value: string, label: string) => `<label><input type="radio" name="decision" value="${value}"${checked(value)}> ${label}</label>`;
  const others = alternatives
    ? [
        `<fieldset><legend>결정 대신</legend>`,
        `<p>${option('supplement', '보완 요청')} <small>요청자에게 서류나 수정을 요청합니다. 보완되면 이 단계로 다시 옵니다.</small></p>`,
        alternatives.supplementTypes.length
          ? `<p>요청할 서류: ${alternatives.supplementTypes
              .map(
                (type) =>
                  `<label><input type="checkbox" name="documentTypes" value="${escapeHtml(type.id)}"${ticked(type.id)}> ${escapeHtml(type.label)}</label>`,
              )
              .join(' ')}</p>`
          : '',
        alternatives.returnToPrevious ? `<p>${option('return-to-previous', '전단계 반려')} <small>앞 단계의 결정을 다시 받습니다.</small></p>` : '',
        alternatives.reassignTo.length
          ? `<p>${option('reassign', '지정')} <label for="toId">받을 직원</label> <select id="toId" name="toId"><option value="">선택</option>${alternatives.reassignTo
              .map(
                (person) =>
                  `<option value="${escapeHtml(person.id)}"${sent('toId') === person.id ? ' selected' : ''}>${escapeHtml(`${person.name} ${person.position}`)}</option>`,
              )
              .join('')}</select></p>`
          : '',
        `<p>${option('comment', '의견만 남기기')} <small>결정하지 않고 의견을 기록합니다. 이 링크는 계속 쓸 수 있습니다.</small></p>`,
        `</fieldset>`,
      ].join('\n')
    : '';
  const reopenedNotice = reopened
    ? `<p class="notice">${escapeHtml(formatSeoulDateTime(reopened.at))} ${escapeHtml(reopened.byName)}님이 ${
        reopened.action === 'supplemented' ? '보완했습니다' : '전단계 반려했습니다'
      }${reopened.comment ? `: ${escapeHtml(reopened.comment)}` : ''}</p>`
    : '';
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
${reopenedNotice}
${requestTable(request, kind)}
${documentList(request, `./${action.replace(/^\.\//, '')}/attachments/`)}
<h2>결재선</h2>
${lineTable(request)}
<form method="post" action="${escapeHtml(action)}">
<p><label><input type="radio" name="decision" value="approve" required${checked('approve')}> 승인</label>
<label><input type="radio" name="decision" value="reject"${checked('reject')}> 반려</label></p>
${inputHints.length > 0 ? `<ul>${inputHints.map((hint) => `<li>${escapeHtml(hint)}</li>`).join('')}</ul>` : ''}
${fields}
${others}
<p><label for="comment">의견 (승인 외에는 반드시 입력)</label><br><textarea id="comment" name="comment" maxlength="1000">${escapeHtml(sent('comment'))}</textarea></p>
<p><button type="submit">제출</button></p>
</form>
<p>이 링크는 ${escapeHtml(formatSeoulDateTime(expiresAt))}까지 한 번만 사용할 수 있습니다.</p>`,
  );
}

const recordedWording: Record<string, { title: string; text: string }> = {
  approve: { title: '승인 처리되었습니다', text: '결정이 기록되었습니다. 이 창을 닫으셔도 됩니다.' },
  reject: { title: '반려 처리되었습니다', text: '결정이 기록되었습니다. 이 창을 닫으셔도 됩니다.' },
  supplement: { title: '보완을 요청했습니다', text: '요청자에게 알렸습니다. 요청자가 보완하면 새 결재 링크를 보내 드립니다.' },
  'return-to-previous': { title: '전단계 반려했습니다', text: '앞 단계의 결정을 다시 받은 뒤 새 결재 링크를 보내 드립니다.' },
  reassign: { title: '지정했습니다', text: '지정한 직원에게 새 결재 링크를 보냈습니다. 이 링크는 더 이상 쓸 수 없습니다.' },
  comment: { title: '의견을 남겼습니다', text: '의견이 기록되었습니다. 결정은 아직 하지 않았습니다.' },
};

/** After the form: what was done, and — for a comment, which leaves the link open — the way back to decide. */
export function decisionRecordedPage(input: { request: ApprovalRequest; kind: RequestDescription; action: string; back?: string }): string {
  const { request, kind, action, back } = input;
  const wording = recordedWording[action] ?? { title: '처리되었습니다', text: '' };
  return htmlDocument(
    wording.title,
    `<h1>${escapeHtml(wording.title)}</h1>
<p>${escapeHtml(kind.label)} 요청 ${escapeHtml(request.id)}: ${escapeHtml(wording.text)}</p>
${back ? `<p><a href="${escapeHtml(back)}">결정하러 돌아가기</a></p>` : ''}
${lineTable(request)}`,
  );
}

/** Why a link cannot be used (already decided, withdrawn, expired, unknown), in plain Korean. */
export function linkProblemPage(title: string, message: string): string {
  return htmlDocument(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
