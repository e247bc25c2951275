import * as z from 'zod';
import { REPORT_FILES } from '../../../shared/finance/report-files.js';
import { requestKinds } from '../../../shared/requests/kinds/index.js';
import { accessLogQuery, destructionQuery } from '../../../shared/use-cases/access-log.js';
import { bulkDecisionBody, skipBody } from '../../../shared/use-cases/approvals.js';
import { attachmentIdSchema, attachmentIdsSchema, uploadBody } from '../../../shared/use-cases/attachments.js';
import { auditDecisionsQuery, auditSearchQuery } from '../../../shared/use-cases/audit.js';
import { ackBody, ccIdsSchema } from '../../../shared/use-cases/circulation.js';
import { commentBody } from '../../../shared/use-cases/comments.js';
import { decisionForm } from '../../../shared/use-cases/decide-step.js';
import { linkActionForm } from '../../../shared/use-cases/decision-links.js';
import { delegationBody } from '../../../shared/use-cases/delegations.js';
import { personBody } from '../../../shared/use-cases/directory-admin.js';
import { confirmationBody, facilityBudgetQuery, reportBody } from '../../../shared/use-cases/facility-work.js';
import { budgetQuery, paymentsBody, totalsQuery } from '../../../shared/use-cases/finance.js';
import { policyQuery } from '../../../shared/use-cases/policy-view.js';
import { auditPurposeQuery, requestPageQuery } from '../../../shared/use-cases/read-requests.js';
import { reassignBody } from '../../../shared/use-cases/reassign-step.js';
import { recallBody } from '../../../shared/use-cases/recall-request.js';
import { returnToPreviousBody } from '../../../shared/use-cases/return-to-previous.js';
import { resubmitBody } from '../../../shared/use-cases/revise-request.js';
import { roundId } from '../../../shared/use-cases/round-transfers.js';
import { idempotencyKeySchema } from '../../../shared/use-cases/submit-request.js';
import { supplementAnswerBody, supplementRequestBody } from '../../../shared/use-cases/supplement.js';
import { availabilityQuery, cancelBody, scheduleQuery, tripLogBody } from '../../../shared/use-cases/vehicle-bookings.js';
import { withdrawBody } from '../../../shared/use-cases/withdraw-request.js';
import {
  dateParam,
  defineOperation,
  employeeIdParam,
  JSON_BODY_LIMIT,
  json,
  linkIdParam,
  monthParam,
  page,
  requestIdParam,
  vehicleIdParam,
} from './operation.js';
import * as views from './views.js';

/**
 * Every operation of the API, one export each (a handler imports its own, so its bundle carries
 * only that). Routes (routes.ts and the kinds' own) name them by id; the document is made of them.
 * Request schemas are the ones the use cases parse with: declared once, there.
 */

const requestParams = { schema: z.object({ id: requestIdParam }), malformed: 'not-found' } as const;
const approvalParams = { schema: z.object({ requestId: requestIdParam }), malformed: 'not-found' } as const;
const jsonBody = (schema: z.ZodType, required = true) => ({ schema, contentType: 'application/json', required, maxBytes: JSON_BODY_LIMIT }) as const;
const fileTypes = { 'text/csv': null, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': null };

/** What a requester sends: a kind's details with its `kind` (one schema per kind, told apart by `kind`). */
function submission(kindRequired: boolean) {
  const variants = requestKinds.map((kind) => {
    if (!(kind.details instanceof z.ZodObject)) throw new Error(`${kind.id}: details must be an object schema`);
    const tag = z.literal(kind.id).meta({ description: kind.label });
    return kind.details.safeExtend({
      kind: kindRequired ? tag : tag.optional(),
      attachments: attachmentIdsSchema
        .optional()
        .meta({ description: 'Uploaded documents (POST /attachments) to bind; the kind’s required documents among them.' }),
      ccIds: ccIdsSchema
        .optional()
        .meta({ description: 'Colleagues copied (참조), where the kind’s policy allows it (never a health kind); on revision, the new list.' }),
    });
  });
  const [first, ...rest] = variants;
  if (!first) throw new Error('no request kinds');
  return kindRequired ? z.discriminatedUnion('kind', [first, ...rest]) : z.union([first, ...rest]);
}

export const submitRequest = /* @__PURE__ */ defineOperation({
  id: 'submitRequest',
  tag: 'requests',
  summary: 'Submit a request (상신)',
  description:
    'The body is one kind’s details with its `kind`. The requester is the token’s subject. A repeated `Idempotency-Key` with the same body ' +
    'returns the first result (200, `Idempotent-Replayed: true`); with another body, 422.',
  headers: z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() }),
  body: jsonBody(submission(true)),
  responses: {
    201: {
      ...json('Submitted; its approval line has started.', views.requestView),
      headers: { Location: { description: 'The request.', schema: { type: 'string' } } },
    },
    200: json('A replay of an earlier submission with the same Idempotency-Key.', views.requestView),
  },
});

