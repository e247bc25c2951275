import * as z from 'zod';
import type { Directory, Person } from '../directory/directory.js';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { formatKrw, seoulDate } from '../kernel/seoul-time.js';
import { isoDate, parseOrThrow, text } from '../kernel/validation.js';
import { requestNoticeEmail } from '../notifications/emails.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { BudgetChange } from '../ports/budget.js';
import type { Mailer } from '../ports/messaging.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import type { Lines } from '../requests/kind.js';
import { facilityRepair } from '../requests/kinds/facility-repair.js';
import type { RequestOf } from '../requests/kinds/index.js';
import { lifecycleMove } from '../requests/lifecycle-transitions.js';
import { describe } from '../requests/per-kind.js';
import { saveAsSeen } from './concurrent-change.js';
import { requestView } from './request-view.js';

export interface FacilityWorkDeps {
  requests: RequestStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}

const DAY_MS = 86_400_000;

export const reportBody = z
  .object({
    actualCostKrw: z
      .int({ error: '실제 비용(actualCostKrw)은 원 단위 정수여야 합니다' })
      .nonnegative({ error: '실제 비용(actualCostKrw)은 0원 이상이어야 합니다' })
      .max(1_000_000_000_000),
    completedOn: isoDate('완료일(completedOn)'),
    note: text('완료 내용(note)', 1000).optional(),
  })
  .strict();

export const confirmationBody = z
  .object({
    accepted: z.boolean({ error: '완료를 확인하면 accepted: true, 아직 고쳐지지 않았으면 accepted: false를 보내세요' }),
    comment: text('의견(comment)', 1000).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (!body.accepted && !body.comment)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: '완료를 인정하지 않을 때는 무엇이 남았는지 적어 주세요' });
  });

export const facilityBudgetQuery = z.object({
  year: z.coerce.number({ error: '연도(year)를 YYYY로 입력하세요' }).int().min(2000, { error: '연도(year)를 YYYY로 입력하세요' }).max(2100),
});

type Repair = RequestOf<typeof facilityRepair.id>;

/**
 * A repair after approval (the routes the facility-repair kind declares): the managing unit reports
 * it done with the actual cost; the requester confirms (or says it is not fixed, and it goes back in
 * progress). Each step moves the budget line's figures in the same transaction; nobody objecting
 * within the confirmation period closes it (the kind's `auto-close` follow-up, run by the sweep).
 */
