import { defineConfig } from 'vitest/config';
import { ProjectOrderSequencer } from './test/sequencer.js';

export default defineConfig({
  test: {
    // Integration tests start the backend and synthesize the app; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    // What the code under test logs (the in-process backend's functions, mostly) is shown for failed tests only.
    silent: 'passed-only',
    sequence: { sequencer: ProjectOrderSequencer },
    projects: [
      {
        extends: true,
        // Pure functions, adapters against local servers, the synthesized template: nothing here
        // replaces a module or a client for other files, so a worker runs them all in one process.
        // Environment a test stubs is put back after it (the next file runs in the same process).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'], isolate: false, unstubEnvs: true },
      },
      {
        extends: true,
        // Handlers against mocked AWS clients (aws-sdk-client-mock replaces a client class's `send`
        // for the whole process) and stubbed configuration: each file in a process of its own.
        // Powertools writes straight to stdout (past the runner's console capture): only warnings and
        // errors, and no metric lines (the integration tests read both from the local runtime's log).
        test: {
          name: 'handlers',
          include: ['test/handlers/**/*.test.ts'],
          env: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_METRICS_NAMESPACE: 'Approvals/test' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // A worker runs its files one after the other in one process, which keeps what they share
          // loaded: the backend's modules, the API contract's validators. Each file still starts a
          // backend of its own (harness.ts), with its own data, clock and outbox.
          isolate: false,
          // The functions' bundles (esbuild output, like what Lambda runs) load natively, as in the
          // runtime `npm start` runs: Vite transforming them took 20 s of CPU for three test files.
          server: { deps: { external: [/\/\.synth\//] } },
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
    ],
  },
});
