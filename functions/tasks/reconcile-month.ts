import * as z from 'zod';
import { financeFromEnv } from '../finance-wiring.js';
import { log, observedHandler } from '../observability.js';

const finance = financeFromEnv();

/** Invoked by an operator (`aws lambda invoke --payload '{"month":"2026-10"}'`): recomputes a month and reports any difference. */
export const handler = observedHandler(async (event: unknown) => {
  const { month } = z.object({ month: z.string() }).parse(event);
  const result = await finance.reconcile(month);
  (result.differences.length === 0 ? log.info : log.error)('reconciled', { month, events: result.events, differences: result.differences });
  return result;
});
