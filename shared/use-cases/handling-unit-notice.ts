import type { Directory, Person } from '../directory/directory.js';
import { requestNoticeEmail } from '../notifications/emails.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Chat, Mailer } from '../ports/messaging.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { describe, urgentNoticeOf } from '../requests/per-kind.js';

/**
 * An urgent request (a safety hazard) reaches its whole managing unit at once — the team leader
 * and everyone holding the notice roles — not only the officer its triage step went to. The
 * request is already saved and routed; a mail failure is logged, never the requester's problem.
 */
export async function noticeToHandlingUnit(
  deps: { directory: Directory; mailer: Mailer; chat: Chat; policy: OfficePolicy; log: (message: string, fields: Record<string, unknown>) => void },
  request: ApprovalRequest,
): Promise<void> {
  const { directory, mailer, chat, policy, log } = deps;
  const rules = urgentNoticeOf(request, policy);
  if (!request.handlingTeamId || !rules) return;
  const team = await directory.team(request.handlingTeamId);
  const members = await directory.teamMembers(request.handlingTeamId);
  const recipients = new Map<string, Person>();
  for (const member of members) if (member.roles.some((role) => rules.roles.includes(role))) recipients.set(member.id, member);
  if (rules.teamLeader && team) {
    const leader = await directory.person(team.leaderId);
    if (leader) recipients.set(leader.id, leader);
  }
  const kind = describe(request, policy);
  const summary = kind.summary.map(([label, value]) => `*${label}*: ${value}`).join('\n');
  for (const person of recipients.values()) {
    if (person.slackUserId) {
      const text = `[긴급] ${kind.label} — ${request.requesterName} (${request.id})`;
      await chat
        .post(person.slackUserId, {
          text,
          blocks: [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `*${text}*\n${team?.name ?? '관리 부서'}에 긴급(안전 위험) 요청이 접수되었습니다. 현장을 확인해 주세요.\n${summary}`,
              },
            },
          ],
        })
        .catch((error: unknown) => log('urgent Slack notice failed', { requestId: request.id, to: person.id, error: String(error) }));
    }
    try {
      await mailer.send(
        requestNoticeEmail({
          request,
          kind,
          to: { name: person.name, email: person.email },
          subject: '[긴급]',
          intro: `${team?.name ?? '관리 부서'}에 긴급(안전 위험) 요청이 접수되었습니다. 현장을 확인해 주세요.`,
          next: '접수 담당자에게는 검토(견적) 요청이 별도로 발송되었습니다.',
        }),
      );
    } catch (error) {
      log('urgent notice failed', { requestId: request.id, to: person.id, error: String(error) });
    }
  }
}
