import type { Person } from '../directory/directory.js';

/**
 * 지정 rules as pure functions over directory data: to whom the holder of a review or input step
 * may hand it. The step belongs to its holder of record — the approver it was sent to, who may be
 * away while a deputy holds it (대결) — so the team and the role are theirs, never the deputy's.
 * Another team only where the kind's policy says so (`reassign.acrossTeams`).
 */
export interface Handover {
  /** The holder of record: the step's approver, or the absent approver a deputy holds it for. */
  principal: Pick<Person, 'id' | 'teamId'>;
  /** Who hands it on: the principal, or their deputy. */
  callerId: string;
  requesterId: string;
  /** The role the step's approver was chosen for (a welfare officer, a facility officer), if the line names one. */
  role: string | undefined;
  /** The kind's policy: may the step go to someone of another team (with the role)? */
  acrossTeams: boolean;
}

/** Why `target` may not take the step over (Korean, shown under `toId`), or undefined if they may. */
export function handoverRefusal(handover: Handover, target: Pick<Person, 'id' | 'name' | 'teamId' | 'roles'>): string | undefined {
  if (target.id === handover.callerId) return '본인에게는 지정할 수 없습니다';
  if (target.id === handover.principal.id) return '부재 중인 원래 결재권자에게는 지정할 수 없습니다';
  if (target.id === handover.requesterId) return '요청자에게는 지정할 수 없습니다';
  const sameTeam = handover.principal.teamId !== null && target.teamId === handover.principal.teamId;
  if (!handover.acrossTeams && !sameTeam) return '같은 팀의 직원에게만 지정할 수 있습니다';
  if (target.teamId === null) return '팀에 속한 직원에게만 지정할 수 있습니다';
  if (handover.role !== undefined && !target.roles.includes(handover.role))
    return `${target.name}님에게는 이 단계의 역할(${handover.role})이 없습니다`;
  return undefined;
}
