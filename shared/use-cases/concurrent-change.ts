import { InvalidStateError } from '../kernel/errors.js';
import { ConcurrentChangeError, type RequestChange, type RequestStore } from '../ports/request-store.js';

/**
 * Runs a read-check-write again when the write lost a race on the same items (another
 * transaction changed the request, the month's finance totals or a vehicle's calendar in between).
 * Each attempt must read afresh and re-check its rules, so a retry never acts on stale state.
 * Anything but a ConcurrentChangeError, and the last one, goes to the caller.
 */
export async function retryOnConcurrentChange<T>(attempt: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40 * i));
    }
  }
}

/**
 * Saves a person's change made on what they last saw; if the request changed meanwhile, they are
 * told to look again (409) rather than having their change applied to a state they did not see.
 */
export async function saveAsSeen(requests: RequestStore, change: RequestChange): Promise<void> {
  try {
    await requests.save(change);
  } catch (error) {
    if (error instanceof ConcurrentChangeError) throw new InvalidStateError('요청이 방금 다른 곳에서 바뀌었습니다. 새로 고친 뒤 다시 시도하세요.');
    throw error;
  }
}