export function makeFacilityWork({ requests, directory, mailer, clock, policy, log }: FacilityWorkDeps) {
  const rules = () => facilityRepair.rulesOf(policy);
  const repairBudgetLines = () =>
    [...new Set(Object.values(rules().buildings).map((building) => building.budgetLine))].flatMap((id) => {
      const line = policy.finance.budgetLines[id];
      return line ? [[id, line] as const] : [];
    });

  async function repairOf(requestId: string, callerId: string): Promise<{ request: Repair; caller: Person | undefined }> {
    const request = await requests.get(requestId);
    const caller = await directory.person(callerId);
    const inUnit = request?.handlingTeamId !== undefined && caller?.teamId === request.handlingTeamId;
    if (!request || !facilityRepair.is(request) || (request.requesterId !== callerId && !request.participants.includes(callerId) && !inUnit)) {
      throw new NotFoundError(`요청 ${requestId}을(를) 찾을 수 없습니다.`);
    }
    return { request, caller };
  }

  async function tell(request: Repair, person: Person | undefined, notice: { subject: string; intro: string; lines: Lines; next?: string }) {
    if (!person) return;
    try {
      await mailer.send(requestNoticeEmail({ request, kind: describe(request, policy), to: { name: person.name, email: person.email }, ...notice }));
    } catch (error) {
      log('repair notice failed', { requestId: request.id, to: person.id, error: String(error) });
    }
  }

  /** The figures a completed report moved; undoing it (a reopen) moves them back. */
  const reportedFigures = (request: Repair, sign: 1 | -1): BudgetChange[] => {
    const work = request.work;
    if (!work || work.actualCostKrw === undefined) return [];
    return [{ line: work.budgetLine, year: work.budgetYear, spentKrw: sign * work.actualCostKrw, outstandingKrw: -sign * work.committedKrw }];
  };

  return {
    /** `POST /requests/{id}/work-report`: someone of the managing team reports the work done, with what it cost. */
    async report(input: { callerId: string; requestId: string; body: unknown }) {
      const body = parseOrThrow(reportBody, input.body ?? {});
      const { request, caller } = await repairOf(input.requestId, input.callerId);
      if (!caller || caller.teamId !== request.handlingTeamId) throw new ForbiddenError('완료 보고는 건물을 관리하는 부서(팀)만 할 수 있습니다.');
      if (request.status !== 'in-progress' || !request.work) throw new InvalidStateError('시공 중인 요청만 완료 보고할 수 있습니다.');
      const now = clock.now();
      if (body.completedOn > seoulDate(now)) {
        throw new ValidationError('완료일(completedOn)이 오늘보다 뒤입니다.', [{ path: 'completedOn', message: '오늘이나 그 이전 날짜여야 합니다' }]);
      }
      const at = now.toISOString();
      const { autoCloseDays } = rules();
      const closesAt = new Date(now.getTime() + autoCloseDays * DAY_MS).toISOString();
      const reported = lifecycleMove(request, {
        at,
        changes: {
          status: 'work-done',
          work: {
            ...request.work,
            actualCostKrw: body.actualCostKrw,
            completedOn: body.completedOn,
            reportedBy: caller.id,
            reportedAt: at,
            closesAt,
          },
          followUp: { action: 'auto-close', at: closesAt },
        },
        event: {
          actorId: caller.id,
          actorName: caller.name,
          action: 'work-reported',
          comment: body.note,
          channel: 'api',
          input: { actualCostKrw: body.actualCostKrw, completedOn: body.completedOn, committedKrw: request.work.committedKrw },
        },
      });
      await saveAsSeen(requests, changeOf(request, reported, { budget: reportedFigures(reported.request, 1) }));
      const lines: Lines = [
        ['실제 비용', formatKrw(body.actualCostKrw)],
        ['완료일', body.completedOn],
      ];
      await tell(reported.request, await directory.person(request.requesterId), {
        subject: '[완료 확인 요청]',
        intro: '요청하신 시설 보수가 완료되었다고 보고되었습니다. 현장을 확인해 주세요.',
        lines: body.note ? [...lines, ['완료 내용', body.note]] : lines,
        next: `${autoCloseDays}일 안에 이의가 없으면 자동으로 완료 처리됩니다. 고쳐지지 않았으면 POST /requests/${request.id}/confirmation 에 accepted: false와 의견을 보내 주세요.`,
      });
      return requestView(reported.request);
    },

    /** `POST /requests/{id}/confirmation`: the requester confirms the work, or sends it back with what is left. */
    async confirm(input: { callerId: string; requestId: string; body: unknown }) {
      const body = parseOrThrow(confirmationBody, input.body ?? {});
      const { request, caller } = await repairOf(input.requestId, input.callerId);
      if (request.requesterId !== input.callerId) throw new ForbiddenError('완료 확인은 요청자만 할 수 있습니다.');
      if (request.status !== 'work-done' || !request.work) throw new InvalidStateError('완료 보고된 요청만 확인할 수 있습니다.');
      const at = clock.now().toISOString();
      const actor = { actorId: input.callerId, actorName: caller?.name ?? request.requesterName };
      if (body.accepted) {
        const confirmed = lifecycleMove(request, {
          at,
          changes: { status: 'completed', work: { ...request.work, closedAt: at }, followUp: undefined },
          event: { ...actor, action: 'confirmed', comment: body.comment, channel: 'api' },
        });
        await saveAsSeen(requests, changeOf(request, confirmed));
        return requestView(confirmed.request);
      }
      const { actualCostKrw: _cost, completedOn: _on, reportedBy, reportedAt: _at, closesAt: _closes, ...work } = request.work;
      const reopened = lifecycleMove(request, {
        at,
        changes: { status: 'in-progress', work, followUp: undefined },
        event: { ...actor, action: 'reopened', comment: body.comment, channel: 'api', input: { actualCostKrw: request.work.actualCostKrw ?? 0 } },
      });
      await saveAsSeen(requests, changeOf(request, reopened, { budget: reportedFigures(request, -1) }));
      await tell(reopened.request, reportedBy ? await directory.person(reportedBy) : undefined, {
        subject: '[재시공 요청]',
        intro: '요청자가 보수가 끝나지 않았다고 알려 왔습니다.',
        lines: [['요청자 의견', body.comment ?? '']],
      });
      return requestView(reopened.request);
    },

    /**
     * `GET /facilities/budget?year=YYYY`: each building budget line's budget, what approval committed,
     * what completed work cost, and what approved work not yet done still holds. For finance,
     * admins and the units that manage buildings.
     */
    async budget(input: { callerId: string; query: Record<string, string | undefined> }) {
      const { year } = parseOrThrow(facilityBudgetQuery, input.query);
      const caller = await directory.person(input.callerId);
      const managingTeams = new Set(Object.values(rules().buildings).map((building) => building.managingTeam));
      const managingDepartments = new Set<string>();
      for (const teamId of managingTeams) {
        const team = await directory.team(teamId);
        if (team) managingDepartments.add(team.departmentId);
      }
      const headOfManaging = caller
        ? (await Promise.all([...managingDepartments].map((id) => directory.department(id)))).some((d) => d?.headId === caller.id)
        : false;
      const allowed =
        caller &&
        (caller.roles.includes('finance') ||
          caller.roles.includes('admin') ||
          (caller.teamId !== null && managingTeams.has(caller.teamId)) ||
          headOfManaging);
      if (!allowed) throw new ForbiddenError('예산 현황은 재무 담당, 관리자, 청사 관리 부서만 볼 수 있습니다.');
      const lines = await Promise.all(
        repairBudgetLines().map(async ([id, line]) => {
          const figures = await requests.budget(id, year);
          const budgetKrw = line.budgetKrw[String(year)] ?? null;
          return {
            id,
            name: line.name,
            budgetKrw,
            ...figures,
            /** What is left once completed work and approved work not yet done are counted. */
            availableKrw: budgetKrw === null ? null : budgetKrw - figures.spentKrw - figures.outstandingKrw,
            /** 집행률: spent over budget, in percent (one decimal). */
            executionRate: budgetKrw ? Math.round((figures.spentKrw / budgetKrw) * 1000) / 10 : null,
          };
        }),
      );
      return { year, lines };
    },
  };
}

export type FacilityWork = ReturnType<typeof makeFacilityWork>;
