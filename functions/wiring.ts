import * as z from 'zod';
import { dynamoDb } from '../shared/adapters/aws/dynamodb-client.js';
import { sharedLocalClock } from '../shared/adapters/local-clock.js';
import { systemClock } from '../shared/adapters/system.js';
import { jsonEnv, readConfig } from '../shared/kernel/config.js';
import type { Clock } from '../shared/ports/system.js';
import type { Workflows } from '../shared/ports/workflows.js';
import { makeDynamoDbAttachmentStore } from '../shared/store/dynamodb-attachment-store.js';
import { makeDynamoDbDelegationStore } from '../shared/store/dynamodb-delegation-store.js';
import { makeDynamoDbDirectory, makeDynamoDbDirectoryAdmin } from '../shared/store/dynamodb-directory.js';
import { makeDynamoDbFleetStore } from '../shared/store/dynamodb-fleet-store.js';
import { makeDynamoDbRequestStore } from '../shared/store/dynamodb-request-store.js';
import { observedRequestStore } from './observability.js';
import { onFirstUse } from './on-first-use.js';

/**
 * Real adapters, each built from the environment variables it needs and nothing else, so a
 * function fails at load naming exactly the variable it is missing. Handlers call these at module scope.
 */
const tableName = () => readConfig({ TABLE_NAME: z.string().min(1) }).TABLE_NAME;

export const requestStoreFromEnv = () => observedRequestStore(makeDynamoDbRequestStore(dynamoDb, tableName()));
export const directoryFromEnv = () => makeDynamoDbDirectory(dynamoDb, tableName());
export const directoryAdminFromEnv = () => makeDynamoDbDirectoryAdmin(dynamoDb, tableName());
export const delegationStoreFromEnv = () => makeDynamoDbDelegationStore(dynamoDb, tableName());
export const fleetStoreFromEnv = () => makeDynamoDbFleetStore(dynamoDb, tableName());
export const attachmentStoreFromEnv = () => makeDynamoDbAttachmentStore(dynamoDb, tableName());

export function workflowsFromEnv() {
  const { STATE_MACHINES } = readConfig({ STATE_MACHINES: jsonEnv(z.record(z.string(), z.string().startsWith('arn:'))) });
  // The Step Functions client loads on the first start/resume, not at every cold start.
  return onFirstUse<Workflows>(
    async () => {
      const [{ stepFunctions }, { makeStepFunctionsWorkflows }] = await Promise.all([
        import('../shared/adapters/aws/sfn-client.js'),
        import('../shared/adapters/step-functions-workflows.js'),
      ]);
      return makeStepFunctionsWorkflows(stepFunctions, STATE_MACHINES);
    },
    { start: true, stop: true, resume: true, fail: true },
  );
}

export const publicBaseUrlFromEnv = () => readConfig({ PUBLIC_BASE_URL: z.url() }).PUBLIC_BASE_URL;

/** `CLOCK`: unset or `system` is the real clock; `local` is the local runtime's shared, controllable clock. */
export const clockFromEnv = (): Clock => {
  const { CLOCK } = readConfig({ CLOCK: z.enum(['system', 'local']).default('system') });
  return CLOCK === 'local' ? sharedLocalClock() : systemClock;
};
