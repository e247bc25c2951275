import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadDirectory, makeDynamoDbDirectory } from '../../shared/store/dynamodb-directory.js';
import { seedDirectory } from '../fixtures/directory.js';

expect.extend(allCustomMatcher);

const dynamo = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-2' }));

describe('the directory in the table', () => {
  beforeEach(() => {
    // Prepare
    dynamo.reset();
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    dynamo.on(PutCommand).resolves({});
  });

  it('reloading the seed rewrites the organisation but never undoes an admin edit of a person', async () => {
    // E1016 was edited by an admin since the last load: the stored item has a version.
    dynamo.on(PutCommand).callsFake((input: { Item: { id: string } }) => {
      if (input.Item.id === 'E1016') throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      return {};
    });
    // Act
    const result = await loadDirectory(db, 'approval-table', seedDirectory);
    // Assess
    expect(result).toEqual({ organisation: 1 + 3 + 14 + 18, people: 84, keptAdminEdits: ['E1016'] });
    const organisation = dynamo.commandCalls(BatchWriteCommand).flatMap((call) => call.args[0].input.RequestItems?.['approval-table'] ?? []);
    expect(organisation).toContainEqual({ PutRequest: { Item: { pk: 'ORG', sk: 'OFFICE', name: '서울특별시 한빛구청', mayorId: 'E1001' } } });
    expect(organisation).toContainEqual({ PutRequest: { Item: expect.objectContaining({ pk: 'ORG', sk: 'TEAM#ga-welfare', name: '교육후생팀' }) } });
    expect(dynamo).toHaveReceivedCommandTimes(PutCommand, 85);
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'approval-table',
      Item: expect.objectContaining({ pk: 'PERSON#E1017', sk: 'PROFILE', memberOfTeam: 'ga-welfare' }),
      ConditionExpression: 'attribute_not_exists(version)',
    });
  });

  it('lists departments with one query over the organisation partition', async () => {
    dynamo
      .on(QueryCommand)
      .resolves({ Items: seedDirectory.departments.map((department) => ({ pk: 'ORG', sk: `DEPARTMENT#${department.id}`, ...department })) });
    const departments = await makeDynamoDbDirectory(db, 'approval-table').departments();
    expect(departments).toEqual(seedDirectory.departments);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :org AND begins_with(sk, :kind)',
      ExpressionAttributeValues: { ':org': 'ORG', ':kind': 'DEPARTMENT#' },
    });
  });
});
