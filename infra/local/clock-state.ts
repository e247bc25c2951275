import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * The local clock survives a restart like everything else under DATA_DIR: after a demo ran weeks
 * ahead, a restart resumes from there instead of going back to the real date, which would put the
 * stored requests in the future. It never resumes behind the real date.
 */
const stateSchema = z.object({ now: z.iso.datetime() });

const statePath = (dataDir: string) => join(dataDir, 'clock.json');

export async function readClockStart(dataDir: string, realNow: Date = new Date()): Promise<Date> {
  let raw: string;
  try {
    raw = await readFile(statePath(dataDir), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return realNow;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const state = stateSchema.safeParse(parsed);
  if (!state.success)
    throw new Error(`${statePath(dataDir)} is not a saved local clock ({"now": "<ISO date-time>"}); delete it to start from the real date`);
  const saved = new Date(state.data.now);
  return saved > realNow ? saved : realNow;
}

export async function saveClockState(dataDir: string, now: Date): Promise<void> {
  const path = statePath(dataDir);
  // Write then rename: a crash mid-write leaves the previous state, never half a file.
  await writeFile(`${path}.tmp`, JSON.stringify({ now: now.toISOString() }));
  await rename(`${path}.tmp`, path);
}
