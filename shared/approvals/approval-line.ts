import { createHash } from 'node:crypto';
import { ConflictError } from '../kernel/errors.js';
import type { Directory, Person } from '../directory/directory.js';
import type { ApproverSelector, RouteStep } from '../policies/office-policy.js';

/** An approval step as resolved at submission: who decides, and by which rule. */
export interface ResolvedStep {
  action: RouteStep['action'];
  approverId: string;
  approverName: string;
  approverPosition: string;
  /** Why this person: the routing rule, and any adjustment (e.g. moved up past the requester). */
  rule: string;
}

export class ApprovalRoutingError extends ConflictError {}

/**
 * Resolves a kind's route (roles relative to the request, never person ids) into people.
 * `seed` spreads work among equally qualified people deterministically (the request id).
 */
export async function resolveApprovalLine(
  route: RouteStep[],
  requester: Person,
  directory: Directory,
  seed: string,
): Promise<ResolvedStep[]> {
  const steps: ResolvedStep[] = [];
  for (const step of route) {
    const { person, rule } = await resolveSelector(step.approver, requester, directory, seed);
    steps.push({ action: step.action, approverId: person.id, approverName: person.name, approverPosition: person.position, rule });
  }
  return steps;
}

async function resolveSelector(
  selector: ApproverSelector,
  requester: Person,
  directory: Directory,
  seed: string,
): Promise<{ person: Person; rule: string }> {
  switch (selector.type) {
    case 'team-role': {
      const candidates = (await directory.teamMembers(selector.team))
        .filter((member) => member.roles.includes(selector.role) && member.id !== requester.id)
        .sort((a, b) => a.id.localeCompare(b.id));
      const chosen = candidates[spread(seed, candidates.length)];
      if (!chosen) {
        throw new ApprovalRoutingError(`결재선을 정할 수 없습니다: ${selector.team} 팀에 ${selector.role} 담당자가 없습니다. 총무과에 문의하세요.`);
      }
      return { person: chosen, rule: `team-role:${selector.team}:${selector.role}` };
    }
    case 'team-leader':
      return leaderAbove(selector.team, requester, directory);
  }
}

/** The team's leader; if that is the requester, the head of the next level up (§: no self-approval). */
async function leaderAbove(teamId: string, requester: Person, directory: Directory): Promise<{ person: Person; rule: string }> {
  const team = await directory.team(teamId);
  if (!team) throw new ApprovalRoutingError(`결재선을 정할 수 없습니다: 팀 ${teamId}이(가) 조직도에 없습니다.`);
  const department = await directory.department(team.departmentId);
  const bureau = department ? await directory.bureau(department.bureauId) : undefined;
  const office = await directory.office();
  const chain: [string | undefined, string][] = [
    [team.leaderId, `team-leader:${teamId}`],
    [department?.headId, `department-head:${team.departmentId} (moved up: requester leads ${teamId})`],
    [bureau?.directorId, `bureau-director:${department?.bureauId} (moved up past the requester)`],
    [office?.mayorId, 'mayor (moved up past the requester)'],
  ];
  for (const [personId, rule] of chain) {
    if (!personId || personId === requester.id) continue;
    const person = await directory.person(personId);
    if (person) return { person, rule };
  }
  throw new ApprovalRoutingError(`결재선을 정할 수 없습니다: ${teamId} 팀의 결재권자를 찾을 수 없습니다.`);
}

function spread(seed: string, count: number): number {
  if (count === 0) return 0;
  return createHash('sha256').update(seed).digest().readUInt32BE(0) % count;
}
