import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type SharedDynamoDbLocal, spawnSharedDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/process-environment.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** The one DynamoDB Local of this test run: each backend a test starts keeps its own database in it. */
    sharedDynamoDb: SharedDynamoDbLocal;
  }
}

/**
 * One DynamoDB Local for the whole run instead of a JVM per backend: each one booted in ≈ 4 s of
 * CPU and served slowly until its JIT had warmed up, which made it the largest part of the
 * integration tests' CPU on two cores.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'approval-it-dynamodb-'));
  // Not waited for here: the unit files run while the JVM boots; each backend waits until it answers.
  const dynamo = spawnSharedDynamoDbLocal({ dir, port: await freePort() });
  project.provide('sharedDynamoDb', { endpoint: dynamo.endpoint, databaseDir: dynamo.databaseDir });
  return async () => {
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
