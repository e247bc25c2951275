import type { LedgerChange, LedgerUsage } from '../../ports/request-store.js';
import type { GuardedItem } from './transact.js';

/**
 * A person's ledger for one kind and period: `LEDGER#<personId>` / `<kind>#<period>` (e.g.
 * `health-checkup#2026`), holding the requests in it (`requestIds`, a string set) and for capped
 * kinds the amount they reserve (`reservedKrw`). Changed only by conditional updates in the
 * request's own transaction, so concurrent claims can never together pass a limit.
 */
export const ledgerKey = (personId: string, key: string) => ({ pk: `LEDGER#${personId}`, sk: key });

export function readLedger(item: Record<string, unknown> | undefined): LedgerUsage {
  const holders = item?.['requestIds'];
  const reserved = item?.['reservedKrw'];
  return {
    requestIds: holders instanceof Set ? [...holders].map(String).sort() : [],
    reservedKrw: typeof reserved === 'number' ? reserved : 0,
  };
}

/** Takes, gives back or adjusts a request's place (and reservation) in a ledger; or, at 파기, deletes the ledger. */
export function updateLedger(tableName: string, requestId: string, ledger: LedgerChange): GuardedItem {
  const Key = ledgerKey(ledger.personId, ledger.key);
  const ids = new Set([requestId]);
  const guard = { entity: 'ledger' as const, key: ledger.key };
  if ('add' in ledger) {
    // Both limits in one conditional update: concurrent claims can never together pass either.
    const { maxRequests, amount, maxReservedBefore } = ledger.add;
    const capped = amount !== undefined && maxReservedBefore !== undefined;
    const conditions = [
      ...(maxRequests === undefined ? [] : ['(attribute_not_exists(requestIds) OR size(requestIds) < :max)']),
      ...(capped ? ['(attribute_not_exists(reservedKrw) OR reservedKrw <= :maxBefore)'] : []),
    ];
    return {
      guard,
      item: {
        Update: {
          TableName: tableName,
          Key,
          UpdateExpression: amount === undefined ? 'ADD requestIds :ids' : 'ADD requestIds :ids, reservedKrw :amount',
          ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeValues: {
            ':ids': ids,
            ...(maxRequests === undefined ? {} : { ':max': maxRequests }),
            ...(amount === undefined ? {} : { ':amount': amount }),
            ...(capped ? { ':maxBefore': maxReservedBefore } : {}),
          },
        },
      },
    };
  }
  if ('remove' in ledger) {
    const { amount } = ledger.remove;
    return {
      guard,
      item: {
        Update: {
          TableName: tableName,
          Key,
          UpdateExpression: amount ? 'DELETE requestIds :ids ADD reservedKrw :release' : 'DELETE requestIds :ids',
          ExpressionAttributeValues: { ':ids': ids, ...(amount ? { ':release': -amount } : {}) },
        },
      },
    };
  }
  if ('drop' in ledger) return { guard, item: { Delete: { TableName: tableName, Key } } };
  const { delta, maxReservedBefore } = ledger.adjust;
  return {
    guard,
    item: {
      Update: {
        TableName: tableName,
        Key,
        UpdateExpression: 'ADD reservedKrw :delta',
        // Growing a reservation must still fit under the cap; shrinking always fits.
        ConditionExpression: delta > 0 ? 'contains(requestIds, :id) AND reservedKrw <= :maxBefore' : 'contains(requestIds, :id)',
        ExpressionAttributeValues: { ':delta': delta, ':id': requestId, ...(delta > 0 ? { ':maxBefore': maxReservedBefore } : {}) },
      },
    },
  };
}
