import type { Directory } from '../directory/directory.js';
import { ForbiddenError } from '../kernel/errors.js';
import { type OfficePolicy, policyVersion } from '../policies/office-policy.js';

/** Who may read the policy in force with its version: admins and auditors. */
const POLICY_READERS = ['admin', 'auditor'];

/**
 * `GET /policy`: the rules in force and their version (a content hash). Each request records the
 * version it was submitted and decided under, so an audit can tell which rules a past decision
 * followed even after the policy changed.
 */
export function makeGetPolicy({ directory, policy }: { directory: Directory; policy: OfficePolicy }) {
  return async function getPolicy(input: { callerId: string }) {
    const caller = await directory.person(input.callerId);
    if (!caller?.roles.some((role) => POLICY_READERS.includes(role))) throw new ForbiddenError('정책은 관리자와 감사 담당자만 볼 수 있습니다.');
    return { version: policyVersion(policy), policy };
  };
}
