import { randomBytes } from 'node:crypto';
import type { RecordedEvent } from '../../finance/accounting.js';
import type { FinanceKey } from '../../finance/figures.js';
import { type HistoryEvent, historyEventSchema } from '../../requests/history.js';
import type { GuardedItem } from './transact.js';

/**
 * A history event: `REQUEST#<id>` / `EVENT#<at>#<n>`, beside its request (one Query reads both).
 * An event that moved money carries where it is totalled (`financeMonth`, `financeKind`,
 * `financeDepartmentId`, `financeBuilding`), so reconciliation can find a month's events.
 */
export const eventPrefix = 'EVENT#';
export const eventKey = (requestId: string, at: string) => ({
  pk: `REQUEST#${requestId}`,
  sk: `${eventPrefix}${at}#${randomBytes(4).toString('hex')}`,
});

const financeAttributes = (key: FinanceKey | undefined) =>
  key ? { financeMonth: key.month, financeKind: key.kind, financeDepartmentId: key.departmentId, financeBuilding: key.building } : {};

export const eventItem = (requestId: string, event: HistoryEvent, financeKey?: FinanceKey) => ({
  ...eventKey(requestId, event.at),
  ...event,
  ...financeAttributes(financeKey),
});

/** Appends an event (append-only: never over another). */
export function putEvent(tableName: string, requestId: string, recorded: RecordedEvent): GuardedItem {
  return {
    guard: { entity: 'event' },
    item: {
      Put: { TableName: tableName, Item: eventItem(requestId, recorded.event, recorded.financeKey), ConditionExpression: 'attribute_not_exists(pk)' },
    },
  };
}

export const readEvent = (item: Record<string, unknown>): HistoryEvent => historyEventSchema.parse(item);

/** Where a stored event was totalled, for reconciliation (undefined for events that moved no money). */
export function financeKeyOfItem(item: Record<string, unknown>): FinanceKey | undefined {
  const month = item['financeMonth'];
  if (typeof month !== 'string') return undefined;
  const building = item['financeBuilding'];
  return {
    month,
    kind: String(item['financeKind']),
    departmentId: String(item['financeDepartmentId']),
    ...(typeof building === 'string' ? { building } : {}),
  };
}
