import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

/** One item of a TransactWriteItems call, as the document client takes it. */
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** What a transaction item stands for when its condition fails: the store turns that into the port's error. */
export type Guard =
  | { entity: 'request' | 'event' | 'idempotency' | 'link' | 'calendar' | 'odometer' | 'budget' | 'finance' | 'attachment' | 'registry' }
  | { entity: 'ledger'; key: string };

export interface GuardedItem {
  item: TransactItem;
  guard: Guard;
}

/** Seconds since the epoch, for the table's TTL attribute (`expiresAtEpoch`). */
export const ttlAttribute = 'expiresAtEpoch';
export const toEpochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
