import { makeRoundTransfers } from '../../shared/use-cases/round-transfers.js';
import { directoryFromEnv, requestStoreFromEnv } from '../wiring.js';
import { callerId, json, jsonApi, pathParameter } from './http-api.js';

const roundTransfers = makeRoundTransfers({ requests: requestStoreFromEnv(), directory: directoryFromEnv() });

/** GET /rounds/{roundId}/transfers — a personnel round's transfer requests, for 인사팀. */
export const handler = jsonApi(async (event) =>
  json(200, await roundTransfers({ callerId: callerId(event), roundId: pathParameter(event, 'roundId') })),
);
