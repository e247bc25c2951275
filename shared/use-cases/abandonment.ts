import type { Directory } from '../directory/directory.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Mailer } from '../ports/messaging.js';
import { ConcurrentChangeError, type RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { statusLabel } from '../requests/kinds/index.js';
import { waitingForRequester } from '../requests/request.js';
import { endRoundAndRelease } from '../requests/round-transitions.js';
import { emailNotice } from './request-notices.js';

const DAY_MS = 86_400_000;

/**
 * 장기 미처리 철회: a request left returned (반려) or recalled (회수) — waiting for its requester to
 * revise and resubmit it, or withdraw it — for the policy's `approvals.abandonAfterDays` is withdrawn
 * (철회) by the system, its ledger place given back, and the requester told. Without it, a request
 * nobody takes up again would never close: its 보존기간 would never start, and what is personal in
 * it (a health claim's clinic, its documents) would be kept for good (개인정보 보호법 §21).
 * Any change the requester makes (a revision, documents added) starts the wait again.
 */
export function makeAbandonment(deps: {
  requests: RequestStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}) {
  const { requests, clock, policy, log } = deps;
  return {
    async runDue(limit: number): Promise<{ withdrawn: number; failed: number }> {
      const now = clock.now();
      const days = policy.approvals.abandonAfterDays;
      const before = new Date(now.getTime() - days * DAY_MS).toISOString();
      let withdrawn = 0;
      let failed = 0;
      for (const due of await requests.dueIdle(before, limit)) {
        try {
          // Read again: the requester may have just revised, resubmitted or withdrawn it.
          const request = await requests.get(due.id);
          if (!request || !waitingForRequester(request) || request.updatedAt > before) continue;
          const change = endRoundAndRelease(request, {
            status: 'withdrawn',
            at: now.toISOString(),
            actor: { id: 'system', name: 'system' },
            comment: `${statusLabel(request.status)} 상태로 ${days}일 동안 수정·재제출이 없어 자동으로 철회되었습니다.`,
            channel: 'workflow',
          });
          await requests.save(change);
          withdrawn += 1;
          await emailNotice(deps, change.request, [request.requesterId], () => ({
            subject: '[자동 철회]',
            intro: `${statusLabel(request.status)} 상태로 ${days}일 동안 수정·재제출이 없어 요청이 자동으로 철회되었습니다.`,
            next: '필요하면 새로 제출하세요.',
          }));
        } catch (error) {
          if (error instanceof ConcurrentChangeError) continue; // changed meanwhile: it is not idle any more
          failed += 1;
          log('abandonment failed; retried next sweep', { requestId: due.id, error: String(error) });
        }
      }
      return { withdrawn, failed };
    },
  };
}
