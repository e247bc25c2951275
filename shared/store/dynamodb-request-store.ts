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
import { ValidationError } from '../kernel/errors.js';
import { AttachmentTakenError } from '../ports/attachment-store.js';
import { CalendarChangedError, OdometerBackwardsError } from '../ports/fleet-store.js';
import {
  ConcurrentChangeError,
  IdempotencyRaceError,
  LedgerFullError,
  LinkUnavailableError,
  type RequestChange,
  type RequestStore,
} from '../ports/request-store.js';
import { redactionPaths } from '../requests/history.js';
import { accessKey, accessPartition, putAccess, readAccess } from './entities/access-log.js';
import { consumeLink, linkKey, putLink, readLink, revokeLink } from './entities/approval-link.js';
import { bindAttachment } from './entities/attachment.js';
import { addToBudget, budgetKey, readBudget } from './entities/budget.js';
import { circulationPartition, deleteCirculation, putCirculation, readCirculation } from './entities/circulation.js';
import { destructionPartition, putDestruction, readDestruction } from './entities/destruction.js';
import { addToTotals } from './entities/finance-total.js';
import { eventItem, eventPrefix, putEvent, readEvent } from './entities/history-event.js';
import { idempotencyKey, putIdempotency, readIdempotency } from './entities/idempotency.js';
import { ledgerKey, readLedger, updateLedger } from './entities/ledger.js';
import { outboxEventsOf, putOutbox } from './entities/outbox.js';
import { readLastSequence, registryKey, takeRegistration } from './entities/registry.js';
import { putRequest, readRequest, requestKey } from './entities/request.js';
import { queryDueTimers, retentionShard, timerShards } from './entities/timers.js';
import type { Guard, GuardedItem } from './entities/transact.js';
import { advanceOdometer, holdDay, releaseDay } from './entities/vehicle.js';
import { queryAll as queryAllItems } from './query-all.js';
import { indexes } from './table-layout.js';

const cursorSchema = z.object({ pk: z.string(), sk: z.string(), requesterId: z.string(), createdAt: z.string() });
const circulationCursorSchema = z.object({ pk: z.string().startsWith('CIRCULATION#'), sk: z.string().startsWith('AT#') });

/** A circulation page's token as the table's key, only the person's own; anything else is a 400 (never a DynamoDB error). */
function decodeCirculationCursor(cursor: string, personId: string): { pk: string; sk: string } {
  try {
    const decoded = circulationCursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (decoded.pk !== circulationPartition(personId)) throw new Error('cursor of another person');
    return decoded;
  } catch {
    throw new ValidationError('다음 페이지 토큰(nextToken)이 올바르지 않습니다.', [
      { path: 'nextToken', message: '이전 응답의 nextToken 값을 그대로 보내세요' },
    ]);
  }
}

/**
 * One change of a request as one transaction, composed of each entity's items: the request (over
 * the version it was changed from), its accounted history events, ledger places, the idempotency
 * record, links, vehicle calendar days and odometer, budget figures, and the months' finance
 * totals last, after the domain events the change publishes (the outbox), so the guards of
 * everything before keep their places.
 */
function transactionOf(tableName: string, change: RequestChange): GuardedItem[] {
  const { request } = change;
  const recorded = change.events.items;
  return [
    putRequest(tableName, request, change.expectedVersion),
    ...recorded.map((event) => putEvent(tableName, request.id, event)),
    ...(change.ledgers ?? []).map((ledger) => updateLedger(tableName, request.id, ledger)),
    ...(change.idempotency ? [putIdempotency(tableName, { ...change.idempotency, requestId: request.id, createdAt: request.createdAt })] : []),
    ...(change.attachments ?? []).map((binding) => bindAttachment(tableName, binding)),
    ...(change.links?.put ?? []).map((link) => putLink(tableName, link)),
    ...(change.calendar?.hold ?? []).map((hold) => holdDay(tableName, hold)),
    ...(change.calendar?.release ?? []).map((release) => releaseDay(tableName, release)),
    ...(change.odometer ? [advanceOdometer(tableName, change.odometer)] : []),
    ...(change.budget ?? []).flatMap((budget) => addToBudget(tableName, budget) ?? []),
    ...(change.registration ? [takeRegistration(tableName, change.registration)] : []),
    ...(change.destruction ? [putDestruction(tableName, change.destruction)] : []),
    ...(change.circulation?.put ?? []).map((entry) => putCirculation(tableName, entry)),
    ...(change.circulation?.remove ?? []).map((key) => deleteCirculation(tableName, key)),
    ...(change.links?.consume ? [consumeLink(tableName, change.links.consume)] : []),
    ...(change.links?.revoke ?? []).map((revoke) => revokeLink(tableName, revoke)),
    ...outboxEventsOf(change).map((event) => putOutbox(tableName, event)),
    ...addToTotals(tableName, recorded),
  ];
}

