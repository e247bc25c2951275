import { decideStepFromEnv } from '../approval-wiring.js';
import { documentFilesFromEnv } from '../documents-wiring.js';
import { attachmentStoreFromEnv } from '../wiring.js';
import { approvalsFromEnv } from './approvals.js';
import { decideApproval as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

// The API is where a holder attaches files with an input (a repair's quotes at triage).
const approvals = approvalsFromEnv(decideStepFromEnv({ documents: { attachments: attachmentStoreFromEnv(), files: documentFilesFromEnv() } }));

/** POST /approvals/{requestId}/decision — the same single-use decision as the email link, for the signed-in holder. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await approvals.decide({ callerId: callerId(event), requestId: params.requestId, body: jsonBody(event) })),
);