export const createAttachment = /* @__PURE__ */ defineOperation({
  id: 'createAttachment',
  tag: 'documents',
  summary: 'Declare a document and get a presigned upload URL (붙임)',
  description:
    'The kind’s document types, the accepted file types and the size limit are policy (office-policy.json `documents`). The bytes are checked ' +
    'when a request binds the upload: its size and its own first bytes (PDF, JPEG, PNG, HEIC) must be what was declared here.',
  body: jsonBody(uploadBody),
  responses: { 201: json('Upload it to `upload.url` within 15 minutes.', views.uploadTicket) },
});

export const addAttachments = /* @__PURE__ */ defineOperation({
  id: 'addAttachments',
  tag: 'documents',
  summary: 'Add documents to one’s request while it is in review or returned',
  description: 'The approver holding the current step is told (without file names for health kinds).',
  params: requestParams,
  body: jsonBody(z.strictObject({ attachments: attachmentIdsSchema.min(1, { error: '추가할 첨부 파일을 하나 이상 지정하세요' }) })),
  responses: { 200: json('The request with its documents.', views.requestView) },
});

export const openAttachment = /* @__PURE__ */ defineOperation({
  id: 'openAttachment',
  tag: 'documents',
  summary: 'A document of a request: a redirect to a download URL valid 5 minutes',
  description:
    'For those who may read the request, and auditors: a health kind’s document only with `purpose` (recorded with the read; ' +
    'without it 403 and nothing is recorded). A read by anyone but the requester is recorded as `viewed`, naming the document.',
  params: { schema: z.object({ id: requestIdParam, attachmentId: attachmentIdSchema }), malformed: 'not-found' },
  query: auditPurposeQuery,
  responses: {
    303: {
      description: 'To the file, under its original name (Content-Disposition per RFC 6266/5987).',
      headers: { Location: { description: 'A presigned GET URL, valid 5 minutes.', schema: { type: 'string' } } },
      emptyAllowed: true,
    },
  },
});

export const listRequests = /* @__PURE__ */ defineOperation({
  id: 'listRequests',
  tag: 'requests',
  summary: 'The caller’s own requests, newest first',
  query: requestPageQuery,
  responses: { 200: json('A page of requests.', views.requestPage) },
});

export const listCirculation = /* @__PURE__ */ defineOperation({
  id: 'listCirculation',
  tag: 'requests',
  summary: 'What the caller reads for information (공람·참조), newest first',
  description:
    'Requests colleagues copied the caller on (참조) and approved requests circulated to the caller’s unit (공람), with whether the caller ' +
    'confirmed reading each. Read them with `GET /requests/{id}` (read-only). Never a health kind.',
  query: requestPageQuery,
  responses: { 200: json('A page of what the caller reads for information.', views.circulationPage) },
});

export const acknowledgeCirculation = /* @__PURE__ */ defineOperation({
  id: 'acknowledgeCirculation',
  tag: 'requests',
  summary: 'Confirm reading a request on circulation (확인)',
  description: 'Only for a request on the caller’s circulation list (others: 404). Recorded once in its history as `acknowledged`.',
  params: { schema: z.object({ requestId: requestIdParam }), malformed: 'not-found' },
  body: jsonBody(ackBody.unwrap(), false),
  responses: { 200: json('When the reading was confirmed.', views.acknowledgement) },
});

