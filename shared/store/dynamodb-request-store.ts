import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput as QueryInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { addFigures, FIGURES, type FinanceFigures, financeKeyOf, financeOf } from '../finance/totals.js';
import { ValidationError } from '../kernel/errors.js';
import {
  type ApprovalLink,
  CalendarChangedError,
  ConcurrentChangeError,
  IdempotencyRaceError,
  LedgerFullError,
  LinkUnavailableError,
  OdometerBackwardsError,
  type RequestChange,
  type RequestStore,
} from '../ports/ports.js';
import { type ApprovalRequest, type HistoryEvent, historyEventSchema, requestSchema } from '../requests/request.js';
import { queryDueTimers, timerShards } from './due-timers.js';
import { indexes, keys, toEpochSeconds, ttlAttribute } from './table-layout.js';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type Guard = 'request' | 'event' | 'ledger' | 'idempotency' | 'link' | 'calendar' | 'odometer' | 'budget' | 'finance';

const IDEMPOTENCY_RETENTION_HOURS = 24;
/** Used links stay readable ("already decided") long after they expire, then TTL removes them. */
const LINK_RETENTION_DAYS = 400;

const linkSchema = z.object({
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
  revokedReason: z.enum(['closed', 'replaced', 'rerouted']).optional(),
  chatMessage: z.object({ channel: z.string(), ts: z.string() }).optional(),
});

/** Index attributes an open link carries; using or revoking it removes them (the indexes are sparse). */
const OPEN_LINK_INDEX_ATTRIBUTES = 'pendingApproverId, pendingSince, timerShard, nextTimerAt';

const SEOUL_OFFSET_MS = 9 * 3_600_000;

/**
 * Index attributes a request carries: its round (transfers), and — once approved with an effect
 * not yet applied — a timer at 00:00 Seoul time on the effective date. A Put rewrites the whole
 * item, so an applied effect drops off the timer index by itself.
 */
/** How long a decided stage may wait for its workflow to move on before the sweep tells it again. */
const RESUME_GRACE_MS = 5 * 60_000;

const requestIndexAttributes = (request: ApprovalRequest) => {
  if (request.followUp) return { timerShard: timerShards.followUp, nextTimerAt: request.followUp.at };
  if (request.resumePending) {
    return {
      ...(request.effect ? { roundId: request.effect.roundId } : {}),
      timerShard: timerShards.resume,
      nextTimerAt: new Date(Date.parse(request.resumePending.since) + RESUME_GRACE_MS).toISOString(),
    };
  }
  const effect = request.effect;
  if (!effect) return {};
  const due = request.status === 'approved' && !effect.appliedAt;
  return {
    roundId: effect.roundId,
    ...(due
      ? { timerShard: timerShards.effect, nextTimerAt: new Date(Date.parse(`${effect.effectiveDate}T00:00:00Z`) - SEOUL_OFFSET_MS).toISOString() }
      : {}),
  };
};

const openLinkIndexAttributes = (link: ApprovalLink) => ({
  pendingApproverId: link.approverId,
  pendingSince: link.openedAt,
  timerShard: timerShards.link,
  nextTimerAt: [link.remindAt, link.escalateAt, link.expiresAt].filter((at): at is string => at !== undefined).sort()[0],
});

const cursorSchema = z.object({ pk: z.string(), sk: z.string(), requesterId: z.string(), createdAt: z.string() });

