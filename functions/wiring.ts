import * as z from 'zod';
import { readConfig, jsonEnv } from '../shared/kernel/config.js';
import { dynamoDb } from '../shared/adapters/aws/dynamodb-client.js';
import { stepFunctions } from '../shared/adapters/aws/sfn-client.js';
import { makeStepFunctionsWorkflows } from '../shared/adapters/step-functions-workflows.js';
import { makeDynamoDbRequestStore } from '../shared/store/dynamodb-request-store.js';
import { makeDynamoDbDirectory } from '../shared/store/dynamodb-directory.js';

/**
 * Real adapters, each built from the environment variables it needs and nothing else, so a
 * function fails at load naming exactly the variable it is missing. Handlers call these at module scope.
 */
const tableName = () => readConfig({ TABLE_NAME: z.string().min(1) }).TABLE_NAME;

export const requestStoreFromEnv = () => makeDynamoDbRequestStore(dynamoDb, tableName());
export const directoryFromEnv = () => makeDynamoDbDirectory(dynamoDb, tableName());

export function workflowsFromEnv() {
  const { STATE_MACHINES } = readConfig({ STATE_MACHINES: jsonEnv(z.record(z.string(), z.string().startsWith('arn:'))) });
  return makeStepFunctionsWorkflows(stepFunctions, STATE_MACHINES);
}

export const publicBaseUrlFromEnv = () => readConfig({ PUBLIC_BASE_URL: z.url() }).PUBLIC_BASE_URL;
