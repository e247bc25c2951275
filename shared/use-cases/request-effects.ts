import type { Directory, DirectoryAdmin } from '../directory/directory.js';
import type { Clock, RequestStore } from '../ports/ports.js';
import type { ApprovalRequest } from '../requests/request.js';
import { applyEffect } from '../requests/transitions.js';

export interface RequestEffectDeps {
  requests: RequestStore;
  directory: Directory;
  directoryAdmin: DirectoryAdmin;
  clock: Clock;
}

/**
 * What an approval changes outside the request happens on its effective date, not before: a
 * transfer moves the person in the directory (new department, no team until 인사팀 assigns one,
 * time in post counted from that day), recorded as a directory change by `system` and as
 * `completed` in the request's history.
 */
export function makeRequestEffects({ requests, directory, directoryAdmin, clock }: RequestEffectDeps) {
  async function applyTransfer(request: ApprovalRequest, at: string): Promise<string> {
    const effect = request.effect;
    if (!effect) throw new Error(`request ${request.id} has no effect`);
    const department = await directory.department(effect.departmentId);
    const record = await directoryAdmin.personRecord(request.requesterId);
    if (!record) throw new Error(`${request.requesterId} is no longer in the directory`);
    // A retry after the directory changed but the request did not: the move is already there.
    if (record.person.departmentId !== effect.departmentId) {
      await directoryAdmin.savePerson(
        { ...record.person, departmentId: effect.departmentId, teamId: null, postStartDate: effect.effectiveDate },
        { actorId: 'system', at, previous: record },
      );
    }
    return `전보 발령: ${department?.name ?? effect.departmentId} (${effect.roundId} 정기인사, ${effect.effectiveDate} 시행)`;
  }

  return {
    /** Applies every approved effect that is due; returns how many. One failing is left for the next sweep. */
    async applyDue(limit: number, log: (message: string, fields: Record<string, unknown>) => void): Promise<{ applied: number; failed: number }> {
      const now = clock.now().toISOString();
      let applied = 0;
      let failed = 0;
      for (const request of await requests.dueEffects(now, limit)) {
        try {
          const comment = await applyTransfer(request, now);
          const changed = applyEffect(request, { at: now, comment });
          await requests.save({ request: changed.request, expectedVersion: request.version, events: changed.events });
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
