import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { clockFromEnv, directoryAdminFromEnv, directoryFromEnv } from '../wiring.js';
import { callerId, json, jsonApi } from './http-api.js';

const directoryAdmin = makeDirectoryAdmin({ directory: directoryFromEnv(), admin: directoryAdminFromEnv(), clock: clockFromEnv() });

/** GET /directory/departments — every department with its bureau, head and teams, by name; admins only. */
export const handler = jsonApi(async (event) => json(200, { items: await directoryAdmin.listDepartments(callerId(event)) }));
