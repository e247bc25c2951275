import { relative } from 'node:path';
import * as z from 'zod';
import { readConfig } from '../../shared/kernel/config.js';
import { startLocalRuntime } from './runtime.js';
import { SEED_DIRECTORY, SEED_FLEET } from './seed.js';

/** `npm start`: the whole backend on this machine. */
const config = readConfig({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('.local'),
  // How much faster than real time the local clock runs: 1440 is one day per real minute.
  CLOCK_SPEED: z.coerce.number().positive().finite().default(1),
});

// Ctrl+C or a SIGTERM stops everything the runtime started, DynamoDB Local's JVM included. The
// handlers are in place before the runtime starts: a signal sent the moment the banner appears
// (as scripts waiting for it do) used to find none, end the process outright and orphan the JVM.
// During start-up the process exits at once; the JVM goes with it (dynamodb-local.ts's exit hook).
let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    if (!runtime) process.exit(0);
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

runtime = await startLocalRuntime({ dataDir: config.DATA_DIR, port: config.PORT, clockSpeed: config.CLOCK_SPEED });
const shown = (path: string) => relative(process.cwd(), path) || '.';
console.log(`
총무과 approval backend — local runtime ready

  API       ${runtime.apiUrl}   (GET ${runtime.apiUrl}/health)
  Data      ${shown(runtime.dataDir)}   (DynamoDB Local, workflow state, signing keys)
  Outbox    ${shown(runtime.outbox.email)}  (email .eml)
            ${shown(runtime.outbox.slack)}  (Slack payloads; click a message's button:
              npm run --silent slack-click -- ${shown(runtime.outbox.slack)}/<…-chat.postMessage.json> approve)
  Files     ${shown(runtime.s3.directory)}  (S3 at ${runtime.s3.endpoint}; documents uploaded with presigned URLs)
  People    ${shown(SEED_DIRECTORY)}  (${runtime.people} seeded staff)
  Fleet     ${shown(SEED_FLEET)}  (${runtime.vehicles} vehicles)
  Token     npm run --silent token -- E1034
  Clock     ×${runtime.clockSpeed} (CLOCK_SPEED)   (GET ${runtime.apiUrl}/_local/clock)

Stop with Ctrl+C.
`);
