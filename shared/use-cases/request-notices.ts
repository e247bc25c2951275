import type { Directory } from '../directory/directory.js';
import { requestNoticeEmail } from '../notifications/emails.js';
import type { KindPolicies } from '../policies/approval-policy.js';
import type { Mailer } from '../ports/messaging.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { describe } from '../requests/per-kind.js';

/**
 * Emails each of `personIds` a notice about `request` that asks nothing to be decided (documents
 * added, a comment). Best effort after the change is saved: someone not in the directory is
 * skipped, a failed email is logged and never fails the change. What the lines may say of a
 * health kind is the caller's to decide (`sensitive` tells it).
 */
export async function emailNotice(
  deps: { directory: Directory; mailer: Mailer; policy: KindPolicies; log: (message: string, fields: Record<string, unknown>) => void },
  request: ApprovalRequest,
  personIds: Iterable<string>,
  notice: (sensitive: boolean) => { subject: string; intro: string; lines?: [string, string][]; next?: string },
): Promise<void> {
  const kind = describe(request, deps.policy);
  const content = notice(kind.sensitive);
  for (const personId of new Set(personIds)) {
    const person = await deps.directory.person(personId);
    if (!person) continue;
    try {
      await deps.mailer.send(requestNoticeEmail({ request, kind, to: { name: person.name, email: person.email }, ...content }));
    } catch (error) {
      deps.log('a request notice email failed', { requestId: request.id, subject: content.subject, to: personId, error: String(error) });
    }
  }
}
