import { AppError } from '../kernel/errors.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import type { Workflows } from '../ports/workflows.js';
import type { ApprovalRequest } from '../requests/kinds/index.js';
import { endRoundAndRelease } from '../requests/round-transitions.js';

class WorkflowStartError extends AppError {
  readonly statusCode = 503;
}

/**
 * Starts the workflow of a request's current round. A request whose workflow cannot start must
 * not sit "in review" forever: it fails visibly (ledger places given back) and the caller gets 503.
 */
export async function startRoundOrFail(
  deps: { requests: RequestStore; workflows: Workflows; clock: Clock },
  request: ApprovalRequest,
): Promise<void> {
  try {
    await deps.workflows.start(request.kind, request.id, request.round);
  } catch (error) {
    const failed = endRoundAndRelease(request, {
      status: 'failed',
      at: deps.clock.now().toISOString(),
      actor: { id: 'system', name: 'system' },
      comment: '결재 절차를 시작하지 못했습니다',
      channel: 'workflow',
    });
    await deps.requests.save(failed);
    throw new WorkflowStartError(`요청(${request.id})은 저장되었으나 결재 절차를 시작하지 못해 중단 처리했습니다. 잠시 후 다시 제출하세요.`, {
      cause: error,
    });
  }
}
