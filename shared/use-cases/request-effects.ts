import type { Directory, DirectoryAdmin } from '../directory/directory.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { applyScheduledEffect } from '../requests/lifecycle-transitions.js';

export interface RequestEffectDeps {
  requests: RequestStore;
  directory: Directory;
  directoryAdmin: DirectoryAdmin;
  clock: Clock;
}

/**
 * What an approval changes outside the request happens on its effective date, not before, as its
 * kind says (a transfer moves the person in the directory), recorded as `completed` in the
 * request's history. A retry after a half-done apply does not repeat it (the kind checks).
 */
export function makeRequestEffects({ requests, directory, directoryAdmin, clock }: RequestEffectDeps) {
  return {
    /** Applies every approved effect that is due; returns how many. One failing is left for the next sweep. */
    async applyDue(limit: number, log: (message: string, fields: Record<string, unknown>) => void): Promise<{ applied: number; failed: number }> {
      const now = clock.now().toISOString();
      let applied = 0;
      let failed = 0;
      for (const request of await requests.dueEffects(now, limit)) {
        try {
          await requests.save(changeOf(request, await applyScheduledEffect(request, { directory, directoryAdmin, at: now })));
          applied += 1;
        } catch (error) {
          failed += 1;
          log('effect not applied; retried next sweep', { requestId: request.id, error: String(error) });
        }
      }
      return { applied, failed };
    },
  };
}

export type RequestEffects = ReturnType<typeof makeRequestEffects>;
