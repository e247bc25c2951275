import type { ApprovalStep, RequestStatus } from '../requests/request.js';

/** Korean words for the states people see. */
export const statusLabel: Record<RequestStatus, string> = {
  'in-review': '결재 진행 중',
  returned: '반려(보완 요청)',
  approved: '승인',
  rejected: '반려(종결)',
  withdrawn: '회수',
  failed: '처리 중단',
  'in-progress': '시공 중',
  'work-done': '완료 확인 대기',
  completed: '완료',
  cancelled: '취소',
  paid: '지급 완료',
};

export const actionLabel: Record<ApprovalStep['action'], string> = { review: '검토', cooperate: '협조', approve: '결재' };

export const stepStatusLabel: Record<ApprovalStep['status'], string> = {
  pending: '대기',
  waiting: '결정 대기 중',
  approved: '승인',
  rejected: '반려',
  skipped: '생략',
  cancelled: '취소',
};
