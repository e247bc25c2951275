import * as z from 'zod';
import { closesLoop, endOfDelegation, isActiveOn, overlaps, startOfSeoulDay } from '../approvals/delegations.js';
import type { Directory } from '../directory/directory.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../kernel/errors.js';
import { seoulDate } from '../kernel/seoul-time.js';
import { invalidInput, isoDate, parseOrThrow, text } from '../kernel/validation.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Delegation, DelegationStore } from '../ports/delegation-store.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { ApprovalEngine } from './approval-engine.js';

export interface DelegationDeps {
  delegations: DelegationStore;
  requests: RequestStore;
  directory: Directory;
  clock: Clock;
  policy: OfficePolicy;
  engine: ApprovalEngine;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export const delegationBody = z
  .object({
    principalId: z
      .string()
      .regex(/^E\d{4,}$/, { error: '부재자(principalId)는 직원 번호(E로 시작)여야 합니다' })
      .optional(),
    deputyId: z.string({ error: '대결자(deputyId)를 입력하세요' }).regex(/^E\d{4,}$/, { error: '대결자(deputyId)는 직원 번호(E로 시작)여야 합니다' }),
    from: isoDate('시작일(from)'),
    to: isoDate('종료일(to)'),
    reason: text('사유(reason)', 200),
  })
  .strict();

const DAY_MS = 86_400_000;

export function makeDelegations(deps: DelegationDeps) {
  const { delegations, requests, directory, clock, policy, engine, log } = deps;

  /**
   * Moves the principal's waiting steps to whoever holds them today (the deputy at the start of a
   * delegation, the principal again after its end). Each move is its own transaction; one that
   * fails is logged and retried by the next sweep rather than blocking the others.
   */
  async function rerouteWaiting(personId: string, reason: string, filter: (actingForId: string | undefined) => boolean): Promise<number> {
    let moved = 0;
    for (const link of await requests.pendingFor(personId)) {
      if (!filter(link.actingForId)) continue;
      const request = await requests.get(link.requestId);
      const step = request?.steps[link.stepIndex];
      if (!request || !step || step.openLinkHash !== link.hash) continue;
      const holder = await engine.holderFor(link.actingForId ?? link.approverId, request.requesterId);
      if (holder.id === link.approverId && holder.actingFor?.id === link.actingForId) continue;
      try {
        await engine.reassign({ request, link, holder, action: 'rerouted', reason });
        moved += 1;
      } catch (error) {
        log('re-route failed; the next sweep retries', { requestId: request.id, error: String(error) });
      }
    }
    return moved;
  }

  return {
    /**
     * `PUT /delegations` — Primary course:
     * 1. Only the principal or an admin sets it; the deputy exists and is someone else.
     * 2. Dates: to ≥ from, not over, at most the policy's span; no overlap with another of the principal's periods.
     * 3. No loop: the deputy's own delegations in that period never lead back to the principal.
     * 4. Store it (replacing the principal's delegation that starts the same day).
     * 5. If it applies today, re-route the principal's waiting steps now; otherwise the timer sweep does at its start.
     */
    async put(input: { callerId: string; body: unknown }) {
      const body = parseOrThrow(delegationBody, input.body ?? {});
      const principalId = body.principalId ?? input.callerId;
      const caller = await directory.person(input.callerId);
      if (!caller) throw new ForbiddenError('직원 명부에 없는 사용자입니다.');
      if (principalId !== input.callerId && !caller.roles.includes('admin')) {
        throw new ForbiddenError('다른 사람의 대결은 관리자만 지정할 수 있습니다.');
      }
      const principal = await directory.person(principalId);
      if (!principal) throw invalidInput([{ path: 'principalId', message: `직원 ${principalId}이(가) 명부에 없습니다` }]);
      const deputy = await directory.person(body.deputyId);
      if (!deputy) throw invalidInput([{ path: 'deputyId', message: `직원 ${body.deputyId}이(가) 명부에 없습니다` }]);
      if (deputy.id === principal.id) throw invalidInput([{ path: 'deputyId', message: '본인을 대결자로 지정할 수 없습니다' }]);
      const today = seoulDate(clock.now());
      if (body.to < body.from) throw invalidInput([{ path: 'to', message: '종료일은 시작일과 같거나 그 뒤여야 합니다' }]);
      if (body.to < today) throw invalidInput([{ path: 'to', message: '이미 지난 기간입니다' }]);
      const days = (Date.parse(body.to) - Date.parse(body.from)) / DAY_MS + 1;
      if (days > policy.approvals.maxDelegationDays) {
        throw invalidInput([{ path: 'to', message: `대결 기간은 최대 ${policy.approvals.maxDelegationDays}일입니다` }]);
      }
      const existing = await delegations.listFor(principal.id);
      const clash = existing.find((other) => other.from !== body.from && overlaps(other, body) && other.to >= today);
      if (clash) throw new ConflictError(`이미 ${clash.from}~${clash.to} 기간의 대결이 지정되어 있습니다. 기간이 겹치지 않게 지정하세요.`);
      const loop = await closesLoop({ principalId: principal.id, deputyId: deputy.id, from: body.from, to: body.to }, (id) =>
        delegations.listFor(id),
      );
      if (loop) throw new ConflictError(`대결이 순환합니다 (${loop.join(' → ')}). 다른 대결자를 지정하세요.`);

      const now = clock.now().toISOString();
      const activeNow = isActiveOn(body, today);
      const delegation: Delegation = {
        principalId: principal.id,
        deputyId: deputy.id,
        from: body.from,
        to: body.to,
        reason: body.reason,
        createdBy: caller.id,
        createdAt: now,
        pendingTimer: activeNow ? { kind: 'end', at: endOfDelegation(body) } : { kind: 'start', at: startOfSeoulDay(body.from) },
      };
      const replaced = existing.find((other) => other.from === body.from);
      await delegations.put(delegation);
      let rerouted = 0;
      if (activeNow) {
        rerouted = await rerouteWaiting(
          principal.id,
          `대결 지정: ${principal.name} 부재(${body.from}~${body.to}, ${body.reason}) — ${deputy.name}이(가) 대신 결정`,
          () => true,
        );
      }
      // A replaced delegation with a different deputy: steps its deputy holds go to the new holder.
      if (replaced && replaced.deputyId !== deputy.id) {
        rerouted += await rerouteWaiting(replaced.deputyId, `대결자 변경: ${deputy.name}`, (actingFor) => actingFor === principal.id);
      }
      return { delegation: viewOf(delegation), active: activeNow, reroutedSteps: rerouted };
    },

    /**
     * `DELETE /delegations/{from}` — the approver is back early: the delegation ends now and the
     * steps its deputy holds for them come back (new links). By the principal or an admin.
     */
    async end(input: { callerId: string; from: string; principalId?: string }) {
      const principalId = input.principalId ?? input.callerId;
      const caller = await directory.person(input.callerId);
      if (principalId !== input.callerId && !caller?.roles.includes('admin')) {
        throw new ForbiddenError('다른 사람의 대결은 관리자만 해제할 수 있습니다.');
      }
      const delegation = (await delegations.listFor(principalId)).find((candidate) => candidate.from === input.from);
      if (!delegation || !(await delegations.remove(principalId, input.from))) {
        throw new NotFoundError(`${input.from}부터의 대결 지정이 없습니다.`);
      }
      const principal = await directory.person(principalId);
      const returned = await rerouteWaiting(
        delegation.deputyId,
        `대결 해제: ${principal?.name ?? principalId} 복귀`,
        (actingFor) => actingFor === principalId,
      );
      return { ended: viewOf(delegation), returnedSteps: returned };
    },

    /** The timer sweep: a delegation starts (waiting steps go to the deputy) or ends (they come back). */
    async applyDue(delegation: Delegation): Promise<number> {
      const principal = await directory.person(delegation.principalId);
      if (!principal || !delegation.pendingTimer) return 0;
      if (delegation.pendingTimer.kind === 'start') {
        const moved = await rerouteWaiting(
          principal.id,
          `대결 시작: ${principal.name} 부재(${delegation.from}~${delegation.to}, ${delegation.reason})`,
          () => true,
        );
        await delegations.setTimer(principal.id, delegation.from, { kind: 'end', at: endOfDelegation(delegation) });
        return moved;
      }
      const moved = await rerouteWaiting(
        delegation.deputyId,
        `대결 종료: ${principal.name} 복귀(${delegation.to}까지)`,
        (actingFor) => actingFor === principal.id,
      );
      await delegations.setTimer(principal.id, delegation.from, undefined);
      return moved;
    },
  };
}

const viewOf = ({ pendingTimer: _timer, ...delegation }: Delegation) => delegation;

export type Delegations = ReturnType<typeof makeDelegations>;

/** `GET /delegations` — the caller's own delegations (as the absent approver). */
export function makeListDelegations({ delegations }: Pick<DelegationDeps, 'delegations'>) {
  return async (callerId: string) => ({ items: (await delegations.listFor(callerId)).map(viewOf) });
}
