import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { ForbiddenError, NotFoundError } from '../kernel/errors.js';
import { parseOrThrow } from '../kernel/validation.js';
import { type OfficePolicy, policyVersion } from '../policies/office-policy.js';
import type { PolicyRegister } from '../policies/policy-register.js';

/** Who may read the policy in force with its version: admins and auditors. */
const POLICY_READERS = ['admin', 'auditor'];

export const policyQuery = z.object({
  version: z
    .string()
    .regex(/^[0-9a-f]{16}$/, { error: '정책 버전(version)은 16자리 16진수입니다(요청의 policyVersion 값).' })
    .optional(),
});

/**
 * `GET /policy`: the rules in force and their version (a content hash), or with `?version=` the
 * rules of an earlier version from the register. Each request records the version it was
 * submitted and decided under, so an audit reads which rules a past decision followed even after
 * the policy changed.
 */
export function makeGetPolicy({ directory, policy, register }: { directory: Directory; policy: OfficePolicy; register: PolicyRegister }) {
  return async function getPolicy(input: { callerId: string; query?: Record<string, string | undefined> }) {
    const caller = await directory.person(input.callerId);
    if (!caller?.roles.some((role) => POLICY_READERS.includes(role))) throw new ForbiddenError('정책은 관리자와 감사 담당자만 볼 수 있습니다.');
    const current = policyVersion(policy);
    const { version = current } = parseOrThrow(policyQuery, input.query ?? {});
    if (version === current) return { version, current: true, policy };
    const registered = register[version];
    if (registered === undefined) throw new NotFoundError(`정책 버전 ${version}을(를) 찾을 수 없습니다.`);
    return { version, current: false, policy: registered as Record<string, unknown> };
  };
}
