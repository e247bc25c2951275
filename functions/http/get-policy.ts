import { officePolicy } from '../../shared/policies/office-policy.js';
import { policyRegister } from '../../shared/policies/policy-register.js';
import { makeGetPolicy } from '../../shared/use-cases/policy-view.js';
import { directoryFromEnv } from '../wiring.js';
import { getPolicy as operation } from './contract/operations.js';
import { callerId, jsonApi, reply } from './http-api.js';

const getPolicy = makeGetPolicy({ directory: directoryFromEnv(), policy: officePolicy, register: policyRegister });

/** GET /policy[?version=] — the rules in force (or of an earlier version) with their version, for admins and auditors. */
export const handler = jsonApi(operation, async (event) =>
  reply(operation, 200, await getPolicy({ callerId: callerId(event), query: event.queryStringParameters ?? {} })),
);
