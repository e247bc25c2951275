import { describe, expect, it } from 'vitest';
import { RecordedEvents } from '../../shared/finance/accounting.js';
import { ForbiddenError, NotFoundError } from '../../shared/kernel/errors.js';
import {
  canonicalPolicy,
  contentVersion,
  type OfficePolicy,
  officePolicy,
  officePolicySchema,
  policyVersion,
} from '../../shared/policies/office-policy.js';
import { policyRegister, withBundledPolicy } from '../../shared/policies/policy-register.js';
import { facilityRepair } from '../../shared/requests/kinds/facility-repair.js';
import { type ApprovalRequest, kindIds, requestSchema } from '../../shared/requests/kinds/index.js';
import { canMove, IllegalMoveError, moved } from '../../shared/requests/moves.js';
import { finalized } from '../../shared/requests/round-transitions.js';
import { readRequest } from '../../shared/store/entities/request.js';
import { makeGetPolicy } from '../../shared/use-cases/policy-view.js';
import { inMemoryDirectory } from '../fixtures/directory.js';
import { enginePolicy, policyWith, withChanges } from '../fixtures/policies/engine-policy.js';
import { requestInReview } from '../fixtures/requests.js';

const at = '2026-11-24T01:00:00.000Z';
const later = '2026-11-24T02:00:00.000Z';
const line = [{ stage: 0, action: 'approve' as const, approverId: 'E1015', approverName: '박은주', approverPosition: '팀장', rule: '교육후생팀장' }];
const claim = () => requestInReview(line, at);

/** A repair as the workflow finalizes it: triaged at 3,000,000 KRW, its line decided. */
const triagedRepair = (): ApprovalRequest =>
  requestSchema.parse({
    ...claim(),
    kind: 'facility-repair',
    details: { building: 'annex', floor: '2F', location: '복도', category: 'leak', urgency: 'normal', description: '천장 누수' },
    amountRequested: undefined,
    reimbursableAmount: undefined,
    handlingTeamId: 'ga-general',
    triage: { estimateKrw: 3_000_000, quoteCount: 1, by: 'E1009', byName: '이준호', at },
  });

describe('a request is one of the registered kinds', () => {
  it('is stored under its kind: details of another kind, or an unknown kind, are refused', () => {
    expect(requestSchema.safeParse(claim()).success).toBe(true);
    expect(requestSchema.safeParse({ ...claim(), kind: 'facility-repair' }).success).toBe(false);
    expect(requestSchema.safeParse({ ...claim(), kind: 'lunch-voucher' }).success).toBe(false);
    // A status of another kind's life after approval is not this kind's.
    expect(requestSchema.safeParse({ ...claim(), status: 'in-progress' }).success).toBe(false);
    expect(requestSchema.safeParse({ ...claim(), status: 'paid' }).success).toBe(true);
  });

  it('reads a request saved with one ledger (before requests could hold several) as a list of one', () => {
    const { ledgers: _ledgers, ...stored } = claim();
    expect(readRequest({ ...stored, ledger: { key: 'health-checkup#2026' } }).ledgers).toEqual([{ key: 'health-checkup#2026' }]);
  });
});

