import * as z from 'zod';
import { NotFoundError } from '../kernel/errors.js';
import { parseOrThrow } from '../kernel/validation.js';
import { kindOf } from '../requests/kinds/index.js';
import { isParticipant } from '../requests/request.js';
import type { Clock, RequestStore } from '../ports/ports.js';
import type { Directory } from '../directory/directory.js';
import { requestView } from './request-view.js';

export interface ReadRequestsDeps {
  requests: RequestStore;
  directory: Directory;
  clock: Clock;
}

/**
 * Primary course (one request):
 * 1. Load it; anyone not on it (requester or an approver on its line) gets 404, as if it did not exist.
 * 2. For sensitive kinds, a read by anyone but the requester is recorded in its history first.
 * 3. Return it with its steps and history.
 */
export function makeGetRequest({ requests, directory, clock }: ReadRequestsDeps) {
  return async function getRequest(input: { callerId: string; requestId: string }) {
    const request = await requests.get(input.requestId);
    if (!request || !isParticipant(request, input.callerId)) {
      throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
    }
    if (kindOf(request.kind).sensitive && input.callerId !== request.requesterId) {
      const viewer = await directory.person(input.callerId);
      await requests.appendEvent(request.id, {
        at: clock.now().toISOString(),
        actorId: input.callerId,
        actorName: viewer?.name,
        action: 'viewed',
        channel: 'api',
      });
    }
    return requestView(request, await requests.history(request.id));
  };
}

const pageSchema = z.object({
  limit: z.coerce
    .number({ error: 'limit은 숫자여야 합니다' })
    .int({ error: 'limit은 정수여야 합니다' })
    .min(1, { error: 'limit은 1 이상이어야 합니다' })
    .max(100, { error: 'limit은 100 이하여야 합니다' })
    .default(20),
  nextToken: z.string().optional(),
});

/** The caller's own requests, newest first, a page at a time. */
export function makeListRequests({ requests }: Pick<ReadRequestsDeps, 'requests'>) {
  return async function listRequests(input: { callerId: string; query: Record<string, string | undefined> }) {
    const { limit, nextToken } = parseOrThrow(pageSchema, input.query);
    const page = await requests.listByRequester(input.callerId, { limit, cursor: nextToken });
    return { items: page.items.map((request) => requestView(request)), nextToken: page.nextCursor ?? null };
  };
}
