import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import {
  bureauSchema,
  departmentSchema,
  officeSchema,
  personSchema,
  teamSchema,
  type Directory,
  type DirectorySnapshot,
} from '../directory/directory.js';
import { indexes, keys } from './table-layout.js';

export function makeDynamoDbDirectory(db: DynamoDBDocumentClient, tableName: string): Directory {
  const read = async <S extends z.ZodType>(key: { pk: string; sk: string }, schema: S): Promise<z.infer<S> | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    return Item ? schema.parse(Item) : undefined;
  };
  return {
    person: (id) => read(keys.person(id), personSchema),
    team: (id) => read(keys.team(id), teamSchema),
    department: (id) => read(keys.department(id), departmentSchema),
    bureau: (id) => read(keys.bureau(id), bureauSchema),
    office: () => read(keys.office(), officeSchema),
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
  };
}

/** Writes a directory snapshot; idempotent (puts overwrite the same keys). */
export async function loadDirectory(db: DynamoDBDocumentClient, tableName: string, snapshot: DirectorySnapshot): Promise<number> {
  const items = [
    { ...keys.office(), ...snapshot.office },
    ...snapshot.bureaus.map((bureau) => ({ ...keys.bureau(bureau.id), ...bureau })),
    ...snapshot.departments.map((department) => ({ ...keys.department(department.id), ...department })),
    ...snapshot.teams.map((team) => ({ ...keys.team(team.id), ...team })),
    ...snapshot.people.map((person) => ({
      ...keys.person(person.id),
      ...person,
      ...(person.teamId ? { memberOfTeam: person.teamId } : {}),
    })),
  ];
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('directory load: unprocessed items after retries');
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = result.UnprocessedItems?.[tableName] ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
  return items.length;
}
