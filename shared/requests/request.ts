import * as z from 'zod';

/**
 * What every request has, whatever its kind: who asked, where it stands on its approval line, what
 * it holds (a ledger place, money) and its version. A kind adds its `details`, its own state and the
 * statuses of its life after approval (shared/requests/kinds/); the stored shape of a request is
 * this base extended by its kind, and item types derive from these schemas.
 */

/**
 * The statuses of every kind's approval. `returned` (반려): back with the requester, who revises and
 * resubmits or withdraws. `supplement-requested` (보완 요청): a holder asked the requester for more
 * (a document, a corrected field); the step waits with its holder until the answer. `recalled` (회수): taken back by the requester before anyone decided, to
 * edit and resubmit, or withdraw (철회). A kind adds the statuses its life after approval goes through (a repair's
 * `in-progress`, a booking's `completed`, a reimbursement's `paid`).
 */
export const APPROVAL_STATUSES = [
  'in-review',
  'supplement-requested',
  'returned',
  'recalled',
  'approved',
  'rejected',
  'withdrawn',
  'failed',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const decisionSchema = z.enum(['approve', 'reject']);
export type Decision = z.infer<typeof decisionSchema>;

export const stepActionSchema = z.enum(['review', 'cooperate', 'approve']);
export type StepAction = z.infer<typeof stepActionSchema>;

export const channelSchema = z.enum(['email-link', 'api', 'slack']);
export type Channel = z.infer<typeof channelSchema>;

export const approvalStepSchema = z.object({
  index: z.int().nonnegative(),
  /** Steps of one stage wait in parallel and must all agree; stages run in order. */
  stage: z.int().nonnegative(),
  action: stepActionSchema,
  /** Who holds the step now: the resolved approver, their deputy (대결) or the level above (escalation). */
  approverId: z.string(),
  approverName: z.string(),
  approverPosition: z.string(),
  /** 대결: the approver the holder decides for. */
  actingForId: z.string().optional(),
  actingForName: z.string().optional(),
  /** The routing rule that chose the approver, and any adjustment (moved up past the requester, escalated). */
  rule: z.string(),
  /** 전결: the delegated-authority rule under which this (final) approval is decided below the head of office. */
  delegatedAuthority: z.string().optional(),
  /** An opinion that may not block (e.g. the current department head on a transfer): a dissent is recorded, the line goes on. */
  advisory: z.boolean().optional(),
  /** What this reviewer must confirm before agreeing (e.g. an early-transfer ground); such a review cannot be skipped. */
  mustConfirm: z.string().optional(),
  status: z.enum(['pending', 'waiting', 'approved', 'rejected', 'skipped', 'cancelled']),
  notifiedAt: z.string().optional(),
  remindedAt: z.string().optional(),
  escalatedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
  channel: channelSchema.optional(),
  /** §9: a reviewer who is away may be skipped only with a recorded reason. */
  skipReason: z.string().optional(),
  /** Hash of the link currently open for this step, so a close, re-route or escalation can revoke it. */
  openLinkHash: z.string().optional(),
  /** What the holder must record to agree: one of the kind's step inputs (a triage estimate, a vehicle assignment). */
  input: z.string().optional(),
});
export type ApprovalStep = z.infer<typeof approvalStepSchema>;

/** A step without the words people wrote in it (its comment, a skip's reason): what 파기 leaves, and what an auditor without a purpose sees. */
export const stepWithoutWords = <S extends { comment?: string; skipReason?: string }>({
  comment: _comment,
  skipReason: _reason,
  ...step
}: S): Omit<S, 'comment' | 'skipReason'> => step;

/**
 * A document bound to a request (붙임): what it is and who uploaded it. The file itself is in the
 * document storage under a key derived from `id` alone (no names, no health data in keys).
 */
export const attachmentRefSchema = z.object({
  id: z.string(),
  documentType: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.int().positive(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
  uploadedByName: z.string(),
  /** When it was bound to the request, and in which round. */
  addedAt: z.string(),
  round: z.int().positive(),
});
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

export const readerSchema = z.object({
  id: z.string(),
  name: z.string(),
  as: z.enum(['cc', 'circulation']),
  since: z.string(),
  ackedAt: z.string().optional(),
});
export type Reader = z.infer<typeof readerSchema>;

/** The fields every kind's request has; a kind extends them (see `defineKind`). */
export const baseRequestShape = {
  id: z.string(),
  requesterId: z.string(),
  requesterName: z.string(),
  departmentId: z.string(),
  teamId: z.string().nullable(),
  amountRequested: z.int().optional(),
  reimbursableAmount: z.int().optional(),
  capAmount: z.int().optional(),
  /**
   * The per-person ledgers this request holds a place in (released on rejection/withdrawal), and
   * in an amount-capped one the amount it reserves there.
   */
  ledgers: z.array(z.object({ key: z.string(), amount: z.int().nonnegative().optional() })).optional(),
  /**
   * A stage was decided and its workflow told to move on; until the workflow's next step runs
   * (and clears this), the timer sweep can tell it again. Holds the stage's task token: never shown.
   */
  resumePending: z
    .object({ taskToken: z.string(), outcome: z.enum(['next', 'approved', 'returned', 'rejected', 'supplement']), since: z.string() })
    .optional(),
  /** A safety hazard (긴급): the handling unit hears at once, and reminders run in hours. */
  urgent: z.boolean().optional(),
  /** The team responsible for the request (a building's managing team); `handling-unit` steps start there. */
  handlingTeamId: z.string().optional(),
  /** Finance paid the approved amount (once: the status guards it). */
  payment: z.object({ amountKrw: z.int().nonnegative(), paidAt: z.string(), paidBy: z.string(), batchId: z.string() }).optional(),
  /** What the timer sweep does next for this request: one of its kind's follow-ups (a trip-log reminder, a repair's close). */
  followUp: z.object({ action: z.string(), at: z.string(), count: z.int().nonnegative().optional() }).optional(),
  /**
   * 보완 요청 outstanding: who asked what, and by when the requester must answer. While it stands
   * the stage's links are dead and its deadline is paused (`stageRemainingMs` is what is left of it).
   */
  supplement: z
    .object({
      stepIndex: z.int().nonnegative(),
      requestedAt: z.string(),
      requestedBy: z.string(),
      requestedByName: z.string(),
      actingForId: z.string().optional(),
      comment: z.string(),
      /** Documents asked for (the kind's document types); the answer must bring one of each. */
      documentTypes: z.array(z.string()).optional(),
      answerBy: z.string(),
      remindAt: z.string().optional(),
      remindedAt: z.string().optional(),
      stageRemainingMs: z.int().nonnegative(),
      /** The workflow's "Await supplement" task: the answer (or the expiry) completes it. Never shown. */
      taskToken: z.string().optional(),
    })
    .optional(),
  /**
   * Why the current stage opens again (the requester answered a 보완 요청, or the stage after sent it
   * back: 전단계 반려), told to its holders with their fresh links; cleared once they have them.
   */
  reopened: z.object({ occasion: z.enum(['supplemented', 'returned-to-previous']), byName: z.string(), note: z.string() }).optional(),
  /** Its documents (붙임), in the order they were bound. */
  attachments: z.array(attachmentRefSchema).optional(),
  /**
   * 파기: when its retention ended and what was destroyed under which rule (the detail fields removed,
   * the documents' files, the words in steps and history). Present only once destroyed.
   */
  destroyed: z
    .object({ at: z.string(), rule: z.string(), fields: z.array(z.string()), documents: z.int().nonnegative(), words: z.boolean() })
    .optional(),
  /** The policy version (content hash) its rules were applied under at submission, or at its latest resubmission. */
  policyVersion: z.string().optional(),
  /** The policy version its final decision (approved, rejected) was taken under; `GET /policy?version=` reads its rules. */
  decisionPolicyVersion: z.string().optional(),
  /** 문서번호: its registration number once finally decided (approved or rejected), e.g. `총무과-1234`. */
  registration: z.object({ number: z.string(), departmentId: z.string(), year: z.string(), sequence: z.int().positive(), at: z.string() }).optional(),
  /**
   * 공람·참조: who reads it for information — colleagues the requester copied (`cc`, 참조, from
   * submission) and the units its kind circulates it to once approved (`circulation`, 공람) — and
   * when each confirmed reading it (확인). Read-only: they decide nothing.
   */
  readers: z.array(readerSchema).optional(),
  /** 1 on submission, +1 on each resubmission after a 반려. */
  round: z.int().positive(),
  steps: z.array(approvalStepSchema),
  currentStage: z.int().nonnegative(),
  /** When the current stage's links expire and the request fails if nobody has decided. */
  stageDeadline: z.string().optional(),
  /** Everyone who has been on any round's line (holders and those they acted for): who may read it. */
  participants: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  /**
   * When it reached a status nothing can follow (paid, finally rejected, withdrawn, completed…): its
   * retention counts from here, whatever changes after (a reader's 확인). Set by `moved`.
   */
  closedAt: z.string().optional(),
  version: z.int().positive(),
};

/** A request of some kind, seen without its kind: what the approval engine works on. */
export interface BaseRequest extends z.infer<z.ZodObject<typeof baseRequestShape>> {
  kind: string;
  status: string;
  /** Exactly what the requester submitted, kind-specific. Never rewritten but by a revision. */
  details: Record<string, unknown>;
}

/** The steps of the current stage still waiting for a decision. */
export function waitingSteps(request: BaseRequest): ApprovalStep[] {
  return request.status === 'in-review' ? request.steps.filter((step) => step.stage === request.currentStage && step.status === 'waiting') : [];
}

/**
 * The steps of the current stage still with their holders: waiting for a decision, or — while a
 * 보완 요청 waits for the requester — kept by their holders, who decide once it is answered.
 */
/** Returned (반려) or recalled (회수): nothing moves until its requester revises and resubmits or withdraws it. */
export const waitingForRequester = (request: Pick<BaseRequest, 'status'>): boolean => request.status === 'returned' || request.status === 'recalled';

export function heldSteps(request: BaseRequest): ApprovalStep[] {
  const open = request.status === 'in-review' || request.status === 'supplement-requested';
  return open ? request.steps.filter((step) => step.stage === request.currentStage && step.status === 'waiting') : [];
}

/** Who may see a request at all: its requester and the people on any of its lines. */
export function isParticipant(request: Pick<BaseRequest, 'requesterId' | 'participants'>, personId: string): boolean {
  return request.requesterId === personId || request.participants.includes(personId);
}

/** Whether `personId` reads the request for information (공람·참조). */
export const isReader = (request: Pick<BaseRequest, 'readers'>, personId: string): boolean =>
  request.readers?.some((reader) => reader.id === personId) === true;

export const stageCount = (request: Pick<BaseRequest, 'steps'>) => Math.max(...request.steps.map((step) => step.stage)) + 1;