export const getRequest = /* @__PURE__ */ defineOperation({
  id: 'getRequest',
  tag: 'requests',
  summary: 'A request with its steps and history',
  description:
    'For the people on it only (others get 404), and read-only for auditors: a health kind’s content reaches an auditor only with ' +
    '`purpose` (recorded with the read; otherwise it is withheld). A read of a health kind by anyone but the requester is recorded.',
  params: requestParams,
  query: auditPurposeQuery,
  responses: { 200: json('The request, with `history`.', views.requestView) },
});

export const reviseRequest = /* @__PURE__ */ defineOperation({
  id: 'reviseRequest',
  tag: 'requests',
  summary: 'Revise a returned (반려) request',
  description: 'The kind’s details, as on submission; `kind` may be left out but not changed. The previous content stays in the history.',
  params: requestParams,
  body: jsonBody(submission(false)),
  responses: { 200: json('The revised request (still returned: resubmit it to go on).', views.requestView) },
});

export const auditRequests = /* @__PURE__ */ defineOperation({
  id: 'auditRequests',
  tag: 'audit',
  summary: 'Decided requests across the office, by Seoul date of decision (auditors)',
  description:
    'Numbered (finally decided) requests whose 문서번호 was given between `from` and `to` (Seoul dates, at most 366 days), oldest ' +
    'first, filtered by kind, department, status, an approver (who decided or was decided for) and `decidedAs` (전결 or 대결); each ' +
    'with every step’s decision (who, for whom, markers, rule, channel, when) and the policy version. Read from a month-keyed index: ' +
    'the cost follows the months asked, not the table. No content; a health kind’s requester is not named.',
  query: auditSearchQuery,
  responses: { 200: json('A page of decided requests.', views.auditPage) },
});

export const auditDecisionsCsv = /* @__PURE__ */ defineOperation({
  id: 'auditDecisionsCsv',
  tag: 'audit',
  summary: 'Every decision of requests decided in a Seoul date range, as CSV (auditors)',
  description: 'UTF-8 with BOM, CRLF, Korean headers: 문서번호, 종류, 부서, 결재자, 대결/전결, 결정, 일시, 채널. One row per decided step.',
  query: auditDecisionsQuery,
  responses: { 200: { description: 'The decisions, for Excel.', content: { 'text/csv': null } } },
});

export const auditAccessLog = /* @__PURE__ */ defineOperation({
  id: 'auditAccessLog',
  tag: 'audit',
  summary: 'The access log across requests (개인정보 접속기록): auditors and the privacy officer',
  description:
    'Every recorded read of a request by someone other than its requester (API, link page, documents, audit reads), oldest first: ' +
    'who, when, which request, how, on what ground (line, role, managing unit, circulation, audit with its purpose); reads outside a ' +
    'reader’s usual scope carry `flagged`. `format=csv` for the whole range (Korean headers, BOM, CRLF). Kept three years, never ' +
    'destroyed with the request. A monthly check emails the privacy officers a summary.',
  query: accessLogQuery,
  responses: {
    200: { description: 'A page of entries, or the CSV.', content: { 'application/json': views.accessLogPage, 'text/csv': null } },
  },
});

export const auditDestructions = /* @__PURE__ */ defineOperation({
  id: 'auditDestructions',
  tag: 'audit',
  summary: 'The 파기 대장 of a Seoul year (auditors and the privacy officer)',
  description: 'What was destroyed of which request (문서번호), when and under which rule, oldest first. Nothing personal.',
  query: destructionQuery,
  responses: { 200: json('The year’s destructions.', views.destructionRegister) },
});

export const getPolicy = /* @__PURE__ */ defineOperation({
  id: 'getPolicy',
  tag: 'directory',
  summary: 'The policy in force, or an earlier version of it, with its version (admins and auditors)',
  description:
    'The office’s rules as data (lines, 전결 tables, caps, documents, retention, circulation…) and their version: the first 16 hex digits ' +
    'of the SHA-256 of their canonical JSON. Each request records the version it was submitted under (`policyVersion`) and the one ' +
    'its final decision was taken under (`decisionPolicyVersion`); `?version=` answers that version’s rules from the register of every ' +
    'version the code has carried (`shared/policies/policy-register.json`), 404 for a version never in force.',
  query: policyQuery,
  responses: { 200: json('The version and the rules.', views.policyView) },
});

