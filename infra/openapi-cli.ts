import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openApiDocument } from '../functions/http/contract/openapi.js';
import * as operations from '../functions/http/contract/operations.js';
import { apiRoutes } from '../functions/http/contract/routes.js';
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const rendered = await renderOpenApi();
  if (process.argv.includes('--check')) {
    const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => '');
    if (committed !== rendered) {
      console.error('openapi.json is stale: run `npm run openapi` and commit it.');
      process.exit(1);
    }
    console.log('openapi.json is up to date.');
  } else {
    await writeFile(OPENAPI_FILE, rendered);
    console.log(`wrote ${OPENAPI_FILE}`);
  }
}
