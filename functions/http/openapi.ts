import document from '../../openapi.json' with { type: 'json' };
import { openApi as operation } from './contract/operations.js';
import { jsonApi, reply } from './http-api.js';

/** GET /openapi.json — the API's contract (public): the committed document, which CI keeps equal to the code. */
export const handler = jsonApi(operation, async () => reply(operation, 200, document, { 'cache-control': 'public, max-age=300' }));
