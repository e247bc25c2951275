import type { RegistrationChange } from '../../ports/request-store.js';
import type { GuardedItem } from './transact.js';

/**
 * A department's register of decided requests for one Seoul year (문서번호): `REGISTRY#<department>` /
 * `YEAR#<yyyy>`, holding the last sequence number given. A final decision takes the next one in its
 * own transaction, on condition that the last is still the one it read: two decisions can never get
 * the same number, and none is skipped (a decision that loses the race reads again and takes the next).
 */
export const registryKey = (departmentId: string, year: string) => ({ pk: `REGISTRY#${departmentId}`, sk: `YEAR#${year}` });

export function takeRegistration(tableName: string, registration: RegistrationChange): GuardedItem {
  const first = registration.sequence === 1;
  return {
    guard: { entity: 'registry' },
    item: {
      Update: {
        TableName: tableName,
        Key: registryKey(registration.departmentId, registration.year),
        UpdateExpression: 'SET #last = :next',
        ConditionExpression: first ? 'attribute_not_exists(pk)' : '#last = :previous',
        ExpressionAttributeNames: { '#last': 'lastSequence' },
        ExpressionAttributeValues: { ':next': registration.sequence, ...(first ? {} : { ':previous': registration.sequence - 1 }) },
      },
    },
  };
}

export const readLastSequence = (item: Record<string, unknown> | undefined): number =>
  typeof item?.['lastSequence'] === 'number' ? item['lastSequence'] : 0;
