import * as z from 'zod';
import type { Attachment, AttachmentBinding } from '../../ports/attachment-store.js';
import { type GuardedItem, toEpochSeconds, ttlAttribute } from './transact.js';

/**
 * An uploaded document: `ATTACHMENT#<id>` / `ATTACHMENT`. Created when its upload URL is issued,
 * bound to a request (once: `requestId`) in that request's transaction; until then it carries the
 * table's TTL so an upload nobody submitted is forgotten, as its file is by the bucket's lifecycle.
 */
export const attachmentKey = (id: string) => ({ pk: `ATTACHMENT#${id}`, sk: 'ATTACHMENT' });

const attachmentSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  kind: z.string(),
  documentType: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.int().positive(),
  createdAt: z.string(),
  requestId: z.string().optional(),
  boundAt: z.string().optional(),
  expiresAt: z.string().optional(),
});

export const readAttachment = (item: Record<string, unknown>): Attachment => attachmentSchema.parse(item);

export function attachmentItem(attachment: Attachment): Record<string, unknown> {
  return {
    ...attachmentKey(attachment.id),
    ...attachment,
    ...(attachment.expiresAt ? { [ttlAttribute]: toEpochSeconds(attachment.expiresAt) } : {}),
  };
}

/** Binds an upload to a request: only the owner's, only if it exists and no request holds it yet. */
export function bindAttachment(tableName: string, binding: AttachmentBinding): GuardedItem {
  return {
    guard: { entity: 'attachment' },
    item: {
      Update: {
        TableName: tableName,
        Key: attachmentKey(binding.id),
        UpdateExpression: 'SET requestId = :request, boundAt = :at REMOVE expiresAt, #ttl',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(requestId) AND ownerId = :owner',
        ExpressionAttributeNames: { '#ttl': ttlAttribute },
        ExpressionAttributeValues: { ':request': binding.requestId, ':at': binding.at, ':owner': binding.ownerId },
      },
    },
  };
}
