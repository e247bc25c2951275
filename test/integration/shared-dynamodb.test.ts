import { describe, expect, it } from 'vitest';
import { api, newDataDir, type RunningBackend, removeDataDir, startInProcess } from './harness.js';

/**
 * The integration files' backends share the run's one DynamoDB Local (global-setup.ts). What keeps
 * them apart is the access key each signs with: a new DATA_DIR is a new database, seeded and empty
 * of requests, and a restart on a DATA_DIR finds what it left.
 */
describe("backends on the run's one DynamoDB Local", () => {
  it('each DATA_DIR has a database of its own, and finds it again after a restart', { timeout: 120_000 }, async () => {
    const [first, second] = [await newDataDir(), await newDataDir()];
    const ownRequests = async (backend: RunningBackend) => (await api(backend, 'GET', '/requests', { as: 'E1034' })).body.items as { id: string }[];
    let backend = await startInProcess(first);
    try {
      const submitted = await api(backend, 'POST', '/requests', {
        as: 'E1034',
        json: { kind: 'health-checkup', checkupDate: new Date().toISOString().slice(0, 10), amountPaid: 380_000, clinic: '한빛종합검진센터' },
      });
      expect(submitted.status, submitted.text).toBe(201);
      await backend.stop();

      backend = await startInProcess(second);
      expect(await ownRequests(backend)).toEqual([]);
      expect((await api(backend, 'GET', '/directory/people/E1034', { as: 'E1024' })).status).toBe(200); // seeded all the same
      await backend.stop();

      backend = await startInProcess(first);
      expect((await ownRequests(backend)).map((request) => request.id)).toEqual([submitted.body.id]);
    } finally {
      await backend.stop();
      await Promise.all([removeDataDir(first), removeDataDir(second)]);
    }
  });
});
