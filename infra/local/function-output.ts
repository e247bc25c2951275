import { createWriteStream } from 'node:fs';
import { telemetryService } from '../../shared/kernel/telemetry.js';

/**
 * What Lambda does with a function's output, for the functions the local runtime hosts in its own
 * process: their lines (Powertools' JSON logs and EMF metric lines) are taken off stdout/stderr,
 * appended to `file` (one JSON line each, as CloudWatch Logs would hold them; the tests read it),
 * and shown: `show` answers what to print for a line (on stdout as it was), or undefined for
 * nothing. Anything else written goes through untouched. Returns the function that puts the streams back.
 */
export function captureFunctionOutput(input: { file: string; show: (line: string) => string | undefined }): () => Promise<void> {
  const sink = createWriteStream(input.file, { flags: 'a' });
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  const print = originals[0] as typeof process.stdout.write;
  streams.forEach((stream, index) => {
    const original = originals[index] as typeof stream.write;
    let pending = '';
    stream.write = ((chunk: string | Uint8Array, encodingOrDone?: unknown, done?: unknown) => {
      const text = pending + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      const passed: string[] = [];
      for (const line of lines) {
        if (isFunctionLine(line)) {
          sink.write(`${line}\n`);
          const shown = input.show(line);
          if (shown !== undefined) print(`${shown}\n`);
        } else passed.push(line);
      }
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : typeof done === 'function' ? done : undefined;
      if (passed.length === 0) {
        (callback as (() => void) | undefined)?.();
        return true;
      }
      return original(`${passed.join('\n')}\n`, callback as (error?: Error | null) => void);
    }) as typeof stream.write;
  });
  return async () => {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as typeof stream.write;
    });
    await new Promise<void>((done) => sink.end(done));
  };
}

/** A Powertools log line of this backend, or an EMF metrics line. */
function isFunctionLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return parsed['service'] === telemetryService || (typeof parsed['_aws'] === 'object' && parsed['_aws'] !== null);
  } catch {
    return false;
  }
}

const QUIET_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/** A function's line as a person reads it on a terminal: time, level, function, message, then the fields that matter. */
export function prettyLine(line: string): string {
  const entry = JSON.parse(line) as Record<string, unknown>;
  const aws = entry['_aws'] as { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } | undefined;
  if (aws?.CloudWatchMetrics) {
    const metrics = aws.CloudWatchMetrics.flatMap((set) =>
      set.Metrics.map((metric) => {
        const dimensions = (set.Dimensions[0] ?? []).filter((name) => name !== 'service').map((name) => `${name}=${String(entry[name])}`);
        return `${metric.Name}=${JSON.stringify(entry[metric.Name])}${dimensions.length ? ` (${dimensions.join(' ')})` : ''}`;
      }),
    );
    return `${clock(entry['_aws'])} METRIC ${metrics.join(' ')}`;
  }
  const level = String(entry['level'] ?? '').padEnd(5);
  const fn = entry['function_name'] ? `${String(entry['function_name'])} ` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !QUIET_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const time = typeof entry['timestamp'] === 'string' ? entry['timestamp'].slice(11, 23) : '';
  return `${time} ${level} ${fn}${String(entry['message'] ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}`;
}

const clock = (aws: unknown) => {
  const timestamp = (aws as { Timestamp?: number }).Timestamp;
  return typeof timestamp === 'number' ? new Date(timestamp).toISOString().slice(11, 23) : '';
};
