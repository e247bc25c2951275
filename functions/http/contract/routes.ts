import type { KindRoute } from '../../../shared/requests/kind.js';
import { requestKinds } from '../../../shared/requests/kinds/index.js';

/**
 * A route of the HTTP API: its method and path, the handler that answers it and the operation (the
 * contract) it answers, and what the handler's function needs — the stack wires each route from this,
 * and the OpenAPI document is generated from the same list.
 */
export interface ApiRoute extends Omit<KindRoute, 'access'> {
  /** What the function may do with the table (`none`: it does not use it). */
  access: KindRoute['access'] | 'none';
  /** What it does with the state machines: start executions, stop them, answer their task tokens (given, it knows their ARNs). */
  workflows?: readonly ('start' | 'stop' | 'respond')[];
  /** Reads the stored monthly reports. */
  reports?: true;
  /**
   * What it does with documents' files: signs upload URLs (`upload`), checks uploaded files and
   * marks them bound (`bind`: reads their first bytes, tags them), signs download URLs (`read`).
   */
  documents?: 'upload' | 'bind' | 'read';
  /** No JWT: why the route's own credential suffices (a decision link's id, Slack's signature, a public document). */
  publicBecause?: string;
}

const LINK_IS_THE_CREDENTIAL =
  'Approval links are opened from email by approvers who may not be signed in; the unguessable single-use link id ' +
  '(256 bits, stored only as a hash, bound to one approver and step) is the credential.';

