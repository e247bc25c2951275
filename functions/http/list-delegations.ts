import { makeListDelegations } from '../../shared/use-cases/delegations.js';
import { delegationStoreFromEnv } from '../wiring.js';
import { callerId, json, jsonApi } from './http-api.js';

const listDelegations = makeListDelegations({ delegations: delegationStoreFromEnv() });

/** GET /delegations — the caller's own delegations. */
export const handler = jsonApi(async (event) => json(200, await listDelegations(callerId(event))));
