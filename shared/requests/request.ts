import * as z from 'zod';

/**
 * A request and its append-only history. The stored shape is defined here once; item types
 * are derived from these schemas (shared/store/ adds only the key attributes).
 */
export const requestStatusSchema = z.enum(['in-review', 'approved', 'rejected', 'withdrawn', 'failed']);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const decisionSchema = z.enum(['approve', 'reject']);
export type Decision = z.infer<typeof decisionSchema>;

export const approvalStepSchema = z.object({
  index: z.int().nonnegative(),
  action: z.enum(['review', 'approve']),
  approverId: z.string(),
  approverName: z.string(),
  approverPosition: z.string(),
  rule: z.string(),
  status: z.enum(['pending', 'waiting', 'approved', 'rejected', 'cancelled']),
  notifiedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  actingFor: z.string().optional(),
  comment: z.string().optional(),
  channel: z.enum(['email-link', 'api']).optional(),
  /** Hash of the link currently open for this step, so withdrawal can revoke it. */
  openLinkHash: z.string().optional(),
});
export type ApprovalStep = z.infer<typeof approvalStepSchema>;

export const historyActionSchema = z.enum([
  'submitted',
  'routed',
  'notified',
  'viewed',
  'decided',
  'approved',
  'rejected',
  'withdrawn',
  'failed',
]);
export type HistoryAction = z.infer<typeof historyActionSchema>;

export const historyEventSchema = z.object({
  at: z.string(),
  /** Employee id, or `system` for the workflow itself. */
  actorId: z.string(),
  actorName: z.string().optional(),
  /** Whom the actor acted for (대결), when not themselves. */
  actingForId: z.string().optional(),
  action: historyActionSchema,
  stepIndex: z.int().optional(),
  decision: decisionSchema.optional(),
  comment: z.string().optional(),
  /** How it happened: `api`, `email-link`, `workflow`. */
  channel: z.string().optional(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

export const requestSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: requestStatusSchema,
  requesterId: z.string(),
  requesterName: z.string(),
  departmentId: z.string(),
  teamId: z.string().nullable(),
  /** Exactly what the requester submitted, kind-specific. Never rewritten. */
  details: z.record(z.string(), z.unknown()),
  amountRequested: z.int().optional(),
  reimbursableAmount: z.int().optional(),
  capAmount: z.int().optional(),
  /** The per-person ledger this request holds a place in (released on rejection/withdrawal). */
  ledger: z.object({ key: z.string() }).optional(),
  steps: z.array(approvalStepSchema),
  currentStep: z.int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.int().positive(),
});
export type ApprovalRequest = z.infer<typeof requestSchema>;

/** The step waiting for a decision, if any. */
export function currentStepOf(request: ApprovalRequest): ApprovalStep | undefined {
  return request.status === 'in-review' ? request.steps[request.currentStep] : undefined;
}

/** Who may see a request at all: its requester and the people on its approval line. */
export function isParticipant(request: ApprovalRequest, personId: string): boolean {
  return request.requesterId === personId || request.steps.some((step) => step.approverId === personId);
}