export function makeDynamoDbRequestStore(db: DynamoDBDocumentClient, tableName: string): RequestStore {
  const eventItem = (requestId: string, event: HistoryEvent) => ({
    ...keys.event(requestId, event.at, randomBytes(4).toString('hex')),
    ...event,
  });

  /** Every item a query matches, page after page (history, a person's pending links, a round). */
  async function queryAll(query: Omit<QueryInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new QueryCommand({ ...query, TableName: tableName, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  return {
    async save(change) {
      const { items, guards } = transactionFor(change);
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof Error && error.name === 'TransactionConflictException') {
          throw new ConcurrentChangeError(`request ${change.request.id}: another transaction was in progress on the same items`);
        }
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
        if (failed < 0 && reasons.some((reason) => reason.Code === 'TransactionConflict')) {
          throw new ConcurrentChangeError(`request ${change.request.id}: a concurrent transaction touched the same items`);
        }
        switch (guards[failed]) {
          case 'ledger':
            throw new LedgerFullError(`a ledger of ${change.request.requesterId} is full`);
          case 'idempotency':
            throw new IdempotencyRaceError(`idempotency key ${change.idempotency?.key} was taken concurrently`);
          case 'link':
            throw new LinkUnavailableError('the approval link is no longer open');
          case 'request':
            throw new ConcurrentChangeError(`request ${change.request.id} changed concurrently`);
          case 'calendar':
            throw new CalendarChangedError(`a vehicle calendar day changed since it was read (request ${change.request.id})`);
          case 'odometer':
            throw new OdometerBackwardsError(`odometer of ${change.odometer?.vehicleId} is above ${change.odometer?.start}`);
          default:
            throw error;
        }
      }
    },

    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.request(id), ConsistentRead: true }));
      return Item ? requestSchema.parse(Item) : undefined;
    },

    async history(id) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': keys.request(id).pk, ':events': keys.eventPrefix },
        ConsistentRead: true,
      });
      return items.map((item) => historyEventSchema.parse(item));
    },

    async appendEvent(requestId, event) {
      await db.send(new PutCommand({ TableName: tableName, Item: eventItem(requestId, event), ConditionExpression: 'attribute_not_exists(pk)' }));
    },

    async listByRequester(requesterId, { limit, cursor }) {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexes.requestsByRequester.name,
          KeyConditionExpression: 'requesterId = :requesterId',
          ExpressionAttributeValues: { ':requesterId': requesterId },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: cursor ? decodeCursor(cursor, requesterId) : undefined,
        }),
      );
      return {
        items: (page.Items ?? []).map((item) => requestSchema.parse(item)),
        nextCursor: page.LastEvaluatedKey ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') : undefined,
      };
    },

    async findIdempotent(requesterId, key) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.idempotency(requesterId, key), ConsistentRead: true }));
      return Item ? z.object({ requestId: z.string(), bodyHash: z.string() }).parse(Item) : undefined;
    },

    async ledgerUsage(personId, key) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.ledger(personId, key), ConsistentRead: true }));
      const holders = Item?.['requestIds'];
      const reserved = Item?.['reservedKrw'];
      return {
        requestIds: holders instanceof Set ? [...holders].map(String).sort() : [],
        reservedKrw: typeof reserved === 'number' ? reserved : 0,
      };
    },

    async getLink(hash) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.link(hash), ConsistentRead: true }));
      return Item ? linkSchema.parse(Item) : undefined;
    },

    async pendingFor(approverId) {
      const items = await queryAll({
        IndexName: indexes.pendingByApprover.name,
        KeyConditionExpression: 'pendingApproverId = :approver',
        ExpressionAttributeValues: { ':approver': approverId },
      });
      return items.map((item) => linkSchema.parse(item));
    },

    async dueLinks(now, limit) {
      return (await queryDueTimers(db, tableName, timerShards.link, now, limit)).map((item) => linkSchema.parse(item));
    },

    async dueResumes(now, limit) {
      return (await queryDueTimers(db, tableName, timerShards.resume, now, limit)).map((item) => requestSchema.parse(item));
    },

    async dueEffects(now, limit) {
      return (await queryDueTimers(db, tableName, timerShards.effect, now, limit)).map((item) => requestSchema.parse(item));
    },

    async listByRound(roundId) {
      const items = await queryAll({
        IndexName: indexes.requestsByRound.name,
        KeyConditionExpression: 'roundId = :round',
        ExpressionAttributeValues: { ':round': roundId },
      });
      return items.map((item) => requestSchema.parse(item));
    },

    async dueFollowUps(now, limit) {
      return (await queryDueTimers(db, tableName, timerShards.followUp, now, limit)).map((item) => requestSchema.parse(item));
    },

    async budget(line, year) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.budget(line, year), ConsistentRead: true }));
      const figure = (name: string) => (typeof Item?.[name] === 'number' ? (Item[name] as number) : 0);
      return { committedKrw: figure('committedKrw'), spentKrw: figure('spentKrw'), outstandingKrw: figure('outstandingKrw') };
    },

    async setLinkChatMessage(hash, ref) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.link(hash),
          UpdateExpression: 'SET chatMessage = :ref',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':ref': ref },
        }),
      );
    },

    async clearLinkTimer(hash) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.link(hash),
          UpdateExpression: 'REMOVE timerShard, nextTimerAt',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    },
  };

  function transactionFor(change: RequestChange): { items: TransactItem[]; guards: Guard[] } {
    const items: TransactItem[] = [];
    const guards: Guard[] = [];
    const add = (guard: Guard, item: TransactItem) => {
      items.push(item);
      guards.push(guard);
    };
    const { request } = change;

    add('request', {
      Put: {
        TableName: tableName,
        Item: { ...keys.request(request.id), ...request, ...requestIndexAttributes(request) },
        ...(change.expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
      },
    });
    // Money an event moves is stamped on it and added to its month's totals, in this same transaction.
    const totals = new Map<string, { Key: { pk: string; sk: string }; figures: FinanceFigures }>();
    const addTotal = (Key: { pk: string; sk: string }, figures: FinanceFigures) => {
      const id = `${Key.pk}|${Key.sk}`;
      totals.set(id, { Key, figures: addFigures(totals.get(id)?.figures ?? {}, figures) });
    };
    for (const event of change.events) {
      const finance = event.finance ?? financeOf(request, event);
      const stamped = finance ? { ...event, finance } : event;
      const key = finance ? financeKeyOf(request, event.at) : undefined;
      const Item = {
        ...eventItem(request.id, stamped),
        ...(key ? { financeMonth: key.month, financeKind: key.kind, financeDepartmentId: key.departmentId, financeBuilding: key.building } : {}),
      };
      add('event', { Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } });
      if (finance && key) {
        addTotal(keys.financeTotal(key.month, key.kind, key.departmentId), finance);
        if (key.building && (finance.committedKrw || finance.actualKrw)) {
          addTotal(keys.financeBuilding(key.month, key.building), { committedKrw: finance.committedKrw, actualKrw: finance.actualKrw });
        }
      }
    }
    for (const ledger of change.ledgers ?? []) {
      const Key = keys.ledger(ledger.personId, ledger.key);
      const ids = new Set([request.id]);
      if ('add' in ledger) {
        // Both limits in one conditional update: concurrent claims can never together pass either.
        const { maxRequests, amount, maxReservedBefore } = ledger.add;
        const capped = amount !== undefined && maxReservedBefore !== undefined;
        const conditions = [
          ...(maxRequests === undefined ? [] : ['(attribute_not_exists(requestIds) OR size(requestIds) < :max)']),
          ...(capped ? ['(attribute_not_exists(reservedKrw) OR reservedKrw <= :maxBefore)'] : []),
        ];
        add('ledger', {
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
        });
      } else if ('remove' in ledger) {
        const { amount } = ledger.remove;
        add('ledger', {
          Update: {
            TableName: tableName,
            Key,
            UpdateExpression: amount ? 'DELETE requestIds :ids ADD reservedKrw :release' : 'DELETE requestIds :ids',
            ExpressionAttributeValues: { ':ids': ids, ...(amount ? { ':release': -amount } : {}) },
          },
        });
      } else {
        const { delta, maxReservedBefore } = ledger.adjust;
        add('ledger', {
          Update: {
            TableName: tableName,
            Key,
            UpdateExpression: 'ADD reservedKrw :delta',
            // Growing a reservation must still fit under the cap; shrinking always fits.
            ConditionExpression: delta > 0 ? 'contains(requestIds, :id) AND reservedKrw <= :maxBefore' : 'contains(requestIds, :id)',
            ExpressionAttributeValues: { ':delta': delta, ':id': request.id, ...(delta > 0 ? { ':maxBefore': maxReservedBefore } : {}) },
          },
        });
      }
    }
    if (change.idempotency) {
      const { requesterId, key, bodyHash } = change.idempotency;
      const expires = new Date(Date.parse(request.createdAt) + IDEMPOTENCY_RETENTION_HOURS * 3_600_000).toISOString();
      add('idempotency', {
        Put: {
          TableName: tableName,
          Item: { ...keys.idempotency(requesterId, key), requestId: request.id, bodyHash, [ttlAttribute]: toEpochSeconds(expires) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const link of change.links?.put ?? []) {
      const retainUntil = new Date(Date.parse(link.expiresAt) + LINK_RETENTION_DAYS * 86_400_000).toISOString();
      add('link', {
        Put: {
          TableName: tableName,
          Item: { ...keys.link(link.hash), ...link, ...openLinkIndexAttributes(link), [ttlAttribute]: toEpochSeconds(retainUntil) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const hold of change.calendar?.hold ?? []) {
      const Key = keys.calendarDay(hold.vehicleId, hold.day);
      const { requestId, ...entry } = hold.entry;
      add(
        'calendar',
        hold.expectedVersion === 0
          ? {
              Put: {
                TableName: tableName,
                Item: { ...Key, vehicleId: hold.vehicleId, day: hold.day, version: 1, bookings: { [requestId]: entry } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : {
              Update: {
                TableName: tableName,
                Key,
                UpdateExpression: 'SET bookings.#request = :entry, version = :next',
                ConditionExpression: 'version = :expected',
                ExpressionAttributeNames: { '#request': requestId },
                ExpressionAttributeValues: { ':entry': entry, ':next': hold.expectedVersion + 1, ':expected': hold.expectedVersion },
              },
            },
      );
    }
    for (const release of change.calendar?.release ?? []) {
      add('calendar', {
        Update: {
          TableName: tableName,
          Key: keys.calendarDay(release.vehicleId, release.day),
          // Bumping the version makes any hold decided on the old list try again on the new one.
          UpdateExpression: 'REMOVE bookings.#request ADD version :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#request': release.requestId },
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    }
    if (change.odometer) {
      const { vehicleId, start, end, requestId, at } = change.odometer;
      add('odometer', {
        Update: {
          TableName: tableName,
          Key: keys.odometer(vehicleId),
          UpdateExpression: 'SET km = :end, requestId = :request, recordedAt = :at',
          ConditionExpression: 'attribute_not_exists(km) OR km <= :start',
          ExpressionAttributeValues: { ':end': end, ':start': start, ':request': requestId, ':at': at },
        },
      });
    }
    for (const budget of change.budget ?? []) {
      const deltas = (['committedKrw', 'spentKrw', 'outstandingKrw'] as const).filter((name) => budget[name] !== undefined && budget[name] !== 0);
      if (deltas.length === 0) continue;
      add('budget', {
        Update: {
          TableName: tableName,
          Key: keys.budget(budget.line, budget.year),
          UpdateExpression: `ADD ${deltas.map((name) => `${name} :${name}`).join(', ')}`,
          ExpressionAttributeValues: Object.fromEntries(deltas.map((name) => [`:${name}`, budget[name]])),
        },
      });
    }
    const consume = change.links?.consume;
    if (consume) {
      add('link', {
        Update: {
          TableName: tableName,
          Key: keys.link(consume.hash),
          UpdateExpression: `SET #status = :used, usedAt = :at, decision = :decision REMOVE ${OPEN_LINK_INDEX_ATTRIBUTES}`,
          ConditionExpression: '#status = :open AND expiresAt > :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':at': consume.at, ':decision': consume.decision },
        },
      });
    }
    for (const { hash, reason } of change.links?.revoke ?? []) {
      add('link', {
        Update: {
          TableName: tableName,
          Key: keys.link(hash),
          UpdateExpression: `SET #status = :revoked, revokedReason = :reason REMOVE ${OPEN_LINK_INDEX_ATTRIBUTES}`,
          // Only an open link is revoked: one that was just used must fail the whole change.
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':open': 'open', ':reason': reason },
        },
      });
    }
    // Last, so the guards of everything above keep their places.
    for (const { Key, figures } of totals.values()) {
      const names = FIGURES.filter((name) => figures[name] !== undefined && figures[name] !== 0);
      if (names.length === 0) continue;
      add('finance', {
        Update: {
          TableName: tableName,
          Key,
          UpdateExpression: `ADD ${names.map((name) => `${name} :${name}`).join(', ')}`,
          ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, figures[name]])),
        },
      });
    }
    return { items, guards };
  }
}

function decodeCursor(cursor: string, requesterId: string): Record<string, unknown> {
  try {
    const decoded = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (decoded.requesterId !== requesterId) throw new Error('cursor of another person');
    return decoded;
  } catch {
    throw new ValidationError('다음 페이지 토큰(nextToken)이 올바르지 않습니다.', [
      { path: 'nextToken', message: '이전 응답의 nextToken 값을 그대로 보내세요' },
    ]);
  }
}

export type { ApprovalLink };
