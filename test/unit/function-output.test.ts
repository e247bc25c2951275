import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureFunctionOutput, prettyLine } from '../../infra/local/function-output.js';

const logLine = JSON.stringify({
  level: 'INFO',
  message: 'request answered',
  timestamp: '2026-11-28T01:34:37.253Z',
  service: 'approvals',
  cold_start: false,
  function_name: 'ApiSubmitRequest140395A1',
  function_request_id: 'dfd19606',
  sampling_rate: 0,
  correlation_id: 'R20261128-235X0EGE',
  route: 'POST /requests',
  status: 201,
});
const metricLine = JSON.stringify({
  _aws: {
    Timestamp: Date.parse('2026-11-28T01:34:37.494Z'),
    CloudWatchMetrics: [{ Namespace: 'Approvals/local', Dimensions: [['service', 'kind']], Metrics: [{ Name: 'RequestsSubmitted', Unit: 'Count' }] }],
  },
  service: 'approvals',
  kind: 'health-checkup',
  RequestsSubmitted: 1,
});

describe("the local runtime's view of the functions' output", () => {
  it('reads as a line per event on a terminal: time, level, function, message, then what matters', () => {
    expect(prettyLine(logLine)).toBe(
      '01:34:37.253 INFO  ApiSubmitRequest140395A1 request answered  correlation_id=R20261128-235X0EGE route=POST /requests status=201',
    );
    expect(prettyLine(metricLine)).toBe('01:34:37.494 METRIC RequestsSubmitted=1 (kind=health-checkup)');
  });

  it("keeps the functions' lines (even split across writes) in the log file, shows them as asked, and lets anything else through", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'function-output-'));
    const shown: string[] = [];
    const passed: string[] = [];
    const write = process.stdout.write;
    // What reaches the real stdout (after the capture): recorded instead of printed.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      passed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const release = captureFunctionOutput({
        file: join(dir, 'functions.jsonl'),
        show: (line) => {
          shown.push(line);
          return undefined;
        },
      });
      process.stdout.write(`${logLine.slice(0, 40)}`);
      process.stdout.write(`${logLine.slice(40)}\nnot a function line\n${metricLine}\n`);
      await release();
    } finally {
      process.stdout.write = write;
    }
    expect(shown).toEqual([logLine, metricLine]);
    expect(passed.join('')).toBe('not a function line\n');
    expect(await readFile(join(dir, 'functions.jsonl'), 'utf8')).toBe(`${logLine}\n${metricLine}\n`);
    await rm(dir, { recursive: true, force: true });
  });
});
