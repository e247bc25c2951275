import * as z from 'zod';
import type { ApprovalLink } from '../../ports/request-store.js';
import type { Decision } from '../../requests/request.js';
import { timerShards } from './timers.js';
import { type GuardedItem, toEpochSeconds, ttlAttribute } from './transact.js';

/**
 * An approval link: `LINK#<sha256 of the link id>` / `LINK` — never the id itself. While open it
 * carries the index attributes of `pending-approvals-by-approver` (its holder, since when) and of
 * `due-timers` (its next reminder, escalation or deadline); using or revoking it removes them.
 * Used links stay readable ("already decided") long after they expire, then TTL removes them.
 */
export const linkKey = (hash: string) => ({ pk: `LINK#${hash}`, sk: 'LINK' });

const LINK_RETENTION_DAYS = 400;

export const linkSchema = z.object({
  hash: z.string(),
  requestId: z.string(),
  round: z.int().positive(),
  stepIndex: z.int(),
  approverId: z.string(),
  actingForId: z.string().optional(),
  taskToken: z.string(),
  expiresAt: z.string(),
  openedAt: z.string(),
  remindAt: z.string().optional(),
  escalateAt: z.string().optional(),
  status: z.enum(['open', 'used', 'revoked']),
  usedAt: z.string().optional(),
  decision: z.enum(['approve', 'reject']).optional(),
  revokedReason: z.enum(['closed', 'replaced', 'rerouted', 'supplement', 'returned-to-previous']).optional(),
  chatMessage: z.object({ channel: z.string(), ts: z.string() }).optional(),
});

export const readLink = (item: Record<string, unknown>): ApprovalLink => linkSchema.parse(item);

/** Index attributes an open link carries; using or revoking it removes them (the indexes are sparse). */
const OPEN_LINK_INDEX_ATTRIBUTES = 'pendingApproverId, pendingSince, timerShard, nextTimerAt';

const openLinkIndexAttributes = (link: ApprovalLink) => ({
  pendingApproverId: link.approverId,
  pendingSince: link.openedAt,
  timerShard: timerShards.link,
  nextTimerAt: [link.remindAt, link.escalateAt, link.expiresAt].filter((at): at is string => at !== undefined).sort()[0],
});

/** A new link, open. */
export function putLink(tableName: string, link: ApprovalLink): GuardedItem {
  const retainUntil = new Date(Date.parse(link.expiresAt) + LINK_RETENTION_DAYS * 86_400_000).toISOString();
  return {
    guard: { entity: 'link' },
    item: {
      Put: {
        TableName: tableName,
        Item: { ...linkKey(link.hash), ...link, ...openLinkIndexAttributes(link), [ttlAttribute]: toEpochSeconds(retainUntil) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** Uses a link: only an open, unexpired one, once. */
export function consumeLink(tableName: string, consume: { hash: string; at: string; decision: Decision }): GuardedItem {
  return {
    guard: { entity: 'link' },
    item: {
      Update: {
        TableName: tableName,
        Key: linkKey(consume.hash),
        UpdateExpression: `SET #status = :used, usedAt = :at, decision = :decision REMOVE ${OPEN_LINK_INDEX_ATTRIBUTES}`,
        ConditionExpression: '#status = :open AND expiresAt > :at',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':at': consume.at, ':decision': consume.decision },
      },
    },
  };
}

/** Revokes an open link; one that was just used must fail the whole change. */
export function revokeLink(tableName: string, revoke: { hash: string; reason: NonNullable<ApprovalLink['revokedReason']> }): GuardedItem {
  return {
    guard: { entity: 'link' },
    item: {
      Update: {
        TableName: tableName,
        Key: linkKey(revoke.hash),
        UpdateExpression: `SET #status = :revoked, revokedReason = :reason REMOVE ${OPEN_LINK_INDEX_ATTRIBUTES}`,
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':revoked': 'revoked', ':open': 'open', ':reason': revoke.reason },
      },
    },
  };
}
