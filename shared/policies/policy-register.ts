import { bundledPolicyData, canonicalPolicy, contentVersion, type OfficePolicy, officePolicySchema } from './office-policy.js';
import register from './policy-register.json' with { type: 'json' };

/**
 * Every version of the office policy the code has carried, by version: a request records the
 * version it was submitted and decided under, and the register turns that hash back into the
 * rules, so how a past request was decided reads the same after the policy changed. Rendered by
 * `npm run openapi` (which adds the policy in office-policy.json and never removes a version);
 * CI fails when the policy in the code is not in it.
 */
export type PolicyRegister = Readonly<Record<string, unknown>>;

export const policyRegister: PolicyRegister = register;

/** The register with the bundled policy added (as written by `npm run openapi`): the one change a render may make. */
export function withBundledPolicy(current: PolicyRegister): PolicyRegister {
  const bundled: OfficePolicy = officePolicySchema.parse(bundledPolicyData);
  const version = contentVersion(bundled);
  return Object.hasOwn(current, version) ? current : { ...current, [version]: canonicalPolicy(bundled) };
}
