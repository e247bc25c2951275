import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Person } from '../../shared/directory/directory.js';
import { departmentKey, teamKey } from '../../shared/store/entities/organisation.js';
import { personKey } from '../../shared/store/entities/person.js';
import { seedDirectory, seedPerson } from '../fixtures/directory.js';
import { httpEvent, lambdaContext } from '../fixtures/http-events.js';

expect.extend(allCustomMatcher);

const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../functions/http/put-person.js')['handler'];

const { id: _id, ...welfareOfficer } = seedPerson('E1016');
const put = (id: string, body: unknown, sub = 'E1024') =>
  handler(httpEvent({ routeKey: 'PUT /directory/people/{id}', sub, body, pathParameters: { id } }), lambdaContext);

/** The directory as the table holds it, keyed by pk and sk; `people` overrides stored person items. */
function directoryInTable(people: Record<string, Record<string, unknown>> = {}) {
  const keyOf = (key: { pk: string; sk: string }) => `${key.pk}|${key.sk}`;
  const items = new Map<string, unknown>([
    ...seedDirectory.people.map((person) => [keyOf(personKey(person.id)), { ...personKey(person.id), ...person }] as const),
    ...Object.entries(people).map(([id, item]) => [keyOf(personKey(id)), { ...personKey(id), ...item }] as const),
    ...seedDirectory.teams.map((team) => [keyOf(teamKey(team.id)), team] as const),
    ...seedDirectory.departments.map((department) => [keyOf(departmentKey(department.id)), department] as const),
  ]);
  dynamo.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => ({ Item: items.get(keyOf(input.Key)) }));
}

describe('PUT /directory/people/{id} handler', () => {
  beforeAll(async () => {
    vi.stubEnv('TABLE_NAME', 'approval-table');
    ({ handler } = await import('../../functions/http/put-person.js'));
  });

  beforeEach(() => {
    // Prepare
    dynamo.reset();
    directoryInTable();
    dynamo.on(TransactWriteCommand).resolves({});
  });

  it('moves a seeded person to another team: the entry, its team index and a change record in one transaction', async () => {
    // Act
    const response = await put('E1016', { ...welfareOfficer, teamId: 'ga-hr', roles: ['hr-officer'] });
    // Assess
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '{}');
    expect(body).toMatchObject({ id: 'E1016', teamId: 'ga-hr', roles: ['hr-officer'], revision: { version: 1, updatedBy: 'E1024' } });
    const at: string = body.revision.updatedAt;
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [entry, change] = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(entry?.Put).toEqual({
      TableName: 'approval-table',
      Item: {
        pk: 'PERSON#E1016',
        sk: 'PROFILE',
        ...welfareOfficer,
        id: 'E1016',
        teamId: 'ga-hr',
        roles: ['hr-officer'],
        memberOfTeam: 'ga-hr',
        version: 1,
        updatedAt: at,
        updatedBy: 'E1024',
      },
      // Never edited by an admin before: the entry must still be the seed's.
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)',
    });
    expect(change?.Put).toMatchObject({
      TableName: 'approval-table',
      Item: {
        pk: 'PERSON#E1016',
        sk: expect.stringMatching(new RegExp(`^CHANGE#${at.replaceAll('.', '\\.')}#[0-9a-f]{8}$`)),
        personId: 'E1016',
        actorId: 'E1024',
        at,
        version: 1,
        before: seedPerson('E1016'),
        after: { ...seedPerson('E1016'), teamId: 'ga-hr', roles: ['hr-officer'] },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('leaving every team drops the people-by-team attribute, so team reads no longer find them', async () => {
    const response = await put('E1016', { ...welfareOfficer, teamId: null, position: '주무관', roles: [] });
    expect(response.statusCode).toBe(200);
    const item = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put?.Item;
    expect(item).toMatchObject({ teamId: null });
    expect(item).not.toHaveProperty('memberOfTeam');
  });

  it('a new person is 201 with a Location and may not overwrite anyone', async () => {
    const response = await put('E1090', { ...welfareOfficer, name: '남궁민', email: 'min.namgung@guchung.example.kr' });
    expect(response.statusCode).toBe(201);
    expect(response.headers?.['location']).toBe('/directory/people/E1090');
    expect(dynamo).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: expect.arrayContaining([
        expect.objectContaining({
          Put: expect.objectContaining({
            Item: expect.objectContaining({ pk: 'PERSON#E1090', version: 1 }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        }),
        expect.objectContaining({ Put: expect.objectContaining({ Item: expect.objectContaining({ pk: 'PERSON#E1090', before: null }) }) }),
      ]),
    });
  });

  it('an entry edited before is guarded by its version; an edit in between is a 409 in Korean', async () => {
    const edited: Person & Record<string, unknown> = {
      ...seedPerson('E1016'),
      version: 3,
      updatedAt: '2026-11-20T00:00:00.000Z',
      updatedBy: 'E1024',
    };
    directoryInTable({ E1016: edited });
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const response = await put('E1016', { ...welfareOfficer, teamId: 'ga-hr' });
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body ?? '{}').message).toBe('직원 E1016의 정보가 방금 다른 곳에서 변경되었습니다. 다시 조회한 뒤 시도하세요.');
    expect(dynamo).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: expect.arrayContaining([
        expect.objectContaining({
          Put: expect.objectContaining({
            Item: expect.objectContaining({ version: 4 }),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': 3 },
          }),
        }),
      ]),
    });
  });

  it('a non-admin gets 403 and nothing is written', async () => {
    const response = await put('E1016', { ...welfareOfficer, roles: ['welfare-officer', 'admin'] }, 'E1016');
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? '{}').message).toBe('직원 명부 관리는 관리자(admin) 역할이 있는 직원만 할 수 있습니다.');
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('a team outside the department is a 400 naming teamId, and nothing is written', async () => {
    const response = await put('E1016', { ...welfareOfficer, departmentId: 'finance' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}')).toEqual({
      message: "입력값이 올바르지 않습니다 — teamId: 팀(teamId) '교육후생팀'은(는) 재무과 소속이 아닙니다",
      issues: [{ path: 'teamId', message: "팀(teamId) '교육후생팀'은(는) 재무과 소속이 아닙니다" }],
    });
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
