import * as z from 'zod';
import { kindOf } from '../requests/kinds/index.js';
import type { ApprovalRequest } from '../requests/request.js';
import { closeRequest, openStep } from '../requests/transitions.js';
import { approvalRequestEmail, outcomeEmail } from '../notifications/emails.js';
import type { Directory } from '../directory/directory.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Clock, Ids, Mailer, RequestStore } from '../ports/ports.js';
import { hashLinkId } from './decision-links.js';

/**
 * The steps the state machines call. They throw on failure: Retry and Catch live in the
 * state machine definition (workflows/), not here.
 */
export interface WorkflowTaskDeps {
  requests: RequestStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  ids: Ids;
  policy: OfficePolicy;
  /** Where approval links point: the public API base URL. */
  publicBaseUrl: string;
}

export class RequestNotInReviewError extends Error {
  override name = 'RequestNotInReviewError';
}

export const requestDecisionInput = z.object({ requestId: z.string(), taskToken: z.string().min(1) });
export const finalizeInput = z.object({ requestId: z.string(), outcome: z.enum(['approved', 'rejected']) });
export const failureInput = z.object({
  requestId: z.string(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

const systemActor = { id: 'system', name: 'system' };

export function makeWorkflowTasks(deps: WorkflowTaskDeps) {
  const { requests, directory, mailer, clock, ids, policy, publicBaseUrl } = deps;

  async function load(requestId: string): Promise<ApprovalRequest> {
    const request = await requests.get(requestId);
    if (!request) throw new Error(`request ${requestId} not found`);
    return request;
  }

  async function tellRequester(request: ApprovalRequest, reason?: string) {
    const requester = await directory.person(request.requesterId);
    if (!requester) throw new Error(`requester ${request.requesterId} is not in the directory`);
    await mailer.send(outcomeEmail({ request, kind: kindOf(request.kind), requester, reason }));
  }

  return {
    /**
     * Primary course (the approval step, `.waitForTaskToken`):
     * 1. Mint a single-use link bound to the current step's approver; store only its hash with the task token.
     * 2. Mark the step waiting and record the notification, in one transaction.
     * 3. Email the approver the link (the email never holds the task token).
     */
    async requestDecision(input: z.infer<typeof requestDecisionInput>): Promise<void> {
      const request = await load(input.requestId);
      if (request.status !== 'in-review') throw new RequestNotInReviewError(`request ${request.id} is ${request.status}`);
      const step = request.steps[request.currentStep];
      if (!step) throw new Error(`request ${request.id} has no step ${request.currentStep}`);
      const approver = await directory.person(step.approverId);
      if (!approver) throw new Error(`approver ${step.approverId} is not in the directory`);

      const now = clock.now();
      const linkId = ids.linkId();
      const hash = hashLinkId(linkId);
      const expiresAt = new Date(now.getTime() + policy.approvalLinks.validDays * 86_400_000).toISOString();
      const opened = openStep(request, { linkHash: hash, at: now.toISOString() });
      await requests.save({
        request: opened.request,
        expectedVersion: request.version,
        events: [opened.event],
        link: {
          put: { hash, requestId: request.id, stepIndex: step.index, approverId: approver.id, taskToken: input.taskToken, expiresAt, status: 'open' },
        },
      });
      await mailer.send(
        approvalRequestEmail({
          request: opened.request,
          kind: kindOf(request.kind),
          step,
          approver: { name: approver.name, email: approver.email },
          link: `${publicBaseUrl.replace(/\/$/, '')}/decisions/${linkId}`,
          expiresAt,
        }),
      );
    },

    /** The line has decided: set the final status, give back the ledger place on rejection, tell the requester. */
    async finalize(input: z.infer<typeof finalizeInput>): Promise<void> {
      const request = await load(input.requestId);
      if (request.status === input.outcome) {
        // A retry after the status was saved: the requester may not have been told yet.
        await tellRequester(request);
        return;
      }
      if (request.status !== 'in-review') throw new RequestNotInReviewError(`request ${request.id} is ${request.status}`);
      const closed = closeRequest(request, { status: input.outcome, at: clock.now().toISOString(), actor: systemActor, channel: 'workflow' });
      await requests.save({
        request: closed.request,
        expectedVersion: request.version,
        events: [closed.event],
        ledger: input.outcome === 'rejected' && request.ledger ? { personId: request.requesterId, key: request.ledger.key, remove: true } : undefined,
      });
      await tellRequester(closed.request);
    },

    /** Anything the workflow could not handle: the request fails visibly, with the reason in its history. */
    async recordFailure(input: z.infer<typeof failureInput>): Promise<void> {
      const request = await load(input.requestId);
      if (request.status !== 'in-review') return; // withdrawn or already closed: nothing is stuck
      const reason =
        input.error.Error === 'States.Timeout'
          ? `결재 기한(${policy.approvalLinks.validDays}일)이 지나 요청이 중단되었습니다`
          : `처리 중 오류가 발생해 요청이 중단되었습니다 (${input.error.Error})`;
      const closed = closeRequest(request, { status: 'failed', at: clock.now().toISOString(), actor: systemActor, comment: reason, channel: 'workflow' });
      await requests.save({
        request: closed.request,
        expectedVersion: request.version,
        events: [closed.event],
        ledger: request.ledger ? { personId: request.requesterId, key: request.ledger.key, remove: true } : undefined,
        link: closed.revokedLinks.length > 0 ? { revoke: closed.revokedLinks } : undefined,
      });
      await tellRequester(closed.request, reason);
    },
  };
}
