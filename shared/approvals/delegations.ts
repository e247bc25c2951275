import type { Delegation } from '../ports/delegation-store.js';

/**
 * 대결 rules as pure functions over delegation data. A delegation covers Seoul dates `from`..`to`
 * inclusive and stops applying by itself after `to`.
 */
export const isActiveOn = (delegation: Pick<Delegation, 'from' | 'to'>, date: string) => delegation.from <= date && date <= delegation.to;

export const overlaps = (a: Pick<Delegation, 'from' | 'to'>, b: Pick<Delegation, 'from' | 'to'>) => a.from <= b.to && b.from <= a.to;

/**
 * Would `proposed` close a loop (A→B while B→…→A in an overlapping period)? Follows the deputy's
 * own delegations that overlap the proposed period; conservative on purpose: a chain that could
 * loop on any day of the period is refused.
 */
export async function closesLoop(
  proposed: Pick<Delegation, 'principalId' | 'deputyId' | 'from' | 'to'>,
  delegationsOf: (personId: string) => Promise<Delegation[]>,
): Promise<string[] | undefined> {
  const path = [proposed.principalId, proposed.deputyId];
  const seen = new Set(path);
  const walk = async (personId: string, trail: string[]): Promise<string[] | undefined> => {
    for (const next of (await delegationsOf(personId)).filter((delegation) => overlaps(delegation, proposed))) {
      if (next.deputyId === proposed.principalId) return [...trail, next.deputyId];
      if (seen.has(next.deputyId)) continue;
      seen.add(next.deputyId);
      const loop = await walk(next.deputyId, [...trail, next.deputyId]);
      if (loop) return loop;
    }
    return undefined;
  };
  return walk(proposed.deputyId, path);
}

const SEOUL_OFFSET_MS = 9 * 3_600_000;

/** 00:00 Seoul time on a date, as an instant: when a delegation starts applying. */
export const startOfSeoulDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - SEOUL_OFFSET_MS).toISOString();

/** 00:00 Seoul time the day after `to`: when a delegation stops applying. */
export const endOfDelegation = (delegation: Pick<Delegation, 'to'>) =>
  new Date(Date.parse(`${delegation.to}T00:00:00Z`) - SEOUL_OFFSET_MS + 86_400_000).toISOString();