export const getApprovalDocument = /* @__PURE__ */ defineOperation({
  id: 'getApprovalDocument',
  tag: 'requests',
  summary: 'The printable 결재문서 (HTML laid out for A4)',
  description:
    '문서번호, 시행일자, 제목, the kind’s fields, 붙임, and the 결재란/협조란 with each step’s position, name, decision and date and the ' +
    'marks 전결, 대결 (the deputy beside the absent approver), 검토 생략 (with the reason) and the round’s 보완. Same readers as the ' +
    'request, and a read of a health kind by anyone but the requester is recorded. Auditors read it too: a health kind’s only with ' +
    '`purpose` (recorded with the read; without it 403 and nothing is recorded). Refusals are pages too.',
  params: requestParams,
  query: auditPurposeQuery,
  pageRefusals: true,
  responses: { 200: page('The 결재문서, ready to print (A4).') },
});

export const getHistory = /* @__PURE__ */ defineOperation({
  id: 'getHistory',
  tag: 'requests',
  summary: 'A request’s append-only record (문서관리카드)',
  description: 'Same readers as the request; an auditor without `purpose` reads a health kind’s record without the words people wrote.',
  params: requestParams,
  query: auditPurposeQuery,
  responses: { 200: json('Every event: who, acting for whom, when, what, why.', views.requestHistory) },
});

export const withdrawRequest = /* @__PURE__ */ defineOperation({
  id: 'withdrawRequest',
  tag: 'requests',
  summary: 'Withdraw (철회) one’s own request while in review, returned or recalled',
  params: requestParams,
  body: jsonBody(withdrawBody, false),
  responses: { 200: json('The withdrawn request.', views.requestView) },
});

export const addComment = /* @__PURE__ */ defineOperation({
  id: 'addComment',
  tag: 'requests',
  summary: 'Comment on a request (의견): in its history, not a decision',
  description:
    'By anyone who may read the request; on a health kind only its requester and the people on its line. The requester and the holders ' +
    'of the waiting steps are emailed (for health kinds without the text).',
  params: requestParams,
  body: jsonBody(commentBody),
  responses: { 201: json('The comment as recorded.', views.commentRecorded) },
});

export const recallRequest = /* @__PURE__ */ defineOperation({
  id: 'recallRequest',
  tag: 'requests',
  summary: 'Recall (회수) one’s request before anyone has decided in its round, to edit and resubmit it',
  description:
    'The workflow stops and the links die; the ledger places stay held. Then `PUT /requests/{id}` edits it and `POST /requests/{id}/resubmit` ' +
    'starts the line again (a new round), or `POST /requests/{id}/withdraw` gives it up. After any decision of the round: 409 (withdraw instead).',
  params: requestParams,
  body: jsonBody(recallBody, false),
  responses: { 200: json('The recalled request.', views.requestView) },
});

export const resubmitRequest = /* @__PURE__ */ defineOperation({
  id: 'resubmitRequest',
  tag: 'requests',
  summary: 'Resubmit (재상신) a returned or recalled request as a new round',
  params: requestParams,
  body: jsonBody(resubmitBody, false),
  responses: { 200: json('The request in its new round.', views.requestView) },
});

export const listApprovals = /* @__PURE__ */ defineOperation({
  id: 'listApprovals',
  tag: 'approvals',
  summary: 'What waits for the caller’s decision, including as deputy (대결)',
  responses: { 200: json('Pending steps, oldest first.', views.pendingApprovals) },
});

export const decideApproval = /* @__PURE__ */ defineOperation({
  id: 'decideApproval',
  tag: 'approvals',
  summary: 'Approve or reject (반려) the step the caller holds',
  description:
    'The same single-use decision as the email link. An agreement on an input step (a repair’s triage, a vehicle dispatch) also ' +
    'carries that step’s fields (see the decision page or `GET /approvals` `input`); a triage attaches its written quotes as ' +
    '`quoteAttachments` (uploads of document type `quote`, POST /attachments).',
  params: approvalParams,
  body: jsonBody(decisionForm.loose()),
  responses: { 200: json('The request after the decision.', views.requestView) },
});

