import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

declare global {
  /**
   * Middleware the process hosting the functions adds to their DynamoDB clients: only the local
   * runtime's usage meter, when a benchmark runs (infra/local/usage-meter.ts). Unset in AWS, so the
   * meter never ships in a bundle; a bundle only looks for it here at load.
   */
  var __approvalDynamoDbPlugins: Parameters<DynamoDBDocumentClient['middlewareStack']['use']>[0][] | undefined;
}

/** The one DynamoDB document client of a function, created at module load and reused across invocations. */
export const dynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

for (const plugin of globalThis.__approvalDynamoDbPlugins ?? []) dynamoDb.middlewareStack.use(plugin);
