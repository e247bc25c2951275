import { describe, expect, it } from 'vitest';
import { resolveApprovalLine, superiorOf } from '../../shared/approvals/approval-line.js';
import { kindPolicyFor, tierFor } from '../../shared/policies/approval-policy.js';
import { officePolicy, officePolicySchema } from '../../shared/policies/office-policy.js';
import { inMemoryDirectory, seedPerson } from '../fixtures/directory.js';
import { enginePolicy as engine } from '../fixtures/policies/engine-policy.js';

const directory = inMemoryDirectory();
const defaultLine = kindPolicyFor(officePolicy, 'health-checkup').line;
/** The engine fixture: review → 협조 from 인사팀 and 전산운영팀 in parallel → 전결 by amount (≤300k 팀장, ≤450k 과장, above 국장). */
const enginePolicy = engine.policy;
const engineLine = kindPolicyFor(enginePolicy, 'health-checkup').line;

const resolve = (line: typeof defaultLine, requesterId: string, seed = 'R1', reimbursableAmount = 100_000) =>
  resolveApprovalLine(line, { requester: seedPerson(requesterId), amounts: { reimbursableAmount }, directory, seed });

describe('health-checkup approval line (office default)', () => {
  it("a welfare officer reviews, the 교육후생팀 leader approves under 전결 — never the requester's own managers", async () => {
    const line = await resolve(defaultLine, 'E1034');
    expect(line.map((step) => [step.stage, step.action])).toEqual([
      [0, 'review'],
      [1, 'approve'],
    ]);
    expect(seedPerson(line[0]?.approverId ?? '').roles).toContain('welfare-officer');
    expect(line[1]).toMatchObject({ approverId: 'E1015', delegatedAuthority: '위임전결: 교육후생팀장' });
    expect(line.map((step) => step.approverId)).not.toContain('E1033'); // the requester's team leader
  });

  it('spreads reviews among the welfare officers, deterministically per request', async () => {
    const reviewers = new Set<string>();
    for (let i = 0; i < 30; i++) reviewers.add((await resolve(defaultLine, 'E1034', `R${i}`))[0]?.approverId ?? '');
    expect([...reviewers].sort()).toEqual(['E1016', 'E1017', 'E1018']);
    expect(await resolve(defaultLine, 'E1034', 'R7')).toEqual(await resolve(defaultLine, 'E1034', 'R7'));
  });

  it("a welfare officer's own claim is reviewed by another officer", async () => {
    for (let i = 0; i < 20; i++) expect((await resolve(defaultLine, 'E1016', `R${i}`))[0]?.approverId).not.toBe('E1016');
  });

  it("the team leader's own claim moves up one level, to the head of 총무과, and says why", async () => {
    const line = await resolve(defaultLine, 'E1015');
    expect(line[1]).toMatchObject({ approverId: 'E1005', rule: '총무과장 (기안자가 교육후생팀장이므로 한 단계 위로)' });
  });
});

describe('a three-level line with a parallel 협조 group and a 전결 table', () => {
  it('resolves review → 인사팀장 + 전산운영팀장 in parallel → the deciding level', async () => {
    const line = await resolve(engineLine, 'E1034');
    expect(line.map((step) => [step.stage, step.action, step.approverId])).toEqual([
      [0, 'review', line[0]?.approverId],
      [1, 'cooperate', 'E1011'],
      [1, 'cooperate', 'E1023'],
      [2, 'approve', 'E1015'],
    ]);
  });

  it.each([
    [1, 'E1015', '교육후생팀장', '300,000원 이하'],
    [300_000, 'E1015', '교육후생팀장', '300,000원 이하'],
    [300_001, 'E1005', '총무과장', '450,000원 이하'],
    [450_000, 'E1005', '총무과장', '450,000원 이하'],
    [450_001, 'E1002', '행정국장', '450,000원 초과'],
  ])('%i원 is decided by %s (%s) and recorded as 전결 under its tier', async (amount, approverId, title, band) => {
    const final = (await resolve(engineLine, 'E1034', 'R1', amount)).at(-1);
    expect(final).toMatchObject({ action: 'approve', approverId });
    expect(final?.delegatedAuthority).toBe(`위임전결: ${title} (금액 ${amount.toLocaleString('ko-KR')}원: ${band} 구간)`);
  });

  it('a 전결 tier that lands on the head of office is a plain 결재, not 전결', async () => {
    const mayorLine = [{ action: 'approve' as const, approver: { type: 'mayor' as const } }];
    const [step] = await resolve(mayorLine, 'E1034');
    expect(step).toMatchObject({ approverId: 'E1001' });
    expect(step?.delegatedAuthority).toBeUndefined();
  });

  it('a person due at two stages decides only at the later one (인사팀장 filing their own claim moves up and merges)', async () => {
    const line = await resolve(engineLine, 'E1011', 'R1', 350_000);
    // 인사팀장 cannot cooperate on their own claim: moved up to 총무과장, who also decides at the end.
    expect(line.map((step) => step.approverId)).toEqual([line[0]?.approverId, 'E1023', 'E1005']);
    expect(line.map((step) => step.stage)).toEqual([0, 1, 2]);
  });
});

describe('tiers and the chain of command', () => {
  const tiers = [
    { upTo: 2_000_000, approver: { type: 'mayor' as const } },
    { upTo: 20_000_000, approver: { type: 'mayor' as const } },
    { approver: { type: 'mayor' as const } },
  ];
  it.each([
    [2_000_000, 0],
    [2_000_001, 1],
    [20_000_000, 1],
    [20_000_001, 2],
  ])('%i falls in tier %i (upper bounds are inclusive)', (amount, index) => {
    expect(tierFor(tiers, amount).index).toBe(index);
  });

  it('escalates a member to the team leader, a team leader to the department head, and so on to the mayor', async () => {
    expect((await superiorOf(directory, seedPerson('E1016')))?.person.id).toBe('E1015');
    expect((await superiorOf(directory, seedPerson('E1015')))?.person.id).toBe('E1005');
    expect((await superiorOf(directory, seedPerson('E1005')))?.person.id).toBe('E1002');
    expect((await superiorOf(directory, seedPerson('E1002')))?.person.id).toBe('E1001');
    expect(await superiorOf(directory, seedPerson('E1001'))).toBeUndefined();
    expect((await superiorOf(directory, seedPerson('E1016'), ['E1015']))?.person.id).toBe('E1005');
  });

  it('refuses a policy whose line does not end with a single approve step, or escalates before reminding', () => {
    const rules = enginePolicy.kinds['health-checkup'];
    if (!rules) throw new Error('fixture has health-checkup');
    const withHealthCheckup = (block: typeof rules) => ({ ...enginePolicy, kinds: { ...enginePolicy.kinds, 'health-checkup': block } });
    expect(officePolicySchema.safeParse(withHealthCheckup(rules)).success).toBe(true);
    expect(officePolicySchema.safeParse(withHealthCheckup({ ...rules, line: rules.line.slice(0, 2) })).success).toBe(false);
    expect(officePolicySchema.safeParse(withHealthCheckup({ ...rules, escalateAfter: { businessDays: 1 } })).success).toBe(false);
  });
});
