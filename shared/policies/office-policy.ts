import * as z from 'zod';
import policyData from './office-policy.json' with { type: 'json' };

/**
 * The office's rules as data. Defaults from DOMAIN.md live in office-policy.json, so the
 * division can change a cap, a band or a routing without touching code; this module only
 * validates the data once, at load, and offers pure functions over it.
 */
const krw = z.int().nonnegative();

const approverSelector = z.discriminatedUnion('type', [
  /** Someone in `team` holding `role` (e.g. a welfare officer of 교육후생팀). */
  z.object({ type: z.literal('team-role'), team: z.string(), role: z.string() }),
  /** The leader (팀장) of `team`; if that is the requester, the line moves up one level. */
  z.object({ type: z.literal('team-leader'), team: z.string() }),
]);

const routeStep = z.object({
  action: z.enum(['review', 'approve']),
  approver: approverSelector,
});

export const officePolicySchema = z.object({
  healthCheckup: z.object({
    capBands: z
      .array(z.object({ fromAge: z.int().nonnegative(), capKrw: krw }))
      .min(1)
      .refine((bands) => bands[0]?.fromAge === 0, 'the first band must start at age 0')
      .refine((bands) => bands.every((band, i) => i === 0 || band.fromAge > (bands[i - 1]?.fromAge ?? -1)), 'bands must be in ascending age order'),
    claimsPerYear: z.int().positive(),
    claimableYearsBack: z.int().nonnegative(),
  }),
  approvalLinks: z.object({ validDays: z.int().positive().max(24) }),
  routing: z.record(z.string(), z.array(routeStep).min(1)),
});

export type OfficePolicy = z.infer<typeof officePolicySchema>;
export type ApproverSelector = z.infer<typeof approverSelector>;
export type RouteStep = z.infer<typeof routeStep>;
export type HealthCheckupPolicy = OfficePolicy['healthCheckup'];

export const officePolicy: OfficePolicy = officePolicySchema.parse(policyData);

/** The cap of the age band `age` falls in. */
export function healthCheckupCap(policy: HealthCheckupPolicy, age: number): number {
  const band = policy.capBands.findLast((candidate) => age >= candidate.fromAge);
  if (!band) throw new Error(`no cap band covers age ${age}`);
  return band.capKrw;
}

export function routeFor(policy: OfficePolicy, kind: string): RouteStep[] {
  const route = policy.routing[kind];
  if (!route) throw new Error(`no approval route configured for kind ${kind}`);
  return route;
}
