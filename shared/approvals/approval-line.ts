import { createHash } from 'node:crypto';
import type { Directory, Person } from '../directory/directory.js';
import { ConflictError } from '../kernel/errors.js';
import { formatKrw } from '../kernel/seoul-time.js';
import { type ApproverSelector, deferredFrom, type LineStage, type LineStep, tierFor } from '../policies/approval-policy.js';
import type { StepAction } from '../requests/request.js';

/** An approval step as resolved at submission: who decides, and by which rule. */
export interface ResolvedStep {
  stage: number;
  action: StepAction;
  approverId: string;
  approverName: string;
  approverPosition: string;
  /** Why this person, in Korean for the record: the routing rule and any adjustment. */
  rule: string;
  /** 전결: set on the final approval when someone below the head of office decides. */
  delegatedAuthority?: string;
  /** An opinion that may not block: a dissent is recorded and the line goes on. */
  advisory?: true;
  /** What the holder must record to agree (a triage estimate, a vehicle assignment). */
  input?: string;
}

export class ApprovalRoutingError extends ConflictError {}

export interface LineContext {
  requester: Person;
  /** Amounts a 전결 table may look at. */
  amounts: { reimbursableAmount?: number; amountRequested?: number; estimateKrw?: number };
  /** Departments the requester names, in order of preference (transfers). */
  preferredDepartments?: string[];
  /** The team the request names as responsible (a building's managing team): `handling-unit` selectors start there. */
  handlingTeamId?: string;
  directory: Directory;
  /** Spreads work among equally qualified people deterministically (the request id). */
  seed: string;
}

/** One level of the organisation above a person: who heads it and what it is called (총무팀장, 총무과장, 행정국장, 구청장). */
export interface Level {
  personId: string;
  title: string;
}

/**
 * Resolves a kind's line (roles relative to the request, never person ids) into people.
 * - The requester never decides their own request: such a step moves up one level.
 * - A person who would decide at two stages keeps only the later (higher) one.
 * - The final approval below the head of office is 전결, with the rule that put it there.
 * A line resolved in parts (see `deferredFrom`) passes `final: false` for the first part, which
 * then carries no 전결, and `firstStage` for the rest, which is numbered after the steps already there.
 */
export async function resolveApprovalLine(
  line: LineStage[],
  context: LineContext,
  part: { final?: boolean; firstStage?: number } = {},
): Promise<ResolvedStep[]> {
  const { final = true, firstStage = 0 } = part;
  const resolved: ResolvedStep[] = [];
  for (const [stage, spec] of line.entries()) {
    const steps = 'parallel' in spec ? spec.parallel : [spec];
    for (const step of steps) resolved.push({ stage, ...(await resolveStep(step, context)) });
  }
  const deduplicated = resolved.filter(
    (step, i) => !resolved.some((later, j) => j > i && later.stage > step.stage && later.approverId === step.approverId),
  );
  // Renumber stages so an emptied stage does not leave a gap.
  const stages = [...new Set(deduplicated.map((step) => step.stage))];
  const office = await context.directory.office();
  return deduplicated.map((step) => {
    const renumbered = { ...step, stage: firstStage + stages.indexOf(step.stage) };
    const isFinal = final && step === deduplicated.at(-1);
    if (isFinal && step.approverId !== office?.mayorId) {
      return { ...renumbered, delegatedAuthority: `위임전결: ${step.rule}` };
    }
    return renumbered;
  });
}

/**
 * The line as far as it can be resolved at submission: everything, or — when a step must record
 * input that later stages depend on (a repair's estimate decides its 전결 level) — through that step.
 */
export async function resolveSubmittedLine(line: LineStage[], context: LineContext): Promise<ResolvedStep[]> {
  const cut = deferredFrom(line);
  return resolveApprovalLine(line.slice(0, cut), context, { final: cut === line.length });
}

/** The stages resolved once the input step is recorded, numbered after the stages already there. */
export async function resolveDeferredStages(line: LineStage[], context: LineContext, firstStage: number): Promise<ResolvedStep[]> {
  const rest = line.slice(deferredFrom(line));
  return rest.length === 0 ? [] : resolveApprovalLine(rest, context, { firstStage });
}

async function resolveStep(step: LineStep, context: LineContext): Promise<Omit<ResolvedStep, 'stage'>> {
  const { approver } = step;
  const extras = { ...(step.advisory ? { advisory: true as const } : {}), ...(step.input ? { input: step.input } : {}) };
  if (approver.type === 'by-amount') {
    const amount = context.amounts[approver.amount];
    if (amount === undefined) throw new Error(`the 전결 table needs ${approver.amount}, which this request does not have`);
    const { tier, index } = tierFor(approver.tiers, amount);
    const chosen = await resolveSelector(tier.approver, context);
    const previous = approver.tiers[index - 1]?.upTo;
    const band = tier.upTo === undefined ? `${formatKrw(previous ?? 0)} 초과` : `${formatKrw(tier.upTo)} 이하`;
    const rule = `${chosen.rule} (금액 ${formatKrw(amount)}: ${band} 구간)`;
    return { action: step.action, ...personFields(chosen.person), rule, ...extras };
  }
  const chosen = await resolveSelector(approver, context);
  return { action: step.action, ...personFields(chosen.person), rule: chosen.rule, ...extras };
}

const personFields = (person: Person) => ({ approverId: person.id, approverName: person.name, approverPosition: person.position });

