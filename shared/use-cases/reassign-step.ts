import * as z from 'zod';
import { type Handover, handoverRefusal } from '../approvals/reassignment.js';
import { type Directory, employeeIdPattern, type Person } from '../directory/directory.js';
import { InvalidStateError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { parseOrThrow, text } from '../kernel/validation.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import { ConcurrentChangeError, LinkUnavailableError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { type ApprovalStep, isParticipant } from '../requests/request.js';
import type { ApprovalEngine } from './approval-engine.js';
import { makeOpenStepReader } from './decide-step.js';
import { requestView } from './request-view.js';

export const reassignBody = z.strictObject({
  toId: z.string().regex(employeeIdPattern, { error: '지정할 직원(toId)은 E와 네 자리 이상의 숫자입니다 (예: E1017)' }),
  reason: text('지정 사유(reason)', 500),
});

/** The role a step's approver was chosen for, as its kind's line names it (a welfare officer, a facility officer), if any. */
function roleOf(request: ApprovalRequest, step: ApprovalStep, policy: OfficePolicy): string | undefined {
  const stage = kindPolicyFor(policy, request.kind).line[step.stage];
  if (!stage || 'parallel' in stage) return undefined;
  const selector = stage.approver;
  if (selector.type === 'team-role') return selector.role;
  if (selector.type === 'handling-unit' && selector.level === 'role') return selector.role;
  return undefined;
}

/** A 지정 of `step`: its holder of record (the absent approver a deputy holds it for, 대결), and the role it was sent for. */
async function handoverOf(
  directory: Directory,
  policy: OfficePolicy,
  request: ApprovalRequest,
  step: ApprovalStep,
): Promise<Handover & { principal: Person }> {
  const principalId = step.actingForId ?? step.approverId;
  const principal = await directory.person(principalId);
  if (!principal) throw new InvalidStateError('이 단계의 결재권자가 직원 명부에 없어 지정할 수 없습니다.');
  return {
    principal,
    callerId: step.approverId,
    requesterId: request.requesterId,
    role: roleOf(request, step, policy),
    acrossTeams: kindPolicyFor(policy, request.kind).reassign.acrossTeams,
  };
}

/**
 * Whom the holder of `step` may hand it to (지정), for the link page to offer: the others of the
 * holder of record's team (of every team, where the kind's policy allows it) holding the step's
 * role, never the requester; none for a 결재 or 협조 step.
 */
export async function reassignCandidates(
  deps: { directory: Directory; policy: OfficePolicy },
  request: ApprovalRequest,
  step: ApprovalStep,
): Promise<{ id: string; name: string; position: string }[]> {
  if (step.action !== 'review' && !step.input) return [];
  const handover = await handoverOf(deps.directory, deps.policy, request, step).catch(() => undefined);
  if (!handover) return [];
  const own = handover.principal.teamId;
  const teams = handover.acrossTeams ? (await deps.directory.teams()).map((team) => team.id) : own ? [own] : [];
  return (await Promise.all(teams.map((team) => deps.directory.teamMembers(team))))
    .flat()
    .filter((person) => handoverRefusal(handover, person) === undefined)
    .map(({ id, name, position }) => ({ id, name, position }));
}

/**
 * 지정 (`POST /approvals/{requestId}/reassign`): the holder of a waiting review or input step hands it
 * to a colleague. Primary course:
 * 1. Only the step's holder, only while its link could still decide (open, this round and stage,
 *    before the stage deadline: else the refusal a decision would get); only a review (검토) or an
 *    input step — a 결재 moves only by 대결 or escalation.
 * 2. Only to someone else in the team of the step's holder of record (the absent approver, when a
 *    deputy holds it: 대결) — any team where the kind's policy says `reassign.acrossTeams` — who
 *    holds the role the step was chosen for; never the requester.
 * 3. A fresh link to the colleague (or their deputy, 대결), the old one answers that the step moved;
 *    recorded as `reassigned` with who, from whom, to whom and why.
 */
export function makeReassignStep(deps: { requests: RequestStore; directory: Directory; policy: OfficePolicy; engine: ApprovalEngine; clock: Clock }) {
  const { requests, directory, policy, engine } = deps;
  const openStepOf = makeOpenStepReader(deps);
  return async function reassignStep(input: { callerId: string; requestId: string; body: unknown; channel?: 'api' | 'email-link' }) {
    const { toId, reason } = parseOrThrow(reassignBody, input.body);
    const found = await requests.get(input.requestId);
    if (!found || !isParticipant(found, input.callerId)) throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
    const held =
      found.status === 'in-review'
        ? found.steps.find((candidate) => candidate.status === 'waiting' && candidate.approverId === input.callerId)
        : undefined;
    const heldLink = held?.openLinkHash ? await requests.getLink(held.openLinkHash) : undefined;
    if (!heldLink) throw new InvalidStateError('지금 지정할 수 있는 결재가 없습니다. 본인이 처리할 차례인 단계만 지정할 수 있습니다.');
    // The link must still be able to decide (a stage past its deadline must not mint a link that is dead on arrival).
    const { request, step, link } = await openStepOf(heldLink);
    if (step.action !== 'review' && !step.input) {
      throw new InvalidStateError('검토 단계와 입력이 필요한 단계만 지정할 수 있습니다. 결재·협조는 부재 시 대결로 넘기세요.');
    }
    const [caller, target] = await Promise.all([directory.person(input.callerId), directory.person(toId)]);
    if (!target) throw new ValidationError('직원 명부에 없는 사람입니다.', [{ path: 'toId', message: `${toId}은(는) 직원 명부에 없습니다` }]);
    const refusal = handoverRefusal(await handoverOf(directory, policy, request, step), target);
    if (refusal) throw new ValidationError(refusal, [{ path: 'toId', message: refusal }]);
    const holder = await engine.holderFor(toId, request.requesterId);
    try {
      const moved = await engine.reassign({
        request,
        link,
        holder,
        action: 'reassigned',
        reason,
        actor: { id: input.callerId, name: caller?.name ?? step.approverName, channel: input.channel ?? 'api' },
      });
      return requestView(moved);
    } catch (error) {
      // A decision or another move landed meanwhile: the holder looks again rather than overwrite it.
      if (error instanceof ConcurrentChangeError || error instanceof LinkUnavailableError) {
        throw new InvalidStateError('요청이 방금 다른 곳에서 바뀌었습니다. 새로 고친 뒤 다시 시도하세요.');
      }
      throw error;
    }
  };
}
