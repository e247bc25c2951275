import * as z from 'zod';
import type { Delegation } from '../../ports/delegation-store.js';
import { timerAttributes, timerShards } from './timers.js';

/**
 * A 대결 delegation: `DELEGATION#<principal>` / `FROM#<date>`, one per principal and start date (one
 * Query lists a person's). A start or end the sweep must still act on sits on `due-timers`.
 */
export const delegationKey = (principalId: string, from: string) => ({ pk: `DELEGATION#${principalId}`, sk: `FROM#${from}` });
export const delegationPrefix = (principalId: string) => ({ pk: `DELEGATION#${principalId}`, skPrefix: 'FROM#' });

export const delegationSchema = z.object({
  principalId: z.string(),
  deputyId: z.string(),
  from: z.iso.date(),
  to: z.iso.date(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  pendingTimer: z.object({ kind: z.enum(['start', 'end']), at: z.string() }).optional(),
});

export const delegationTimerAttributes = (timer: Delegation['pendingTimer']) => timerAttributes(timerShards.delegation, timer?.at);

export const delegationItem = (delegation: Delegation) => ({
  ...delegationKey(delegation.principalId, delegation.from),
  ...delegation,
  ...delegationTimerAttributes(delegation.pendingTimer),
});
