import { makeListDelegations } from '../../shared/use-cases/delegations.js';
import { delegationStoreFromEnv } from '../wiring.js';
import { listDelegations as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const listDelegations = makeListDelegations({ delegations: delegationStoreFromEnv() });

/** GET /delegations — the caller's own delegations. */
export const handler = jsonApi(operation, async (event) => reply(operation, 200, await listDelegations(callerId(event))));
