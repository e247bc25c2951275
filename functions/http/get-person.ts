import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { clockFromEnv, directoryAdminFromEnv, directoryFromEnv } from '../wiring.js';
import { getPerson as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const directoryAdmin = makeDirectoryAdmin({ directory: directoryFromEnv(), admin: directoryAdminFromEnv(), clock: clockFromEnv() });

/** GET /directory/people/{id} — a person's entry and who last changed it; admins only. */
export const handler = jsonApi(operation, async (event, { params }) =>
  reply(operation, 200, await directoryAdmin.getPerson(callerId(event), params.id)),
);
