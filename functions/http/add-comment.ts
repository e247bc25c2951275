import { officePolicy } from '../../shared/policies/office-policy.js';
import { makeAddComment } from '../../shared/use-cases/comments.js';
import { chatFromEnv } from '../chat-wiring.js';
import { optionalMailerFromEnv } from '../mail-wiring.js';
import { log } from '../observability.js';
import { clockFromEnv, directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { addComment as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const addComment = makeAddComment({
  requests: requestStoreFromEnv(),
  directory: directoryFromEnv(),
  clock: clockFromEnv(),
  mailer: optionalMailerFromEnv(),
  chat: chatFromEnv(),
  policy: officePolicy,
  log: log.warn,
});

/** POST /requests/{id}/comments — 의견: a comment in the request's history, not a decision; the requester and the current holders are told. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 201, await addComment({ callerId: callerId(event), requestId: params.id, body: jsonBody(event) })),
);