async function resolveSelector(selector: ApproverSelector, context: LineContext): Promise<{ person: Person; rule: string }> {
  const { requester, directory, seed } = context;
  switch (selector.type) {
    case 'team-role': {
      const team = await directory.team(selector.team);
      const candidates = (await directory.teamMembers(selector.team))
        .filter((member) => member.roles.includes(selector.role) && member.id !== requester.id)
        .sort((a, b) => a.id.localeCompare(b.id));
      const chosen = candidates[spread(seed, candidates.length)];
      if (!team || !chosen) {
        throw new ApprovalRoutingError(
          `결재선을 정할 수 없습니다: ${team?.name ?? selector.team}에 ${selector.role} 담당자가 없습니다. 총무과에 문의하세요.`,
        );
      }
      return { person: chosen, rule: `${team.name} 담당자(${selector.role})` };
    }
    case 'team-leader':
      return firstNotRequester(await levelsFrom(directory, { teamId: selector.team }), requester, directory);
    case 'requester-team-leader':
      return firstNotRequester(
        await levelsFrom(directory, requester.teamId ? { teamId: requester.teamId } : { departmentId: requester.departmentId }),
        requester,
        directory,
      );
    case 'requester-department-head':
      return firstNotRequester(await levelsFrom(directory, { departmentId: requester.departmentId }), requester, directory);
    case 'department-head':
      return firstNotRequester(await levelsFrom(directory, { departmentId: selector.department }), requester, directory);
    case 'preferred-department-head': {
      const first = context.preferredDepartments?.[0];
      if (!first) throw new Error('the line names the preferred department, but the request names none');
      const chosen = await firstNotRequester(await levelsFrom(directory, { departmentId: first }), requester, directory);
      return { ...chosen, rule: `${chosen.rule} (1지망 부서 동의)` };
    }
    case 'bureau-director':
      return firstNotRequester((await levelsFrom(directory, { departmentId: selector.department })).slice(1), requester, directory);
    case 'mayor':
      return firstNotRequester(await levelsFrom(directory, { mayor: true }), requester, directory);
    case 'handling-unit': {
      const teamId = context.handlingTeamId;
      if (!teamId) throw new Error('the line names the handling unit, but the request names none');
      if (selector.level === 'role') {
        const chosen = await resolveSelector({ type: 'team-role', team: teamId, role: selector.role ?? '' }, context);
        return { ...chosen, rule: `${chosen.rule} — 관리 부서` };
      }
      const levels = await levelsFrom(directory, { teamId });
      const from = { 'team-leader': 0, 'department-head': 1, 'bureau-director': 2 }[selector.level];
      return firstNotRequester(levels.slice(from), requester, directory);
    }
  }
}

/** The first level of the chain not held by the requester; the rule says when it moved up. */
async function firstNotRequester(chain: Level[], requester: Person, directory: Directory): Promise<{ person: Person; rule: string }> {
  const intended = chain[0];
  for (const level of chain) {
    if (level.personId === requester.id) continue;
    const person = await directory.person(level.personId);
    if (!person) continue;
    const movedUp = level !== intended && intended ? ` (기안자가 ${intended.title}이므로 한 단계 위로)` : '';
    return { person, rule: `${level.title}${movedUp}` };
  }
  throw new ApprovalRoutingError(`결재선을 정할 수 없습니다: ${intended?.title ?? '결재권자'}의 상위 결재권자를 찾을 수 없습니다.`);
}

type ChainStart = { teamId: string } | { departmentId: string } | { mayor: true };

/** The organisation's levels upward from a unit: team leader → department head → bureau director → mayor. */
export async function levelsFrom(directory: Directory, start: ChainStart): Promise<Level[]> {
  const levels: Level[] = [];
  let departmentId: string | undefined;
  if ('teamId' in start) {
    const team = await directory.team(start.teamId);
    if (!team) throw new ApprovalRoutingError(`결재선을 정할 수 없습니다: 팀 ${start.teamId}이(가) 조직도에 없습니다.`);
    levels.push({ personId: team.leaderId, title: `${team.name}장` });
    departmentId = team.departmentId;
  } else if ('departmentId' in start) {
    departmentId = start.departmentId;
  }
  if (departmentId) {
    const department = await directory.department(departmentId);
    if (!department) throw new ApprovalRoutingError(`결재선을 정할 수 없습니다: 부서 ${departmentId}이(가) 조직도에 없습니다.`);
    levels.push({ personId: department.headId, title: `${department.name}장` });
    const bureau = await directory.bureau(department.bureauId);
    if (bureau) levels.push({ personId: bureau.directorId, title: `${bureau.name}장` });
  }
  const office = await directory.office();
  if (office) levels.push({ personId: office.mayorId, title: '구청장' });
  return levels;
}

/**
 * The next level up from a person (escalation, and a deputy who turns out to be the requester):
 * a team member's team leader, a team leader's department head, and so on up to the mayor,
 * skipping anyone in `skip`. Undefined above the mayor.
 */
export async function superiorOf(directory: Directory, person: Person, skip: string[] = []): Promise<{ person: Person; title: string } | undefined> {
  const chain = await levelsFrom(directory, person.teamId ? { teamId: person.teamId } : { departmentId: person.departmentId });
  const own = chain.findLastIndex((level) => level.personId === person.id);
  for (const level of chain.slice(own + 1)) {
    if (level.personId === person.id || skip.includes(level.personId)) continue;
    const superior = await directory.person(level.personId);
    if (superior) return { person: superior, title: level.title };
  }
  return undefined;
}

function spread(seed: string, count: number): number {
  if (count === 0) return 0;
  return createHash('sha256').update(seed).digest().readUInt32BE(0) % count;
}
