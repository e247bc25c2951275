import { ConcurrentChangeError } from '../ports/ports.js';

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
