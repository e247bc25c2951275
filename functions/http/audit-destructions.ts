import { makeDestructionRegister } from '../../shared/use-cases/access-log.js';
import { directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { auditDestructions as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const destructions = makeDestructionRegister({ requests: requestStoreFromEnv(), directory: directoryFromEnv() });

/** GET /audit/destructions?year=YYYY — the 파기 대장, for auditors and the privacy officer. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await destructions({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