/** The routes every kind shares; each kind adds its own (`routes` in its module). */
export const coreRoutes: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/requests',
    entry: 'functions/http/submit-request.ts',
    operationId: 'submitRequest',
    access: 'read-write',
    workflows: ['start'],
    tells: true,
    documents: 'bind',
  },
  {
    method: 'POST',
    path: '/attachments',
    entry: 'functions/http/create-attachment.ts',
    operationId: 'createAttachment',
    access: 'read-write',
    documents: 'upload',
  },
  {
    method: 'POST',
    path: '/requests/{id}/attachments',
    entry: 'functions/http/add-attachments.ts',
    operationId: 'addAttachments',
    access: 'read-write',
    tells: true,
    documents: 'bind',
  },
  // A read by anyone but the requester is recorded, hence read-write.
  {
    method: 'GET',
    path: '/requests/{id}/attachments/{attachmentId}',
    entry: 'functions/http/open-attachment.ts',
    operationId: 'openAttachment',
    access: 'read-write',
    documents: 'read',
  },
  { method: 'GET', path: '/requests', entry: 'functions/http/list-requests.ts', operationId: 'listRequests', access: 'read' },
  // Reading a health kind's request records the read, hence read-write.
  { method: 'GET', path: '/requests/{id}', entry: 'functions/http/get-request.ts', operationId: 'getRequest', access: 'read-write' },
  {
    method: 'PUT',
    path: '/requests/{id}',
    entry: 'functions/http/revise-request.ts',
    operationId: 'reviseRequest',
    access: 'read-write',
    tells: true,
    documents: 'bind',
  },
  {
    method: 'GET',
    path: '/requests/{id}/document',
    entry: 'functions/http/get-approval-document.ts',
    operationId: 'getApprovalDocument',
    access: 'read-write',
  },
  { method: 'GET', path: '/requests/{id}/history', entry: 'functions/http/get-history.ts', operationId: 'getHistory', access: 'read-write' },
  {
    method: 'POST',
    path: '/requests/{id}/withdraw',
    entry: 'functions/http/withdraw-request.ts',
    operationId: 'withdrawRequest',
    access: 'read-write',
    workflows: ['stop'],
  },
  {
    method: 'POST',
    path: '/requests/{id}/comments',
    entry: 'functions/http/add-comment.ts',
    operationId: 'addComment',
    access: 'read-write',
    tells: true,
  },
  { method: 'GET', path: '/audit/requests', entry: 'functions/http/audit-requests.ts', operationId: 'auditRequests', access: 'read' },
  { method: 'GET', path: '/audit/decisions.csv', entry: 'functions/http/audit-decisions-csv.ts', operationId: 'auditDecisionsCsv', access: 'read' },
  { method: 'GET', path: '/audit/access-log', entry: 'functions/http/audit-access-log.ts', operationId: 'auditAccessLog', access: 'read' },
  { method: 'GET', path: '/audit/destructions', entry: 'functions/http/audit-destructions.ts', operationId: 'auditDestructions', access: 'read' },
  { method: 'GET', path: '/policy', entry: 'functions/http/get-policy.ts', operationId: 'getPolicy', access: 'read' },
  { method: 'GET', path: '/circulation', entry: 'functions/http/list-circulation.ts', operationId: 'listCirculation', access: 'read' },
  {
    method: 'POST',
    path: '/circulation/{requestId}/ack',
    entry: 'functions/http/acknowledge-circulation.ts',
    operationId: 'acknowledgeCirculation',
    access: 'read-write',
  },
  {
    method: 'POST',
    path: '/requests/{id}/recall',
    entry: 'functions/http/recall-request.ts',
    operationId: 'recallRequest',
    access: 'read-write',
    workflows: ['stop'],
  },
  {
    method: 'POST',
    path: '/requests/{id}/resubmit',
    entry: 'functions/http/resubmit-request.ts',
    operationId: 'resubmitRequest',
    access: 'read-write',
    workflows: ['start'],
  },
  { method: 'GET', path: '/approvals', entry: 'functions/http/list-approvals.ts', operationId: 'listApprovals', access: 'read' },
  {
    method: 'POST',
    path: '/approvals/{requestId}/decision',
    entry: 'functions/http/decide-approval.ts',
    operationId: 'decideApproval',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
    // A repair's triage attaches its quotes with the decision.
    documents: 'bind',
  },
  {
    method: 'POST',
    path: '/approvals/decisions',
    entry: 'functions/http/decide-approvals.ts',
    operationId: 'decideApprovals',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
  },
  {
    method: 'POST',
    path: '/approvals/{requestId}/reassign',
    entry: 'functions/http/reassign-step.ts',
    operationId: 'reassignStep',
    access: 'read-write',
    tells: true,
  },
  {
    method: 'POST',
    path: '/approvals/{requestId}/supplement-request',
    entry: 'functions/http/request-supplement.ts',
    operationId: 'requestSupplement',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
  },
  {
    method: 'POST',
    path: '/approvals/{requestId}/return-to-previous',
    entry: 'functions/http/return-to-previous.ts',
    operationId: 'returnToPrevious',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
  },
  {
    method: 'POST',
    path: '/requests/{id}/supplement',
    entry: 'functions/http/answer-supplement.ts',
    operationId: 'answerSupplement',
    access: 'read-write',
    tells: true,
    workflows: ['respond'],
    documents: 'bind',
  },
  {
    method: 'POST',
    path: '/approvals/{requestId}/skip',
    entry: 'functions/http/skip-approval-step.ts',
    operationId: 'skipApprovalStep',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
  },
  { method: 'PUT', path: '/delegations', entry: 'functions/http/put-delegation.ts', operationId: 'putDelegation', access: 'read-write', tells: true },
  { method: 'GET', path: '/delegations', entry: 'functions/http/list-delegations.ts', operationId: 'listDelegations', access: 'read' },
  {
    method: 'DELETE',
    path: '/delegations/{from}',
    entry: 'functions/http/end-delegation.ts',
    operationId: 'endDelegation',
    access: 'read-write',
    tells: true,
  },
  {
    method: 'GET',
    path: '/decisions/{linkId}',
    entry: 'functions/http/show-decision.ts',
    operationId: 'showDecision',
    access: 'read-write',
    publicBecause: LINK_IS_THE_CREDENTIAL,
  },
  {
    method: 'POST',
    path: '/decisions/{linkId}',
    entry: 'functions/http/submit-decision.ts',
    operationId: 'submitDecision',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
    publicBecause: LINK_IS_THE_CREDENTIAL,
  },
  {
    method: 'GET',
    path: '/decisions/{linkId}/attachments/{attachmentId}',
    entry: 'functions/http/open-decision-attachment.ts',
    operationId: 'openDecisionAttachment',
    access: 'read-write',
    documents: 'read',
    publicBecause: `${LINK_IS_THE_CREDENTIAL} A document opens only while its link is open, and each opening is recorded.`,
  },
  {
    method: 'POST',
    path: '/slack/interactions',
    entry: 'functions/http/slack-interactions.ts',
    operationId: 'slackInteractions',
    access: 'read-write',
    workflows: ['respond'],
    tells: true,
    publicBecause:
      "Slack calls this endpoint and cannot hold the office's JWT; each request is verified by Slack's HMAC-SHA256 signature over the raw body " +
      "with the app's signing secret (5-minute window), and only the step holder's own Slack user can decide.",
  },
  { method: 'GET', path: '/directory/people/{id}', entry: 'functions/http/get-person.ts', operationId: 'getPerson', access: 'read' },
  { method: 'PUT', path: '/directory/people/{id}', entry: 'functions/http/put-person.ts', operationId: 'putPerson', access: 'read-write' },
  { method: 'GET', path: '/directory/departments', entry: 'functions/http/list-departments.ts', operationId: 'listDepartments', access: 'read' },
  {
    method: 'GET',
    path: '/finance/monthly-totals',
    entry: 'functions/http/finance-monthly-totals.ts',
    operationId: 'financeMonthlyTotals',
    access: 'read',
  },
  { method: 'POST', path: '/finance/payments', entry: 'functions/http/finance-payments.ts', operationId: 'financePayments', access: 'read-write' },
  { method: 'GET', path: '/finance/budget', entry: 'functions/http/finance-budget.ts', operationId: 'financeBudget', access: 'read' },
  {
    method: 'GET',
    path: '/finance/reports/{month}/{file}',
    entry: 'functions/http/finance-report.ts',
    operationId: 'financeReport',
    access: 'read',
    reports: true,
  },
  {
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/http/openapi.ts',
    operationId: 'openApi',
    access: 'none',
    publicBecause: 'The API description is public: it names routes and fields, never data.',
  },
];

/** Every route of the API: the shared ones, then each kind's own, in the registry's order. */
export const apiRoutes: readonly ApiRoute[] = [...coreRoutes, ...requestKinds.flatMap((kind) => kind.routes ?? [])];
