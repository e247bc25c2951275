import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { clockFromEnv, directoryAdminFromEnv, directoryFromEnv } from '../wiring.js';
import { callerId, json, jsonApi, jsonBody, pathParameter } from './http-api.js';

const directoryAdmin = makeDirectoryAdmin({ directory: directoryFromEnv(), admin: directoryAdminFromEnv(), clock: clockFromEnv() });

/** PUT /directory/people/{id} — replaces (200) or creates (201) a person's entry; admins only. */
export const handler = jsonApi(async (event) => {
  const { person, created } = await directoryAdmin.putPerson(callerId(event), pathParameter(event, 'id'), jsonBody(event));
  return json(created ? 201 : 200, person, created ? { location: `/directory/people/${person.id}` } : {});
});