describe('every status change goes through one door', () => {
  it('bumps the version and sets updatedAt, whatever changes', () => {
    const before = claim();
    const after = moved(before, later, { currentStage: 1 });
    expect(after).toMatchObject({ version: before.version + 1, updatedAt: later, currentStage: 1, status: 'in-review' });
  });

  it("follows each kind's table: approval moves for all, the life after approval per kind", () => {
    expect(canMove('health-checkup', 'in-review', 'approved')).toBe(true);
    expect(canMove('health-checkup', 'approved', 'paid')).toBe(true);
    expect(canMove('facility-repair', 'approved', 'in-progress')).toBe(true);
    expect(canMove('facility-repair', 'work-done', 'in-progress')).toBe(true);
    expect(canMove('facility-repair', 'approved', 'paid')).toBe(false);
    expect(canMove('health-checkup', 'approved', 'in-progress')).toBe(false);
    expect(canMove('vehicle-booking', 'approved', 'cancelled')).toBe(true);
    expect(canMove('health-checkup', 'withdrawn', 'in-review')).toBe(false);
    expect(canMove('personnel-transfer', 'approved', 'completed')).toBe(false);
  });

  it('refuses a move the table does not allow, in Korean, as a 409', () => {
    const withdrawn = moved(claim(), later, { status: 'withdrawn' });
    const attempt = () => moved(withdrawn, later, { status: 'approved' });
    expect(attempt).toThrow(IllegalMoveError);
    expect(attempt).toThrow("'철회' 상태의 요청은 '승인'(으)로 바꿀 수 없습니다.");
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ statusCode: 409 });
    }
  });
});

describe('what a change moves in money is decided in the domain, against the request as saved', () => {
  it('an approved repair commits its estimate, in its month and building, and goes in progress charged to its budget line', () => {
    const change = finalized(triagedRepair(), { outcome: 'approved', at: later, policy: enginePolicy.policy });
    expect(change.request).toMatchObject({
      status: 'in-progress',
      work: { budgetLine: 'building-maintenance', budgetYear: 2026, committedKrw: 3_000_000 },
    });
    expect(change.budget).toEqual([{ line: 'building-maintenance', year: 2026, committedKrw: 3_000_000, outstandingKrw: 3_000_000 }]);
    expect(change.events.items).toEqual([
      {
        event: expect.objectContaining({ action: 'approved', finance: { approved: 1, committedKrw: 3_000_000 } }),
        financeKey: { month: '2026-11', kind: 'facility-repair', departmentId: 'jobs-economy', building: 'annex' },
      },
    ]);
  });

  it('an event that moves no money carries no figures and no key', () => {
    const recorded = RecordedEvents.of(claim(), [{ at, actorId: 'system', action: 'routed', channel: 'workflow' }]);
    expect(recorded.items).toEqual([{ event: { at, actorId: 'system', action: 'routed', channel: 'workflow' } }]);
  });

  it('an approved reimbursement is paid, once: the table refuses paying it again', () => {
    const approved = finalized(claim(), { outcome: 'approved', at: later, policy: enginePolicy.policy }).request;
    const paid = moved(approved, later, { status: 'paid' });
    expect(() => moved(paid, later, { status: 'paid', version: 99 })).not.toThrow(); // same status: not a move
    expect(() => moved(paid, later, { status: 'approved' })).toThrow(IllegalMoveError);
  });
});

