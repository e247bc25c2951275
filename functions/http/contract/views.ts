import * as z from 'zod';
import { personRevisionSchema, personSchema } from '../../../shared/directory/directory.js';
import { financeFiguresSchema } from '../../../shared/finance/figures.js';
import { vehicleSchema } from '../../../shared/fleet/fleet.js';
import { historyEventSchema, readTargetSchema } from '../../../shared/requests/history.js';
import { requestKinds } from '../../../shared/requests/kinds/index.js';
import { approvalStepSchema, attachmentRefSchema, baseRequestShape, stepActionSchema } from '../../../shared/requests/request.js';
import type { ShownRequest } from '../../../shared/use-cases/request-view.js';

/**
 * What the API answers, as schemas: the response side of the contract. Handlers' answers are typed
 * by these (a field a use case stops returning is a compile error), and the integration tests check
 * every answer against the generated document (a field that appears unannounced fails them: the
 * objects that could carry internals are strict).
 */

const nonEmpty = <T>([first, ...rest]: readonly T[]): [T, ...T[]] => {
  if (first === undefined) throw new Error('no request kinds');
  return [first, ...rest];
};

/** Gives a schema built at run time (from the registry), whose type zod cannot infer, the type of what it describes. */
const typedAs =
  <T>() =>
  (schema: z.ZodType): z.ZodType<T, T> =>
    schema as z.ZodType<T, T>;

/** A health kind's content as an auditor without a stated purpose sees it. */
const withheldDetails = z
  .strictObject({ withheld: z.literal(true), reason: z.string() })
  .meta({ description: 'Withheld: a health kind’s content, for an auditor who stated no `purpose`.' });

/** A step as shown: the hash of its open link stays inside. */
export const stepView = approvalStepSchema.omit({ openLinkHash: true }).strict().meta({ id: 'Step' });
export const historyEventView = historyEventSchema.meta({ id: 'HistoryEvent' });

/**
 * A request as the API shows it (shared/use-cases/request-view.ts): its kind's stored shape without its
 * bookkeeping. Built from the registry, so its static type is the view function's own (`RequestView`);
 * the integration tests hold the two together at run time.
 */
export const requestView = typedAs<ShownRequest>()(
  z.discriminatedUnion(
    'kind',
    nonEmpty(
      requestKinds.map((kind) =>
        (kind.requestSchema as z.ZodObject).omit({ ledgers: true, resumePending: true }).extend({
          // Whole; withheld from an auditor without a purpose; or, after 파기, without its personal fields (see `destroyed`).
          details: z.union([
            (kind.requestSchema as z.ZodObject).shape['details'] as z.ZodType,
            withheldDetails,
            ((kind.requestSchema as z.ZodObject).shape['details'] as z.ZodObject).partial(),
          ]),
          kindLabel: z.string(),
          steps: z.array(stepView),
          supplement: baseRequestShape.supplement.unwrap().omit({ taskToken: true }).strict().optional(),
          attachments: z
            .array(attachmentRefSchema.extend({ documentLabel: z.string().meta({ description: 'The document type’s Korean name (영수증).' }) }))
            .optional(),
          history: z.array(historyEventView).optional(),
        }),
      ),
    ),
  ),
).meta({ id: 'Request', description: 'A request of one kind (told apart by `kind`), with its steps; `history` where the route says so.' });

export const requestPage = z.strictObject({
  items: z.array(requestView),
  nextToken: z.string().nullable().meta({ description: 'Pass as `nextToken` for the next page; null on the last.' }),
});

export const auditPage = z.strictObject({
  items: z.array(
    z.strictObject({
      requestId: z.string(),
      registrationNumber: z.string(),
      kind: z.string(),
      kindLabel: z.string(),
      departmentId: z.string(),
      requesterName: z.string(),
      status: z.string(),
      statusLabel: z.string(),
      decidedAt: z.string(),
      policyVersion: z.string().optional(),
      decisions: z.array(
        z.strictObject({
          stepIndex: z.int(),
          action: stepActionSchema,
          approverId: z.string(),
          approverName: z.string(),
          actingForId: z.string().optional(),
          actingForName: z.string().optional(),
          decision: z.enum(['approve', 'reject']),
          decidedAt: z.string(),
          markers: z.array(z.enum(['전결', '대결'])),
          rule: z.string().optional(),
          channel: z.string().optional(),
        }),
      ),
    }),
  ),
  nextToken: z.string().nullable().meta({ description: 'Pass as `nextToken` for the next page; null on the last.' }),
});