export const decideApprovals = /* @__PURE__ */ defineOperation({
  id: 'decideApprovals',
  tag: 'approvals',
  summary: 'Decide up to 50 of one’s waiting steps at once (일괄 결재)',
  description:
    'Each item is checked and decided exactly as `POST /approvals/{requestId}/decision` would, in its own transaction; a refused item ' +
    '(not the caller’s, already decided, a rejection without a comment, an input step) does not stop the rest. Repeating the call is safe.',
  body: jsonBody(bulkDecisionBody),
  responses: { 200: json('What became of each item, in order.', views.bulkDecisions) },
});

export const reassignStep = /* @__PURE__ */ defineOperation({
  id: 'reassignStep',
  tag: 'approvals',
  summary: 'Hand a waiting review or input step to a colleague (지정)',
  description:
    'By the step’s holder, to someone else in the same team holding the role the step was chosen for (never the requester). The colleague ' +
    '(or their deputy) gets a fresh link; the old link answers that the step moved. Approve (결재) steps move only by 대결 or escalation.',
  params: approvalParams,
  body: jsonBody(reassignBody),
  responses: { 200: json('The request with the step’s new holder.', views.requestView) },
});

export const requestSupplement = /* @__PURE__ */ defineOperation({
  id: 'requestSupplement',
  tag: 'approvals',
  summary: 'Ask the requester for a supplement (보완 요청)',
  description:
    'By the holder of a waiting step, with what is asked (required) and, optionally, which of the kind’s documents. The request becomes ' +
    '`supplement-requested`: the stage’s links stop working and its deadline pauses until the requester answers ' +
    '(`POST /requests/{id}/supplement`); unanswered within the policy’s business days (a reminder before), it is returned (반려).',
  params: approvalParams,
  body: jsonBody(supplementRequestBody),
  responses: { 200: json('The request, waiting for the requester’s answer.', views.requestView) },
});

export const returnToPrevious = /* @__PURE__ */ defineOperation({
  id: 'returnToPrevious',
  tag: 'approvals',
  summary: 'Send the request back to the previous stage (전단계 반려)',
  description:
    'By the holder of a waiting step, with the reason (required), when an earlier stage of the round was agreed on (not one with an ' +
    'input such as a triage or a vehicle): that stage’s agreements reopen and its deciders get fresh links with the reason; the ' +
    'current stage waits behind it again. Recorded as `returned-to-previous`.',
  params: approvalParams,
  body: jsonBody(returnToPreviousBody),
  responses: { 200: json('The request, back at the earlier stage.', views.requestView) },
});

export const answerSupplement = /* @__PURE__ */ defineOperation({
  id: 'answerSupplement',
  tag: 'requests',
  summary: 'Answer a supplement request (보완)',
  description:
    'By the requester while a 보완 요청 stands: what they say (required), new documents (those asked for are required) and changed fields ' +
    '(`details`: only the fields that change; checked and assessed as on revision). The previous content stays in the history and the ' +
    'same step continues — its holder gets a fresh link; no new round.',
  params: requestParams,
  body: jsonBody(supplementAnswerBody),
  responses: { 200: json('The request, in review again on the same step.', views.requestView) },
});

export const skipApprovalStep = /* @__PURE__ */ defineOperation({
  id: 'skipApprovalStep',
  tag: 'approvals',
  summary: 'Skip an absent reviewer (검토 생략, 행정업무규정 §9) with the reason on record',
  params: approvalParams,
  body: jsonBody(skipBody),
  responses: { 200: json('The request after the skip.', views.requestView) },
});

export const putDelegation = /* @__PURE__ */ defineOperation({
  id: 'putDelegation',
  tag: 'delegations',
  summary: 'Set a delegation (대결): from date to date, the deputy decides for the principal',
  body: jsonBody(delegationBody),
  responses: { 200: json('The delegation, and the waiting steps moved to the deputy now.', views.delegationSet) },
});

export const listDelegations = /* @__PURE__ */ defineOperation({
  id: 'listDelegations',
  tag: 'delegations',
  summary: 'The caller’s own delegations',
  responses: { 200: json('By start date.', views.delegationList) },
});

