import * as z from 'zod';

/**
 * What one history event moved, in counts and KRW: added to its month's totals in the same
 * transaction (see totals.ts). Kept apart so the request's own schema can name it without
 * importing the totals logic.
 */
export const financeFiguresSchema = z.object({
  submitted: z.int().optional(),
  requestedKrw: z.int().optional(),
  approved: z.int().optional(),
  approvedKrw: z.int().optional(),
  rejected: z.int().optional(),
  withdrawn: z.int().optional(),
  paid: z.int().optional(),
  paidKrw: z.int().optional(),
  committedKrw: z.int().optional(),
  actualKrw: z.int().optional(),
});
export type FinanceFigures = z.infer<typeof financeFiguresSchema>;
export const FIGURES = financeFiguresSchema.keyof().options;

/** Adds figures (as the store's ADD does). */
export function addFigures(a: FinanceFigures, b: FinanceFigures): FinanceFigures {
  const sum: FinanceFigures = { ...a };
  for (const name of FIGURES) if (b[name] !== undefined) sum[name] = (sum[name] ?? 0) + (b[name] ?? 0);
  return sum;
}

/** Where an event's figures are totalled: its month, and the kind and department (and a repair's building). */
export interface FinanceKey {
  month: string;
  kind: string;
  departmentId: string;
  building?: string;
}

/** One month's aggregate rows: per kind and department, and per repaired building. */
export interface MonthTotals {
  month: string;
  byDepartment: { kind: string; departmentId: string; figures: FinanceFigures }[];
  byBuilding: { building: string; figures: FinanceFigures }[];
}