export const accessLogPage = z.strictObject({
  items: z.array(
    z.strictObject({
      at: z.string(),
      requestId: z.string(),
      kind: z.string(),
      readerId: z.string(),
      readerName: z.string().optional(),
      channel: z.string(),
      scope: z.enum(['line', 'role', 'unit', 'circulation', 'audit']),
      purpose: z.string().optional(),
      target: readTargetSchema.meta({
        description:
          'What was read: the request (`request`), its 결재문서 (`document`) or one of its documents (`attachment`, named by `documentType`).',
      }),
      documentType: z.string().optional(),
      flagged: z.string().optional().meta({ description: 'Why the read is outside its reader’s usual scope, when it is.' }),
    }),
  ),
  nextToken: z.string().nullable().meta({ description: 'Pass as `nextToken` for the next page; null on the last.' }),
});

export const destructionRegister = z.strictObject({
  year: z.string(),
  items: z.array(
    z.strictObject({
      at: z.string(),
      requestId: z.string(),
      kind: z.string(),
      kindLabel: z.string(),
      registrationNumber: z.string().optional(),
      rule: z.string(),
      fields: z.array(z.string()),
      documents: z.int(),
      words: z.boolean(),
    }),
  ),
});

export const policyView = z.strictObject({
  version: z.string().meta({ description: 'SHA-256 of the canonical JSON of the rules, first 16 hex digits.' }),
  current: z.boolean().meta({ description: 'Whether these are the rules in force (false: an earlier version, from the register).' }),
  policy: z
    .record(z.string(), z.unknown())
    .meta({ description: 'The rules of that version, as `shared/policies/office-policy.json` held them (defaults filled in).' }),
});

export const circulationPage = z.strictObject({
  items: z.array(
    z.strictObject({
      requestId: z.string(),
      kind: z.string(),
      kindLabel: z.string(),
      requesterName: z.string(),
      as: z
        .enum(['cc', 'circulation'])
        .meta({ description: '`cc`: copied by the requester (참조); `circulation`: circulated once approved (공람).' }),
      asLabel: z.string(),
      since: z.string(),
      ackedAt: z.string().optional().meta({ description: 'When the caller confirmed reading it (확인).' }),
    }),
  ),
  nextToken: z.string().nullable().meta({ description: 'Pass as `nextToken` for the next page; null on the last.' }),
});

export const acknowledgement = z.strictObject({
  requestId: z.string(),
  as: z.enum(['cc', 'circulation']),
  ackedAt: z.string().meta({ description: 'When the reading was confirmed (the first 확인; a repeat answers the same).' }),
});

export const requestHistory = z.strictObject({
  requestId: z.string(),
  kind: z.string(),
  status: z.string(),
  round: z.int(),
  events: z.array(historyEventView),
});

const named = z.strictObject({ id: z.string(), name: z.string().nullable() });

export const pendingApprovals = z.strictObject({
  items: z.array(
    z.strictObject({
      requestId: z.string(),
      kind: z.string(),
      kindLabel: z.string(),
      requesterName: z.string(),
      departmentId: z.string(),
      round: z.int(),
      stepIndex: z.int(),
      action: stepActionSchema,
      actionLabel: z.string(),
      actingFor: z.strictObject({ id: z.string(), name: z.string().optional() }).nullable(),
      delegatedAuthority: z.string().nullable(),
      input: z.string().nullable().meta({ description: 'What an agreement must record (a step input of the kind), if anything.' }),
      waitingSince: z.string(),
      deadline: z.string(),
      summary: z.record(z.string(), z.string()).optional().meta({ description: 'Absent for health kinds (개인정보 보호법 §23).' }),
      reimbursableAmount: z.int().nullable().optional(),
    }),
  ),
});

export const delegationView = z
  .strictObject({
    principalId: z.string(),
    deputyId: z.string(),
    from: z.iso.date(),
    to: z.iso.date(),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Delegation' });

export const delegationSet = z.strictObject({
  delegation: delegationView,
  active: z.boolean().meta({ description: 'Whether it is in force now (steps already re-routed).' }),
  reroutedSteps: z.int(),
});
export const delegationEnded = z.strictObject({ ended: delegationView, returnedSteps: z.int() });
export const delegationList = z.strictObject({ items: z.array(delegationView) });

export const personView = personSchema.extend({ revision: personRevisionSchema.nullable() }).strict().meta({ id: 'Person' });

export const departmentList = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      bureau: named,
      head: named,
      teams: z.array(z.strictObject({ id: z.string(), name: z.string(), leader: named })),
    }),
  ),
});