export const endDelegation = /* @__PURE__ */ defineOperation({
  id: 'endDelegation',
  tag: 'delegations',
  summary: 'End a delegation early (the approver is back)',
  params: { schema: z.object({ from: dateParam }), malformed: 'invalid' },
  query: z.object({ principalId: employeeIdParam.optional().meta({ description: 'Whose delegation (admins); default the caller.' }) }),
  responses: { 200: json('The ended delegation, and the steps that came back.', views.delegationEnded) },
});

export const showDecision = /* @__PURE__ */ defineOperation({
  id: 'showDecision',
  tag: 'decision links',
  summary: 'The decision page an email link opens (changes nothing: mail scanners fetch links)',
  params: { schema: z.object({ linkId: linkIdParam }), malformed: 'not-found' },
  responses: { 200: page('The confirmation page with the request’s summary and the decision form.') },
});

export const submitDecision = /* @__PURE__ */ defineOperation({
  id: 'submitDecision',
  tag: 'decision links',
  summary: 'The decision page’s form: decides exactly once, or asks for a supplement, returns to the previous stage, reassigns, comments',
  params: { schema: z.object({ linkId: linkIdParam }), malformed: 'not-found' },
  body: { schema: linkActionForm.loose(), contentType: 'application/x-www-form-urlencoded', required: true, maxBytes: JSON_BODY_LIMIT },
  responses: { 200: page('The decision is recorded.') },
});

export const openDecisionAttachment = /* @__PURE__ */ defineOperation({
  id: 'openDecisionAttachment',
  tag: 'decision links',
  summary: 'A document listed on the decision page: a redirect to a download URL valid 5 minutes',
  description: 'Only while the link is open (afterwards the same answers as the page). Recorded as `viewed` with channel `email-link`.',
  params: { schema: z.object({ linkId: linkIdParam, attachmentId: attachmentIdSchema }), malformed: 'not-found' },
  pageRefusals: true,
  responses: {
    303: {
      description: 'To the file, under its original name.',
      headers: { Location: { description: 'A presigned GET URL, valid 5 minutes.', schema: { type: 'string' } } },
      emptyAllowed: true,
    },
  },
});

export const slackInteractions = /* @__PURE__ */ defineOperation({
  id: 'slackInteractions',
  tag: 'slack',
  summary: 'Slack’s interactivity endpoint (buttons and modals of approval messages)',
  description: 'Called by Slack only: every request must carry a valid `X-Slack-Signature` over its raw body (5-minute window).',
  headers: z.object({ 'X-Slack-Signature': z.string(), 'X-Slack-Request-Timestamp': z.string() }),
  body: {
    schema: z.object({ payload: z.string().meta({ description: 'Slack’s interaction payload (JSON).' }) }),
    contentType: 'application/x-www-form-urlencoded',
    required: true,
    maxBytes: JSON_BODY_LIMIT,
  },
  responses: {
    200: {
      description: 'Acknowledged: an empty body, or JSON (a message update, a modal’s field errors).',
      content: { 'application/json': views.slackReply },
      emptyAllowed: true,
    },
  },
});

export const getPerson = /* @__PURE__ */ defineOperation({
  id: 'getPerson',
  tag: 'directory',
  summary: 'A person’s directory entry and who last changed it (admins)',
  params: { schema: z.object({ id: employeeIdParam }), malformed: 'not-found' },
  responses: { 200: json('The entry.', views.personView) },
});

export const putPerson = /* @__PURE__ */ defineOperation({
  id: 'putPerson',
  tag: 'directory',
  summary: 'Create or replace a person’s directory entry (admins)',
  params: { schema: z.object({ id: employeeIdParam }), malformed: 'invalid' },
  body: jsonBody(personBody),
  responses: {
    200: json('Replaced (or unchanged).', views.personView),
    201: { ...json('Created.', views.personView), headers: { Location: { description: 'The entry.', schema: { type: 'string' } } } },
  },
});

export const listDepartments = /* @__PURE__ */ defineOperation({
  id: 'listDepartments',
  tag: 'directory',
  summary: 'Every department with its bureau, head and teams (admins)',
  responses: { 200: json('By name.', views.departmentList) },
});

export const financeMonthlyTotals = /* @__PURE__ */ defineOperation({
  id: 'financeMonthlyTotals',
  tag: 'finance',
  summary: 'A month’s totals per kind, department and building (finance); no personal detail',
  query: totalsQuery,
  responses: {
    200: { description: 'JSON, or the CSV/XLSX sheets with `format`.', content: { 'application/json': views.monthlyTotals, ...fileTypes } },
  },
});

