import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { clockFromEnv, directoryAdminFromEnv, directoryFromEnv } from '../wiring.js';
import { putPerson as operation } from './contract/operations.js';
import { callerId, jsonApi, jsonBody, reply } from './http-api.js';

const directoryAdmin = makeDirectoryAdmin({ directory: directoryFromEnv(), admin: directoryAdminFromEnv(), clock: clockFromEnv() });

/** PUT /directory/people/{id} — replaces (200) or creates (201) a person's entry; admins only. */
export const handler = jsonApi(operation, async (event, { params }) => {
  const { person, created } = await directoryAdmin.putPerson(callerId(event), params.id, jsonBody(event));
  return created ? reply(operation, 201, person, { location: `/directory/people/${person.id}` }) : reply(operation, 200, person);
});