const figures = financeFiguresSchema.strict().meta({ id: 'FinanceFigures' });

export const monthlyTotals = z.strictObject({
  month: z.string(),
  kinds: z.array(
    z.strictObject({
      kind: z.string(),
      kindLabel: z.string(),
      departments: z.array(z.strictObject({ departmentId: z.string().nullable(), departmentName: z.string(), figures })),
      total: figures,
    }),
  ),
  buildings: z.array(z.strictObject({ building: z.string(), buildingName: z.string(), committedKrw: z.int(), actualKrw: z.int() })),
  total: figures,
});

export const paymentBatch = z.strictObject({
  batchId: z.string(),
  paid: z.array(
    z.strictObject({
      requestId: z.string(),
      registrationNumber: z.string().optional().meta({ description: 'The approved request’s 문서번호.' }),
      amountKrw: z.int(),
    }),
  ),
  refused: z.array(z.strictObject({ requestId: z.string(), message: z.string() })),
  paidKrw: z.int(),
});

export const financeBudget = z.strictObject({
  year: z.int(),
  lines: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      budgetKrw: z.int().nullable(),
      committedKrw: z.int(),
      paidKrw: z.int(),
      executionRate: z.number().nullable().meta({ description: '집행률: paid ÷ budget, in percent.' }),
    }),
  ),
});

export const facilityBudget = z.strictObject({
  year: z.int(),
  lines: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      budgetKrw: z.int().nullable(),
      committedKrw: z.int(),
      spentKrw: z.int(),
      outstandingKrw: z.int(),
      availableKrw: z.int().nullable(),
      executionRate: z.number().nullable(),
    }),
  ),
});

export const roundTransfers = z.strictObject({
  roundId: z.string(),
  items: z.array(
    z.strictObject({
      requestId: z.string(),
      requesterId: z.string(),
      requesterName: z.string(),
      departmentId: z.string(),
      status: z.string(),
      statusLabel: z.string(),
      preferences: z.array(z.string()),
      exceptionGround: z.string().nullable(),
      assignedDepartmentId: z.string().nullable(),
      effectiveDate: z.string().nullable(),
      appliedAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});

export const vehicleAvailability = z.strictObject({
  vehicleClass: z.string(),
  classLabel: z.string(),
  from: z.string(),
  to: z.string(),
  suggestion: z.string().nullable(),
  vehicles: z.array(vehicleSchema.pick({ id: true, plate: true, model: true, seats: true, managingDepartmentId: true, ownership: true }).strict()),
});

export const vehicleSchedule = z.strictObject({
  vehicle: vehicleSchema.strict(),
  from: z.iso.date(),
  to: z.iso.date(),
  bookings: z.array(z.strictObject({ requestId: z.string(), requesterName: z.string(), departmentId: z.string(), from: z.string(), to: z.string() })),
  lastOdometer: z.strictObject({ km: z.int(), requestId: z.string().optional(), recordedAt: z.string().optional() }).nullable(),
});

/** Slack's interactivity reply: a message update or a modal's field errors (Slack's own shapes). */
export const slackReply = z.record(z.string(), z.unknown());

export const uploadTicket = z
  .strictObject({
    attachmentId: z.string().meta({ description: 'Name it in `attachments` of a submission, a revision or an addition.' }),
    upload: z.strictObject({
      method: z.literal('PUT'),
      url: z.string().meta({ description: 'Presigned: PUT the file’s bytes here, with exactly `headers` (content type and length are signed).' }),
      headers: z.record(z.string(), z.string()),
    }),
    expiresAt: z.string().meta({ description: 'The upload URL stops working then (at most 15 minutes).' }),
  })
  .meta({ id: 'UploadTicket' });

export const bulkDecisions = z
  .strictObject({
    items: z.array(
      z.discriminatedUnion('outcome', [
        z.strictObject({
          requestId: z.string(),
          outcome: z.literal('decided'),
          status: z.string().meta({ description: 'The request’s status after it.' }),
        }),
        z.strictObject({
          requestId: z.string(),
          outcome: z.literal('refused'),
          statusCode: z.int().meta({ description: 'What a single decision would have answered (404, 409, 400; 503: try this one again).' }),
          message: z.string().meta({ description: 'Why, in Korean.' }),
        }),
      ]),
    ),
  })
  .meta({ id: 'BulkDecisions' });

export const commentRecorded = z.strictObject({ requestId: z.string(), event: historyEventView }).meta({ id: 'CommentRecorded' });
