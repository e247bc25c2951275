import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { clockFromEnv, directoryAdminFromEnv, directoryFromEnv } from '../wiring.js';
import { callerId, json, jsonApi, pathParameter } from './http-api.js';

const directoryAdmin = makeDirectoryAdmin({ directory: directoryFromEnv(), admin: directoryAdminFromEnv(), clock: clockFromEnv() });

/** GET /directory/people/{id} — a person's entry and who last changed it; admins only. */
export const handler = jsonApi(async (event) => json(200, await directoryAdmin.getPerson(callerId(event), pathParameter(event, 'id'))));
