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
