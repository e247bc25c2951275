import { makeRoundTransfers } from '../../shared/use-cases/round-transfers.js';
import { directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { roundTransfers as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const roundTransfers = makeRoundTransfers({ requests: requestStoreFromEnv(), directory: directoryFromEnv() });

/** GET /rounds/{roundId}/transfers — a personnel round's transfer requests, for 인사팀. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await roundTransfers({ callerId: callerId(event), roundId: params.roundId })),
);
