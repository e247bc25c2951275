import { seoulDate } from '../kernel/seoul-time.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { DocumentFiles } from '../ports/document-files.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { type ApprovalRequest, findKind, kindIds } from '../requests/kinds/index.js';
import { closedSince } from '../requests/moves.js';
import { destroyedRecord, dropLedgers } from '../requests/round-transitions.js';

/**
 * 보존기간 and 파기: a closed request (paid, finally rejected, withdrawn, completed…) is kept for its
 * kind's retention, counted from 1 January after the year it closed (공공기록물법 시행령의 기산일);
 * then what is personal goes (개인정보 보호법 §21) — the detail fields its kind's policy names, its
 * documents (every version of each file), the words people wrote in its steps and history, its
 * ledgers (whose keys may name a vaccine) — and the rest stays, so finance totals and audit figures are unchanged.
 */

export function makeDestruction(deps: {
  requests: RequestStore;
  files: DocumentFiles;
  clock: Clock;
  policy: OfficePolicy;
  log: (message: string, fields: Record<string, unknown>) => void;
}) {
  const { requests, files, clock, policy, log } = deps;

  /**
   * Files first, then the history's words, then the request itself (which takes it off the sweep):
   * each step can be done again, so a sweep cut off halfway finishes on the next run.
   */
  async function destroy(request: ApprovalRequest, at: string) {
    const rules = kindPolicyFor(policy, request.kind);
    const { details: fields, documents, words } = rules.destruction;
    if (documents) {
      const sensitive = findKind(request.kind)?.privacy.sensitive === true;
      for (const attachment of request.attachments ?? []) await files.destroy({ id: attachment.id, sensitive });
    }
    if (words || fields.length > 0) await requests.redactHistory(request.id, { fields, words });
    const closedYear = seoulDate(new Date(closedSince(request) ?? request.updatedAt)).slice(0, 4);
    const rule = `보존기간 ${rules.retentionYears}년 경과 (${closedYear}년 종결, 다음 해 1월 1일 기산) — 개인정보 보호법 제21조에 따른 파기`;
    const record = destroyedRecord(request, { at, rule, fields, documents, words });
    const entry = record.request.destroyed;
    if (!entry) throw new Error(`request ${request.id} was not marked destroyed`);
    // The 파기 대장's line is written in the same transaction as the destruction it records.
    await requests.save(
      changeOf(request, record, {
        ledgers: dropLedgers(request),
        destruction: {
          at,
          requestId: request.id,
          kind: request.kind,
          ...(request.registration ? { registrationNumber: request.registration.number } : {}),
          rule,
          fields,
          documents: entry.documents,
          words,
        },
      }),
    );
  }

  return {
    /** The sweep's part: every kind's closed requests whose retention has ended. */
    async runDue(limit: number): Promise<{ destroyed: number; failed: number }> {
      const now = clock.now();
      const year = Number(seoulDate(now).slice(0, 4));
      let destroyed = 0;
      let failed = 0;
      for (const kind of kindIds) {
        const { retentionYears } = kindPolicyFor(policy, kind);
        // Closed before 1 January of (this year − retention): its retention ended on a 1 January already passed.
        const closedBefore = new Date(`${year - retentionYears}-01-01T00:00:00+09:00`).toISOString();
        for (const request of await requests.dueForDestruction(kind, closedBefore, limit)) {
          try {
            await destroy(request, now.toISOString());
            destroyed += 1;
          } catch (error) {
            failed += 1;
            log('destruction failed; retried next sweep', { requestId: request.id, error: String(error) });
          }
        }
      }
      return { destroyed, failed };
    },
  };
}
