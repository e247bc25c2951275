import { describe, expect, it } from 'vitest';
import { resolveApprovalLine } from '../../shared/approvals/approval-line.js';
import { officePolicy, routeFor } from '../../shared/policies/office-policy.js';
import { inMemoryDirectory, seedPerson } from '../fixtures/directory.js';

const route = routeFor(officePolicy, 'health-checkup');
const directory = inMemoryDirectory();

describe('health-checkup approval line', () => {
  it('a welfare officer reviews, the 교육후생팀 leader approves — never the requester\'s own managers', async () => {
    const line = await resolveApprovalLine(route, seedPerson('E1034'), directory, 'R1');
    expect(line.map((step) => step.action)).toEqual(['review', 'approve']);
    expect(seedPerson(line[0]?.approverId ?? '').roles).toContain('welfare-officer');
    expect(line[1]?.approverId).toBe('E1015');
    expect(line.map((step) => step.approverId)).not.toContain('E1033'); // the requester's team leader
  });

  it('spreads reviews among the welfare officers, deterministically per request', async () => {
    const reviewers = new Set<string>();
    for (let i = 0; i < 30; i++) reviewers.add((await resolveApprovalLine(route, seedPerson('E1034'), directory, `R${i}`))[0]?.approverId ?? '');
    expect([...reviewers].sort()).toEqual(['E1016', 'E1017', 'E1018']);
    const again = await resolveApprovalLine(route, seedPerson('E1034'), directory, 'R7');
    expect(again).toEqual(await resolveApprovalLine(route, seedPerson('E1034'), directory, 'R7'));
  });

  it('a welfare officer\'s own claim is reviewed by another officer', async () => {
    for (let i = 0; i < 20; i++) {
      const line = await resolveApprovalLine(route, seedPerson('E1016'), directory, `R${i}`);
      expect(line[0]?.approverId).not.toBe('E1016');
    }
  });

  it('the team leader\'s own claim moves up to the head of 총무과', async () => {
    const line = await resolveApprovalLine(route, seedPerson('E1015'), directory, 'R1');
    expect(line[1]).toMatchObject({ approverId: 'E1005', rule: expect.stringContaining('moved up') });
  });
});
