import * as z from 'zod';
import type { Directory } from '../directory/directory.js';
import { ForbiddenError } from '../kernel/errors.js';
import { parseOrThrow } from '../kernel/validation.js';
import type { RequestStore } from '../ports/request-store.js';
import { statusLabel } from '../requests/kinds/index.js';
import { personnelTransfer } from '../requests/kinds/personnel-transfer.js';

export interface RoundTransfersDeps {
  requests: RequestStore;
  directory: Directory;
}

export const roundId = z.string().regex(/^\d{4}-\d{2}$/, { error: '인사 차수(roundId)는 YYYY-MM 형식이어야 합니다 (예: 2027-01)' });

/**
 * `GET /rounds/{roundId}/transfers` — every transfer request of a round with its status, for
 * 인사팀's planning (members of the team that reads transfers). Oldest first.
 */
export function makeRoundTransfers({ requests, directory }: RoundTransfersDeps) {
  const planners = personnelTransfer.privacy.readers?.team;
  return async function roundTransfers(input: { callerId: string; roundId: string }) {
    const round = parseOrThrow(roundId, input.roundId, ['roundId']);
    const caller = await directory.person(input.callerId);
    if (planners === undefined || caller?.teamId !== planners) throw new ForbiddenError('인사 차수별 전보 현황은 인사팀만 볼 수 있습니다.');
    const items = (await requests.listByRound(round)).filter(personnelTransfer.is).map((request) => ({
      requestId: request.id,
      requesterId: request.requesterId,
      requesterName: request.requesterName,
      departmentId: request.departmentId,
      status: request.status,
      statusLabel: statusLabel(request.status),
      preferences: request.details.preferences,
      exceptionGround: request.details.exceptionGround ?? null,
      assignedDepartmentId: request.status === 'approved' ? (request.effect?.departmentId ?? null) : null,
      effectiveDate: request.effect?.effectiveDate ?? null,
      appliedAt: request.effect?.appliedAt ?? null,
      createdAt: request.createdAt,
    }));
    return { roundId: round, items };
  };
}