export const financePayments = /* @__PURE__ */ defineOperation({
  id: 'financePayments',
  tag: 'finance',
  summary: 'Mark approved reimbursements paid, each exactly once (finance)',
  body: jsonBody(paymentsBody),
  responses: { 200: json('What was paid and what was refused, and why.', views.paymentBatch) },
});

export const financeBudget = /* @__PURE__ */ defineOperation({
  id: 'financeBudget',
  tag: 'finance',
  summary: 'Budget, committed, paid and 집행률 per budget line (finance)',
  query: budgetQuery,
  responses: { 200: json('Every budget line.', views.financeBudget) },
});

export const financeReport = /* @__PURE__ */ defineOperation({
  id: 'financeReport',
  tag: 'finance',
  summary: 'A stored monthly report (the link in the report email; finance)',
  params: { schema: z.object({ month: monthParam, file: z.enum(Object.values(REPORT_FILES)) }), malformed: 'not-found' },
  responses: { 200: { description: 'The file.', content: fileTypes } },
});

export const reportWork = /* @__PURE__ */ defineOperation({
  id: 'reportWork',
  tag: 'facility repair',
  summary: 'The managing unit reports a repair done, with its actual cost',
  params: requestParams,
  body: jsonBody(reportBody),
  responses: { 200: json('The repair, waiting for the requester’s confirmation.', views.requestView) },
});

export const confirmWork = /* @__PURE__ */ defineOperation({
  id: 'confirmWork',
  tag: 'facility repair',
  summary: 'The requester confirms the repair, or sends it back',
  params: requestParams,
  body: jsonBody(confirmationBody),
  responses: { 200: json('The repair, completed or back in progress.', views.requestView) },
});

export const facilityBudget = /* @__PURE__ */ defineOperation({
  id: 'facilityBudget',
  tag: 'facility repair',
  summary: 'Budget, committed, spent and outstanding per building budget line',
  query: facilityBudgetQuery,
  responses: { 200: json('Every building budget line.', views.facilityBudget) },
});

export const roundTransfers = /* @__PURE__ */ defineOperation({
  id: 'roundTransfers',
  tag: 'personnel transfer',
  summary: 'A personnel round’s transfer requests (인사팀)',
  params: { schema: z.object({ roundId }), malformed: 'invalid' },
  responses: { 200: json('The round’s requests.', views.roundTransfers) },
});

export const vehicleAvailability = /* @__PURE__ */ defineOperation({
  id: 'vehicleAvailability',
  tag: 'vehicle booking',
  summary: 'Free vehicles of a class for a window, best fit first',
  query: availabilityQuery,
  responses: { 200: json('The free vehicles and the one a dispatcher would be offered.', views.vehicleAvailability) },
});

export const vehicleSchedule = /* @__PURE__ */ defineOperation({
  id: 'vehicleSchedule',
  tag: 'vehicle booking',
  summary: 'A vehicle’s bookings and its last odometer reading',
  params: { schema: z.object({ id: vehicleIdParam }), malformed: 'not-found' },
  query: scheduleQuery,
  responses: { 200: json('Bookings in the window (default: from today for 30 days).', views.vehicleSchedule) },
});

export const cancelBooking = /* @__PURE__ */ defineOperation({
  id: 'cancelBooking',
  tag: 'vehicle booking',
  summary: 'Cancel an approved booking before the trip; the vehicle is free again',
  params: requestParams,
  body: jsonBody(cancelBody),
  responses: { 200: json('The cancelled booking.', views.requestView) },
});

export const recordTripLog = /* @__PURE__ */ defineOperation({
  id: 'recordTripLog',
  tag: 'vehicle booking',
  summary: '운행일지: odometer out and in, fuel; completes the booking',
  params: requestParams,
  body: jsonBody(tripLogBody),
  responses: { 200: json('The completed booking.', views.requestView) },
});

export const openApi = /* @__PURE__ */ defineOperation({
  id: 'openApi',
  tag: 'meta',
  summary: 'This document',
  responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': z.record(z.string(), z.unknown()) } } },
});
