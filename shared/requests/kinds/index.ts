import * as z from 'zod';
import type { ApprovalStatus } from '../request.js';
import { facilityRepair } from './facility-repair.js';
import { healthCheckup } from './health-checkup.js';
import { infertilityTreatment } from './infertility-treatment.js';
import { personnelTransfer } from './personnel-transfer.js';
import { vaccination } from './vaccination.js';
import { vehicleBooking } from './vehicle-booking.js';

/**
 * Every kind the backend accepts: the one list. The stack makes a workflow and the kinds' own routes
 * for each, the API accepts each, finance and the local runtime iterate it. A kind is added here and
 * in its policy block (office-policy.json `kinds[<id>]`), nowhere else (docs/adding-a-kind.md).
 */
export const kinds = {
  [healthCheckup.id]: healthCheckup,
  [infertilityTreatment.id]: infertilityTreatment,
  [personnelTransfer.id]: personnelTransfer,
  [facilityRepair.id]: facilityRepair,
  [vehicleBooking.id]: vehicleBooking,
  [vaccination.id]: vaccination,
};

export type KindId = keyof typeof kinds;
export type AnyKind = (typeof kinds)[KindId];
/** The kinds, in the order people see them listed. */
export const requestKinds: AnyKind[] = Object.values(kinds);
export type KindById<K extends KindId> = Extract<AnyKind, { id: K }>;

/** The stored request of kind `K`; with a union of kinds, the union of their requests (narrowed by `kind`). */
export type RequestOf<K extends KindId> = {
  [P in K]: Omit<z.infer<KindById<P>['requestSchema']>, 'kind' | 'details'> & { kind: P; details: DetailsOf<P> };
}[K];
/** A request of any kind: a union discriminated by `kind`, so a narrowed request's details and state are typed. */
export type ApprovalRequest = RequestOf<KindId>;
export type DetailsOf<K extends KindId> = z.infer<KindById<K>['details']>;
export type RulesOf<K extends KindId> = z.infer<KindById<K>['rules']>;

function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('no request kinds are registered');
  return [first, ...rest];
}

/** The stored request: one schema per kind, told apart by `kind`. */
export const requestSchema = z.discriminatedUnion('kind', nonEmpty(requestKinds.map((kind) => kind.requestSchema)));

/**
 * A request after 파기: its kind's shape, with the personal fields of its details removed (a
 * destroyed enum such as a treatment type has no value left to hold). Read only for items marked
 * `destroyed`; code that handles such a request reads `destroyed` before its details.
 */
export const destroyedRequestSchema = z.discriminatedUnion(
  'kind',
  nonEmpty(
    requestKinds.map((kind) =>
      (kind.requestSchema as unknown as z.ZodObject).extend({ details: (kind.details as unknown as z.ZodObject).partial() }),
    ),
  ),
);

export const kindIds: KindId[] = requestKinds.map((kind) => kind.id);

/** Whether `id` names a kind. */
export const isKindId = (id: string): id is KindId => Object.hasOwn(kinds, id);

/** The kind of `id`, if there is one. */
export const findKind = (id: string): AnyKind | undefined => (isKindId(id) ? kinds[id] : undefined);

/** The kind of a known id. */
export function kindById(id: string): AnyKind {
  const kind = findKind(id);
  if (!kind) throw new Error(`unknown request kind ${id}`);
  return kind;
}

const approvalStatusLabels: Record<ApprovalStatus, string> = {
  'in-review': '결재 진행 중',
  returned: '반려(보완 요청)',
  recalled: '회수(수정 후 재상신)',
  'supplement-requested': '보완 요청',
  approved: '승인',
  rejected: '반려(종결)',
  withdrawn: '철회',
  failed: '처리 중단',
};

const statusLabels = new Map<string, string>(Object.entries(approvalStatusLabels));
for (const kind of requestKinds)
  for (const [status, label] of Object.entries<string>(kind.lifecycle?.statuses ?? {})) statusLabels.set(status, label);

/** The Korean word for a status: the approval's own, or the one its kind's life after approval gives it. */
export const statusLabel = (status: string): string => statusLabels.get(status) ?? status;

/** Every status a request of any kind can have: the approval's, then each kind's life after approval. */
export const requestStatuses = [...statusLabels.keys()] as [string, ...string[]];
