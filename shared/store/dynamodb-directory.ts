import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import {
  bureauSchema,
  type Directory,
  type DirectoryAdmin,
  type DirectorySnapshot,
  departmentSchema,
  officeSchema,
  type Person,
  type PersonChange,
  type PersonChangeRecord,
  type PersonRecord,
  personRevisionSchema,
  personSchema,
  teamSchema,
} from '../directory/directory.js';
import { ConcurrentChangeError } from '../ports/request-store.js';
import {
  bureauKey,
  bureauPrefix,
  departmentKey,
  departmentPrefix,
  officeKey,
  organisationPartition,
  teamKey,
  teamPrefix,
} from './entities/organisation.js';
import { personChangeKey, personItem, personKey } from './entities/person.js';
import type { TransactItem } from './entities/transact.js';
import { indexes } from './table-layout.js';

export function makeDynamoDbDirectory(db: DynamoDBDocumentClient, tableName: string): Directory {
  const read = async <S extends z.ZodType>(key: { pk: string; sk: string }, schema: S): Promise<z.infer<S> | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    return Item ? schema.parse(Item) : undefined;
  };
  /** Every organisation item of one kind: one Query over the ORG partition (paged, though a few hundred items fit in one page). */
  const organisation = async <S extends z.ZodType>(prefix: string, schema: S): Promise<z.infer<S>[]> => {
    const found: z.infer<S>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :org AND begins_with(sk, :kind)',
          ExpressionAttributeValues: { ':org': organisationPartition, ':kind': prefix },
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => schema.parse(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  };
  return {
    person: (id) => read(personKey(id), personSchema),
    team: (id) => read(teamKey(id), teamSchema),
    department: (id) => read(departmentKey(id), departmentSchema),
    bureau: (id) => read(bureauKey(id), bureauSchema),
    office: () => read(officeKey(), officeSchema),
    async teamMembers(teamId) {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexes.peopleByTeam.name,
          KeyConditionExpression: 'memberOfTeam = :team',
          ExpressionAttributeValues: { ':team': teamId },
        }),
      );
      return (Items ?? []).map((item) => personSchema.parse(item));
    },
    departments: () => organisation(departmentPrefix, departmentSchema),
    teams: () => organisation(teamPrefix, teamSchema),
    bureaus: () => organisation(bureauPrefix, bureauSchema),
  };
}

/**
 * The lost-update guard of a person's put: the stored entry must still be the one the change was
 * computed from (`previous`), identified by its revision's version.
 */
function expectedEntry(previous: PersonRecord | undefined): { ConditionExpression: string; ExpressionAttributeValues?: Record<string, number> } {
  if (!previous) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (!previous.revision) return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)' };
  return { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': previous.revision.version } };
}

export function makeDynamoDbDirectoryAdmin(db: DynamoDBDocumentClient, tableName: string): DirectoryAdmin {
  return {
    async personRecord(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: personKey(id), ConsistentRead: true }));
      if (!Item) return undefined;
      return { person: personSchema.parse(Item), revision: 'version' in Item ? personRevisionSchema.parse(Item) : null };
    },

    async savePerson(person: Person, change: PersonChange) {
      const revision = { version: (change.previous?.revision?.version ?? 0) + 1, updatedAt: change.at, updatedBy: change.actorId };
      const record: PersonChangeRecord = {
        personId: person.id,
        actorId: change.actorId,
        at: change.at,
        version: revision.version,
        before: change.previous?.person ?? null,
        after: person,
      };
      const items: TransactItem[] = [
        { Put: { TableName: tableName, Item: { ...personItem(person), ...revision }, ...expectedEntry(change.previous) } },
        {
          Put: {
            TableName: tableName,
            Item: { ...personChangeKey(person.id, change.at), ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
          throw new ConcurrentChangeError(`person ${person.id} changed concurrently`);
        }
        throw error;
      }
      return revision;
    },
  };
}

export interface DirectoryLoadResult {
  /** Office, bureau, department and team items written. */
  organisation: number;
  /** People written from the snapshot. */
  people: number;
  /** People the snapshot also lists but an admin has edited since: left as the admin left them. */
  keptAdminEdits: string[];
}

const PEOPLE_IN_PARALLEL = 10;

/**
 * Writes a directory snapshot (the local seed, or an export of the personnel system). The
 * organisation is overwritten; a person is overwritten only while no admin has edited them
 * (their item has no `version`), so reloading at every start never undoes directory administration.
 */
export async function loadDirectory(db: DynamoDBDocumentClient, tableName: string, snapshot: DirectorySnapshot): Promise<DirectoryLoadResult> {
  const organisation = [
    { ...officeKey(), ...snapshot.office },
    ...snapshot.bureaus.map((bureau) => ({ ...bureauKey(bureau.id), ...bureau })),
    ...snapshot.departments.map((department) => ({ ...departmentKey(department.id), ...department })),
    ...snapshot.teams.map((team) => ({ ...teamKey(team.id), ...team })),
  ];
  for (let i = 0; i < organisation.length; i += 25) {
    let pending: Record<string, unknown>[] = organisation.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('directory load: unprocessed items after retries');
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }

  // BatchWriteItem takes no conditions, so people are conditional puts, a few at a time.
  const keptAdminEdits: string[] = [];
  for (let i = 0; i < snapshot.people.length; i += PEOPLE_IN_PARALLEL) {
    await Promise.all(
      snapshot.people.slice(i, i + PEOPLE_IN_PARALLEL).map(async (person) => {
        try {
          await db.send(new PutCommand({ TableName: tableName, Item: personItem(person), ConditionExpression: 'attribute_not_exists(version)' }));
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          keptAdminEdits.push(person.id);
        }
      }),
    );
  }
  return { organisation: organisation.length, people: snapshot.people.length - keptAdminEdits.length, keptAdminEdits: keptAdminEdits.sort() };
}
