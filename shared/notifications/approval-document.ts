import { documentLabel } from '../documents/document-labels.js';
import { formatBytes } from '../documents/document-policy.js';
import { formatSeoulDateTime, seoulDate } from '../kernel/seoul-time.js';
import type { HistoryEvent } from '../requests/history.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { statusLabel } from '../requests/kinds/index.js';
import type { RequestDescription } from '../requests/per-kind.js';
import type { ApprovalStep } from '../requests/request.js';
import { escapeHtml } from './html.js';

/**
 * The 결재문서: a decided (or pending) request as the printable document the office files — laid
 * out for A4, in the order of a 기안문 (행정업무규정 시행규칙 별지 제1호서식): 문서번호 and
 * 시행일자, 제목, 내용, 붙임, then the 결재란 (검토·결재) and 협조란 with each step's position,
 * name, decision and date, and the marks the rules use — 전결 at the deciding level, 대결 with the
 * deputy beside the absent approver, 검토 생략 with its reason — and the round's 보완 rounds.
 */

const decisionWord: Record<ApprovalStep['status'], string> = {
  approved: '승인',
  rejected: '반려',
  skipped: '검토 생략',
  waiting: '결재 대기',
  pending: '',
  cancelled: '취소',
};

function stepCell(step: ApprovalStep, positionOf: (personId: string) => string | undefined): string {
  // 대결: the column is the absent approver's (their position), the deputy who decided beside their name.
  const position = (step.actingForId && positionOf(step.actingForId)) || step.approverPosition;
  const who = step.actingForName
    ? // 대결: the absent approver's place, the deputy who decided beside it.
      `${escapeHtml(step.actingForName)}<br><span class="mark">대결</span> ${escapeHtml(step.approverName)}`
    : escapeHtml(step.approverName);
  const marks = [
    step.delegatedAuthority && step.status === 'approved' ? '<span class="mark">전결</span>' : '',
    step.status === 'skipped' ? `<span class="mark">검토 생략</span><br><small>${escapeHtml(step.skipReason ?? '')}</small>` : '',
  ].join('');
  const when = step.decidedAt ? seoulDate(new Date(step.decidedAt)).replaceAll('-', '. ') : '';
  return `<td><div class="position">${escapeHtml(position)}</div><div class="name">${who}</div><div class="decision">${marks}${
    step.status === 'skipped' ? '' : escapeHtml(decisionWord[step.status])
  }</div><div class="date">${escapeHtml(when)}</div></td>`;
}

function signatureTable(title: string, steps: ApprovalStep[], positionOf: (personId: string) => string | undefined): string {
  if (steps.length === 0) return '';
  return `<table class="signatures"><tr><th class="side">${title}</th>${steps.map((step) => stepCell(step, positionOf)).join('')}</tr></table>`;
}

export function approvalDocument(input: {
  request: ApprovalRequest;
  kind: RequestDescription;
  history: HistoryEvent[];
  /** The position of each absent approver a deputy decided for (대결), from the directory. */
  positions?: Record<string, string>;
}): string {
  const positionOf = (personId: string) => input.positions?.[personId];
  const { request, kind, history } = input;
  const round = request.steps;
  const signing = round.filter((step) => step.action !== 'cooperate');
  const cooperating = round.filter((step) => step.action === 'cooperate');
  const supplements = history.filter(
    (event) => event.round === request.round && (event.action === 'supplement-requested' || event.action === 'supplemented'),
  );
  const rows = kind.summary.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  const attachments = request.attachments ?? [];
  const registration = request.registration;
  const title = `${kind.label} — ${request.requesterName}`;
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(registration?.number ?? request.id)} ${escapeHtml(title)}</title>
<style>
@page{size:A4;margin:20mm 18mm}
body{font-family:"Malgun Gothic","NanumGothic","Apple SD Gothic Neo",sans-serif;color:#000;font-size:10.5pt;line-height:1.5;margin:0 auto;max-width:174mm}
h1{text-align:center;font-size:16pt;letter-spacing:.3em;margin:0 0 6mm}
table{border-collapse:collapse;width:100%;margin:0 0 4mm}th,td{border:1px solid #000;padding:1.5mm 2mm;text-align:left;vertical-align:top}
th{background:#f2f2f2;width:28mm;font-weight:normal}
.signatures td{text-align:center;width:30mm;height:22mm}.signatures th.side{width:12mm;text-align:center;vertical-align:middle}
.position{font-size:9pt}.name{font-weight:bold}.mark{border:1px solid #000;border-radius:2px;padding:0 1mm;font-size:9pt}
.date{font-size:8.5pt}.meta td,.meta th{border:none;padding:.5mm 0}.supplements{font-size:9pt}
@media screen{body{margin:8mm auto}}
</style>
</head>
<body>
<h1>${escapeHtml(kind.label)}</h1>
${signatureTable('결재', signing, positionOf)}
${signatureTable('협조', cooperating, positionOf)}
<table class="meta">
<tr><th>문서번호</th><td>${escapeHtml(registration?.number ?? `미등록 (${statusLabel(request.status)})`)}</td></tr>
<tr><th>시행일자</th><td>${escapeHtml(registration ? seoulDate(new Date(registration.at)) : '-')}</td></tr>
<tr><th>기안자</th><td>${escapeHtml(request.requesterName)} (${escapeHtml(formatSeoulDateTime(request.createdAt))} 상신${request.round > 1 ? `, ${request.round}차 상신` : ''})</td></tr>
<tr><th>제목</th><td>${escapeHtml(title)}</td></tr>
</table>
<table>${rows}${request.reimbursableAmount !== undefined ? `<tr><th>지원 금액</th><td>${escapeHtml(request.reimbursableAmount.toLocaleString('ko-KR'))}원</td></tr>` : ''}</table>
<p><strong>붙임</strong> ${
    attachments.length === 0
      ? '없음'
      : attachments
          .map(
            (attachment, index) =>
              `${index + 1}. ${escapeHtml(documentLabel(request.kind, attachment.documentType))} (${escapeHtml(attachment.fileName)}, ${escapeHtml(formatBytes(attachment.sizeBytes))})`,
          )
          .join('&nbsp; ')
  }${attachments.length ? '&nbsp; 끝.' : ''}</p>
${
  supplements.length
    ? `<table class="supplements"><tr><th>보완</th><td>${supplements
        .map(
          (event) =>
            `${escapeHtml(formatSeoulDateTime(event.at))} ${escapeHtml(event.actorName ?? event.actorId)} ${event.action === 'supplement-requested' ? '보완 요청' : '보완'}`,
        )
        .join('<br>')}</td></tr></table>`
    : ''
}
</body>
</html>
`;
}
