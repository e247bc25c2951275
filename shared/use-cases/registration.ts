import type { Directory } from '../directory/directory.js';
import { seoulDate } from '../kernel/seoul-time.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { RequestStore } from '../ports/request-store.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';

export type Registration = NonNullable<ApprovalRequest['registration']>;

/**
 * The 문서번호 a request finally decided at `at` takes: `<처리과명>-<n>`, n the next of its
 * department's register for the Seoul year (the department as its kind's policy names it). Read
 * here, taken in the decision's own transaction on condition the register has not moved since.
 */
export async function nextRegistration(
  deps: { requests: Pick<RequestStore, 'lastRegistration'>; directory: Directory; policy: OfficePolicy },
  request: ApprovalRequest,
  at: string,
): Promise<Registration> {
  const rule = kindPolicyFor(deps.policy, request.kind).registeredBy;
  const team = 'handlingUnit' in rule && request.handlingTeamId ? await deps.directory.team(request.handlingTeamId) : undefined;
  const departmentId = 'department' in rule ? rule.department : (team?.departmentId ?? request.departmentId);
  const department = await deps.directory.department(departmentId);
  if (!department) throw new Error(`registering department ${departmentId} is not in the directory`);
  const year = seoulDate(new Date(at)).slice(0, 4);
  const sequence = (await deps.requests.lastRegistration(departmentId, year)) + 1;
  return { number: `${department.name}-${sequence}`, departmentId, year, sequence, at };
}
