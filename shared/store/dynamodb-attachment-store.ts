import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AttachmentStore } from '../ports/attachment-store.js';
import { attachmentItem, attachmentKey, readAttachment } from './entities/attachment.js';

export function makeDynamoDbAttachmentStore(db: DynamoDBDocumentClient, tableName: string): AttachmentStore {
  return {
    async create(attachment) {
      await db.send(new PutCommand({ TableName: tableName, Item: attachmentItem(attachment), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: attachmentKey(id), ConsistentRead: true }));
      return Item ? readAttachment(Item) : undefined;
    },
  };
}
