import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeGetApprovalDocument } from '../../shared/use-cases/read-requests.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { getApprovalDocument as operation } from './contract/operations.js';
import { callerId, html, htmlApi } from './http-api.js';

const getApprovalDocument = makeGetApprovalDocument({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  policy: officePolicy,
});

/** GET /requests/{id}/document — the printable 결재문서, for the request's readers and auditors (a health kind's read by others is recorded). */
export const handler = htmlApi(operation, async (event, { params }) =>
  html(200, await getApprovalDocument({ callerId: callerId(event), requestId: params.id, query: event.queryStringParameters ?? {} })),
);