/** The port's error for the item whose condition failed. */
function failureOf(guard: Guard | undefined, change: RequestChange, error: unknown): unknown {
  const id = change.request.id;
  switch (guard?.entity) {
    case 'ledger':
      return new LedgerFullError(`ledger ${guard.key} of ${change.request.requesterId} is full`, guard.key);
    case 'idempotency':
      return new IdempotencyRaceError(`idempotency key ${change.idempotency?.key} was taken concurrently`);
    case 'attachment':
      return new AttachmentTakenError(`an attachment of request ${id} is not the caller's, missing, or bound to another request`);
    case 'link':
      return new LinkUnavailableError('the approval link is no longer open');
    case 'request':
      return new ConcurrentChangeError(`request ${id} changed concurrently`);
    case 'registry':
      return new ConcurrentChangeError(
        `register ${change.registration?.departmentId}/${change.registration?.year} gave its next number to another decision`,
      );
    case 'calendar':
      return new CalendarChangedError(`a vehicle calendar day changed since it was read (request ${id})`);
    case 'odometer':
      return new OdometerBackwardsError(`odometer of ${change.odometer?.vehicleId} is above ${change.odometer?.start}`);
    default:
      return error;
  }
}

export function makeDynamoDbRequestStore(db: DynamoDBDocumentClient, tableName: string): RequestStore {
  /** Every item a query of this table matches (history, a person's pending links, a round). */
  const queryAll = (query: Omit<QueryInput, 'TableName' | 'ExclusiveStartKey'>) => queryAllItems(db, { ...query, TableName: tableName });

  const getItem = async (Key: { pk: string; sk: string }) =>
    (await db.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;

  return {
    async save(change) {
      const guarded = transactionOf(tableName, change);
      try {
        await db.send(new TransactWriteCommand({ TransactItems: guarded.map(({ item }) => item) }));
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
        throw failureOf(guarded[failed]?.guard, change, error);
      }
    },

    async get(id) {
      const item = await getItem(requestKey(id));
      return item ? readRequest(item) : undefined;
    },

    async history(id) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': requestKey(id).pk, ':events': eventPrefix },
        ConsistentRead: true,
      });
      return items.map(readEvent);
    },

    async recordAccess(event, entry) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [putEvent(tableName, entry.requestId, { event }).item, putAccess(tableName, entry).item],
        }),
      );
    },
    async accessLog(month, range, page) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': accessPartition(month), ':from': `AT#${range.from}`, ':to': `AT#${range.to}~` },
          Limit: page.limit,
          ExclusiveStartKey: page.after ? accessKey(page.after) : undefined,
        }),
      );
      return { items: (result.Items ?? []).map(readAccess), more: result.LastEvaluatedKey !== undefined };
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
        items: (page.Items ?? []).map(readRequest),
        nextCursor: page.LastEvaluatedKey ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') : undefined,
      };
    },

    async findIdempotent(requesterId, key) {
      const item = await getItem(idempotencyKey(requesterId, key));
      return item ? readIdempotency(item) : undefined;
    },

    ledgerUsage: async (personId, key) => readLedger(await getItem(ledgerKey(personId, key))),

    async getLink(hash) {
      const item = await getItem(linkKey(hash));
      return item ? readLink(item) : undefined;
    },

    async pendingFor(approverId) {
      const items = await queryAll({
        IndexName: indexes.pendingByApprover.name,
        KeyConditionExpression: 'pendingApproverId = :approver',
        ExpressionAttributeValues: { ':approver': approverId },
      });
      return items.map(readLink);
    },

    dueLinks: async (now, limit) => (await queryDueTimers(db, tableName, timerShards.link, now, limit)).map(readLink),
    dueResumes: async (now, limit) => (await queryDueTimers(db, tableName, timerShards.resume, now, limit)).map(readRequest),
    dueStarts: async (now, limit) => (await queryDueTimers(db, tableName, timerShards.start, now, limit)).map(readRequest),
    dueIdle: async (before, limit) => (await queryDueTimers(db, tableName, timerShards.idle, before, limit)).map(readRequest),
    async decidedIn(month, range, page) {
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexes.decisionsByMonth.name,
          KeyConditionExpression: 'decidedMonth = :month AND decidedKey BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':month': month, ':from': range.from, ':to': `${range.to}~` },
          Limit: page.limit,
          ExclusiveStartKey: page.after
            ? { ...requestKey(page.after.requestId), decidedMonth: month, decidedKey: `${page.after.at}#${page.after.requestId}` }
            : undefined,
        }),
      );
      return { items: (result.Items ?? []).map(readRequest), more: result.LastEvaluatedKey !== undefined };
    },
    destructionsIn: async (year) =>
      (await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': destructionPartition(year) } })).map(readDestruction),
    lastRegistration: async (departmentId, year) => readLastSequence(await getItem(registryKey(departmentId, year))),
    async circulationFor(personId, page) {
      const cursor = page.cursor ? decodeCirculationCursor(page.cursor, personId) : undefined;
      const result = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': circulationPartition(personId) },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: cursor,
        }),
      );
      const last = result.LastEvaluatedKey;
      return {
        items: (result.Items ?? []).map(readCirculation),
        nextCursor: last ? Buffer.from(JSON.stringify({ pk: last['pk'], sk: last['sk'] })).toString('base64url') : undefined,
      };
    },
    dueForDestruction: async (kind, startedBefore, limit) =>
      (await queryDueTimers(db, tableName, retentionShard(kind), new Date(Date.parse(startedBefore) - 1).toISOString(), limit)).map(readRequest),
    async redactHistory(requestId, redaction) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': requestKey(requestId).pk, ':prefix': eventPrefix },
      });
      let redacted = 0;
      for (const item of items) {
        const paths = redactionPaths(readEvent(item), redaction);
        if (paths.length === 0) continue;
        const names = new Map<string, string>();
        const nameOf = (name: string) => names.get(name) ?? (names.set(name, `#n${names.size}`).get(name) as string);
        const remove = paths.map((path) =>
          path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${nameOf(key)}`)).join(''),
        );
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item['pk'], sk: item['sk'] },
            UpdateExpression: `REMOVE ${remove.join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries([...names].map(([name, placeholder]) => [placeholder, name])),
          }),
        );
        redacted += 1;
      }
      return redacted;
    },
    dueSupplements: async (now, limit) => (await queryDueTimers(db, tableName, timerShards.supplement, now, limit)).map(readRequest),
    dueEffects: async (now, limit) => (await queryDueTimers(db, tableName, timerShards.effect, now, limit)).map(readRequest),
    dueFollowUps: async (now, limit) => (await queryDueTimers(db, tableName, timerShards.followUp, now, limit)).map(readRequest),

    async listByRound(roundId) {
      const items = await queryAll({
        IndexName: indexes.requestsByRound.name,
        KeyConditionExpression: 'roundId = :round',
        ExpressionAttributeValues: { ':round': roundId },
      });
      return items.map(readRequest);
    },

    budget: async (line, year) => readBudget(await getItem(budgetKey(line, year))),

    async setLinkChatMessage(hash, ref) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: linkKey(hash),
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
          Key: linkKey(hash),
          UpdateExpression: 'REMOVE timerShard, nextTimerAt',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    },
  };
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