describe("the policy holds each kind's block, checked by the kind at load", () => {
  it('accepts the bundled policy and refuses one missing a kind, naming it', () => {
    const result = officePolicySchema.safeParse(withChanges(policyWith({}).data, { kinds: { 'health-checkup': null } }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('kinds.health-checkup');
    expect(kindIds.every((id) => id in policyWith({}).policy.kinds)).toBe(true);
  });

  it("refuses a kind's rules its module does not accept, a block for no kind, an unknown step input or budget line", () => {
    const issues = (patch: unknown) =>
      officePolicySchema.safeParse(withChanges(policyWith({}).data, patch)).error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(issues({ kinds: { 'infertility-treatment': { rules: { capPerYearKrw: -1 } } } })).toContain(
      'kinds.infertility-treatment.rules.capPerYearKrw',
    );
    expect(issues({ kinds: { 'lunch-voucher': enginePolicy.policy.kinds['health-checkup'] } })).toContain('kinds.lunch-voucher');
    expect(
      issues({ kinds: { 'health-checkup': { line: [{ action: 'approve', input: 'facility-triage', approver: { type: 'mayor' } }] } } }),
    ).toContain('kinds.health-checkup.line');
    expect(issues({ kinds: { 'health-checkup': { finance: { budgetLine: 'lunch' } } } })).toContain('kinds.health-checkup.finance.budgetLine');
    expect(facilityRepair.rulesOf(enginePolicy.policy).quotes.singleQuoteUpToKrw).toBe(20_000_000);
  });

  it('versions the policy by its content: the same rules in any key order are one version, a changed cap another', () => {
    const base = policyWith({}).policy;
    const reverse = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverse)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([key, field]) => [key, reverse(field)]),
            )
          : value;
    const reordered = officePolicySchema.parse(reverse(policyWith({}).data));
    expect(policyVersion(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(policyVersion(reordered)).toBe(policyVersion(base));
    expect(policyVersion(policyWith({ approvals: { stageDeadlineDays: 20 } }).policy)).not.toBe(policyVersion(base));
  });

  it('keeps every version of the policy in the register, so GET /policy?version= reads the rules a past request was decided under', async () => {
    // The register holds the policy in the code, each version under the hash of what it keeps.
    expect(policyRegister[policyVersion(officePolicy)]).toEqual(canonicalPolicy(officePolicy));
    for (const [version, kept] of Object.entries(policyRegister)) expect(contentVersion(kept), version).toBe(version);
    expect(withBundledPolicy(policyRegister)).toBe(policyRegister);

    // A policy changed since (a tighter deadline): its version is current, the earlier one still reads.
    const changed = policyWith({ approvals: { stageDeadlineDays: 20 } }).policy;
    const register = withBundledPolicy({});
    const getPolicy = makeGetPolicy({ directory: inMemoryDirectory(), policy: changed, register });
    const now = await getPolicy({ callerId: 'E1021' });
    expect(now).toMatchObject({ version: policyVersion(changed), current: true });
    const before = await getPolicy({ callerId: 'E1021', query: { version: policyVersion(officePolicy) } });
    expect(before.current).toBe(false);
    expect((before.policy as OfficePolicy).approvals.stageDeadlineDays).toBe(officePolicy.approvals.stageDeadlineDays);
    await expect(getPolicy({ callerId: 'E1021', query: { version: '0123456789abcdef' } })).rejects.toThrow(NotFoundError);
    await expect(getPolicy({ callerId: 'E1021', query: { version: 'latest' } })).rejects.toMatchObject({
      issues: [{ path: 'version', message: expect.stringContaining('16자리') }],
    });
    await expect(getPolicy({ callerId: 'E1034' })).rejects.toThrow(ForbiddenError);
  });

  it('refuses 공람 or 참조 on a health kind: its data stays with the people who must see it', () => {
    const issues = (patch: unknown) =>
      officePolicySchema.safeParse(withChanges(policyWith({}).data, patch)).error?.issues.map((issue) => issue.path.join('.')) ?? [];
    for (const kind of ['health-checkup', 'infertility-treatment', 'vaccination']) {
      expect(issues({ kinds: { [kind]: { circulation: { copies: 1 } } } })).toEqual([`kinds.${kind}.circulation`]);
      expect(issues({ kinds: { [kind]: { circulation: { readers: [{ type: 'team', team: 'ga-hr' }] } } } })).toEqual([`kinds.${kind}.circulation`]);
    }
    expect(issues({ kinds: { 'facility-repair': { circulation: { copies: 6 } } } })).toEqual(['kinds.facility-repair.circulation.copies']);
    expect(issues({ kinds: { 'personnel-transfer': { circulation: { copies: 2 } } } })).toEqual([]);
  });

  it('refuses a 파기 of a detail field the kind does not have', () => {
    const issues = (patch: unknown) =>
      officePolicySchema.safeParse(withChanges(policyWith({}).data, patch)).error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(issues({ kinds: { 'health-checkup': { destruction: { details: ['clinic', 'diagnosis'] } } } })).toEqual([
      'kinds.health-checkup.destruction.details.1',
    ]);
  });
});
