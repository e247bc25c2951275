import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { clockFromEnv, directoryAdminFromEnv, directoryFromEnv } from '../wiring.js';
import { listDepartments as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const directoryAdmin = makeDirectoryAdmin({ directory: directoryFromEnv(), admin: directoryAdminFromEnv(), clock: clockFromEnv() });

/** GET /directory/departments — every department with its bureau, head and teams, by name; admins only. */
export const handler = jsonApi(operation, async (event) => reply(operation, 200, { items: await directoryAdmin.listDepartments(callerId(event)) }));
