import type { ApprovalStep } from '../requests/request.js';

/** Korean words for the steps of a line (a request's statuses: `statusLabel` in the kinds' registry). */

export const actionLabel: Record<ApprovalStep['action'], string> = { review: '검토', cooperate: '협조', approve: '결재' };

export const stepStatusLabel: Record<ApprovalStep['status'], string> = {
  pending: '대기',
  waiting: '결정 대기 중',
  approved: '승인',
  rejected: '반려',
  skipped: '생략',
  cancelled: '취소',
};

/**
 * Why a step reaches its holder, as the subject of the email and the title of the Slack message say
 * it: it just arrived, a reminder, an escalation, a deputy (대결), a hand-over (지정), a supplement
 * answered (보완), or the stage after sent it back (전단계 반려).
 */
export const occasionPrefix = {
  new: '',
  reminder: '[독촉] ',
  escalated: '[이관] ',
  rerouted: '[대결] ',
  reassigned: '[지정] ',
  supplemented: '[보완] ',
  'returned-to-previous': '[전단계 반려] ',
} as const;
export type StepOccasion = keyof typeof occasionPrefix;
