import { ValidationError } from '../../shared/kernel/errors.js';
import { decisionRecordedPage } from '../../shared/notifications/decision-pages.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { describe } from '../../shared/requests/per-kind.js';
import { makeAddComment } from '../../shared/use-cases/comments.js';
import { makeDecisionLinks, makeSubmitDecisionLink } from '../../shared/use-cases/decision-links.js';
import { makeDecisionPage } from '../../shared/use-cases/decision-page.js';
import { makeReassignStep } from '../../shared/use-cases/reassign-step.js';
import { approvalEngineFromEnv, decideStepFromEnv, returnToPreviousFromEnv, supplementRequestFromEnv } from '../approval-wiring.js';
import { chatFromEnv } from '../chat-wiring.js';
import { mailerFromEnv } from '../mail-wiring.js';
import { log } from '../observability.js';
import { clockFromEnv, directoryFromEnv, fleetStoreFromEnv, requestStoreFromEnv } from '../wiring.js';
import { submitDecision as operation } from './contract/operations.js';
import { formBody, html, htmlApi } from './http-api.js';

const requests = requestStoreFromEnv();
const directory = directoryFromEnv();
const clock = clockFromEnv();
const submitDecision = makeSubmitDecisionLink({
  requests,
  clock,
  decideStep: decideStepFromEnv(),
  supplement: supplementRequestFromEnv(),
  returnToPrevious: returnToPreviousFromEnv(),
  reassign: makeReassignStep({ requests, directory, policy: officePolicy, engine: approvalEngineFromEnv(), clock }),
  comment: makeAddComment({ requests, directory, clock, mailer: mailerFromEnv(), chat: chatFromEnv(), policy: officePolicy, log: log.warn }),
});
const decisionLinks = makeDecisionLinks({ requests, clock });
const decisionPage = makeDecisionPage({ requests, directory, policy: officePolicy, fleet: fleetStoreFromEnv() });

/**
 * POST /decisions/{linkId} — the form's submission decides, exactly once, or takes one of the
 * holder's other actions (보완 요청, 전단계 반려, 지정, 의견). One that is not complete (a rejection
 * without a reason, a required triage field empty) gets the form back with what is wrong and
 * everything the approver typed, so they fix it in place; the link stays open.
 */
export const handler = htmlApi(operation, async (event, { params }) => {
  const form = formBody(event);
  try {
    const { request, action } = await submitDecision(params.linkId, form);
    const back = action === 'comment' ? `./${params.linkId}` : undefined;
    return html(200, decisionRecordedPage({ request, kind: describe(request, officePolicy), action, back }));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const opened = await decisionLinks.view(params.linkId); // a used or expired link answers as such
    const message = error.issues.length > 0 ? error.issues.map((issue) => issue.message).join(' ') : error.message;
    return html(400, await decisionPage(opened, params.linkId, { error: message, values: form }));
  }
});
