import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openApiDocument } from '../functions/http/contract/openapi.js';
import * as operations from '../functions/http/contract/operations.js';
import { apiRoutes } from '../functions/http/contract/routes.js';
import { renderEventSchemas } from '../shared/events/json-schemas.js';
import { policyRegister, withBundledPolicy } from '../shared/policies/policy-register.js';
import { projectRoot } from './constructs/app-function.js';

/** `npm run openapi` writes openapi.json from the code; `npm run openapi -- --check` fails when the committed copy differs. */
export async function renderOpenApi(): Promise<string> {
  const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  const document = openApiDocument(
    {
      title: '총무과 approval API',
      version,
      description:
        "The General Affairs Division's approval backend: staff submit requests, approvers decide, finance pulls monthly totals. " +
        'Error messages are Korean and safe to show; see README.md for the kinds and their rules.',
    },
    apiRoutes,
    operations,
  );
  return `${JSON.stringify(document, null, 2)}\n`;
}

const OPENAPI_FILE = join(projectRoot, 'openapi.json');
const POLICY_REGISTER_FILE = join(projectRoot, 'shared/policies/policy-register.json');

/** The policy register with the policy in office-policy.json added, if it is a version the register does not have yet. */
export function renderPolicyRegister(): string {
  return `${JSON.stringify(withBundledPolicy(policyRegister), null, 2)}\n`;
}

/**
 * The documents rendered from code: openapi.json, each domain event's JSON Schema and the policy
 * register (`npm run openapi` writes them; `-- --check` fails when a committed one differs).
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const documents = [
    { path: OPENAPI_FILE, text: await renderOpenApi() },
    { path: POLICY_REGISTER_FILE, text: renderPolicyRegister() },
    ...renderEventSchemas().map((schema) => ({ ...schema, path: join(projectRoot, schema.path) })),
  ];
  if (process.argv.includes('--check')) {
    const stale: string[] = [];
    for (const document of documents) if ((await readFile(document.path, 'utf8').catch(() => '')) !== document.text) stale.push(document.path);
    if (stale.length > 0) {
      console.error(`stale: ${stale.join(', ')}: run \`npm run openapi\` and commit them.`);
      process.exit(1);
    }
    console.log(`openapi.json, the policy register and ${documents.length - 2} event schemas are up to date.`);
  } else {
    await mkdir(join(projectRoot, 'shared/events/schemas'), { recursive: true });
    for (const document of documents) await writeFile(document.path, document.text);
    console.log(`wrote ${documents.map((document) => document.path).join(', ')}`);
  }
}
