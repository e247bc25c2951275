import type { Directory } from '../directory/directory.js';
import { requestNoticeEmail } from '../notifications/emails.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Mailer } from '../ports/messaging.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { followUp } from '../requests/lifecycle-transitions.js';
import { describe } from '../requests/per-kind.js';

export interface FollowUpDeps {
  requests: RequestStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  policy: OfficePolicy;
}

/**
 * What approved requests still need from the timer sweep, as their kinds decide it: a missing trip
 * log reminded, a reported repair nobody objected to closed. Each is saved as its own change; the
 * requester's email, if the kind sends one, goes after it (a mail failure is logged, never undone).
 */
export function makeFollowUps({ requests, directory, mailer, clock, policy }: FollowUpDeps) {
  return {
    async runDue(limit: number, log: (message: string, fields: Record<string, unknown>) => void): Promise<{ followedUp: number; failed: number }> {
      let followedUp = 0;
      let failed = 0;
      for (const request of await requests.dueFollowUps(clock.now().toISOString(), limit)) {
        try {
          const done = followUp(request, { now: clock.now(), policy });
          if (!done) throw new Error(`kind ${request.kind} has no follow-up ${request.followUp?.action}`);
          await requests.save(changeOf(request, done));
          if (done.acted) followedUp += 1;
          const requester = done.notice ? await directory.person(request.requesterId) : undefined;
          if (done.notice && requester) {
            const { subject, intro, next } = done.notice;
            await mailer
              .send(
                requestNoticeEmail({
                  request: done.request,
                  kind: describe(done.request, policy),
                  to: { name: requester.name, email: requester.email },
                  subject,
                  intro,
                  next,
                }),
              )
              .catch((error: unknown) => log('follow-up mail failed', { requestId: request.id, error: String(error) }));
          }
        } catch (error) {
          failed += 1;
          log('follow-up failed; retried next sweep', { requestId: request.id, action: request.followUp?.action, error: String(error) });
        }
      }
      return { followedUp, failed };
    },
  };
}

export type FollowUps = ReturnType<typeof makeFollowUps>;
