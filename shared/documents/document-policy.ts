import * as z from 'zod';
import { CONTENT_TYPES, type ContentType } from './file-types.js';

/**
 * The documents claims rest on, as policy data: what a file may be (size, types, how long an upload
 * URL lives) for every kind, and per kind which documents exist, how many of each, and which are
 * required in which cases. Pure data and pure functions; no kind is named here.
 */

/** The limits every upload meets, whatever the kind (office-policy.json `documents`). */
export const documentLimitsSchema = z.object({
  maxFileBytes: z.int().positive(),
  maxFilesPerRequest: z.int().positive(),
  /** The accepted types, each with the Korean (or common) name people read in messages. */
  contentTypes: z.record(z.enum(CONTENT_TYPES), z.string().min(1)),
  /** How long a presigned upload URL is valid (at most 15 minutes). */
  uploadUrlMinutes: z.int().positive().max(15),
  /** How long a presigned download URL is valid (at most 5 minutes). */
  downloadUrlMinutes: z.int().positive().max(5),
  /** An upload never bound to a request is deleted after this many days. */
  unboundDays: z.int().positive(),
});
export type DocumentLimits = z.infer<typeof documentLimitsSchema>;

/**
 * A case in which a requirement applies: a detail of the submission among values (a transfer's
 * exception ground that needs proof), or the person's first claim of the kind in its period
 * (the infertility diagnosis, once a year).
 */
const whenSchema = z.union([
  z.object({ detail: z.string().min(1), in: z.array(z.string()).min(1) }).strict(),
  z.object({ firstClaimOfPeriod: z.literal(true) }).strict(),
]);

const documentTypeSchema = z
  .object({
    /** The Korean name people read (영수증). */
    label: z.string().min(1),
    /** At most this many files of the type on one request. */
    maxFiles: z.int().positive(),
    /** Who attaches it: the requester (default), or the holder of the named step input (a repair's quotes, at triage). */
    attachedAt: z.string().min(1).optional(),
  })
  .strict();

export const kindDocumentsSchema = z
  .object({
    types: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), documentTypeSchema),
    /** Each requirement is met by at least one file of any of its types. */
    required: z.array(z.object({ anyOf: z.array(z.string()).min(1), when: whenSchema.optional() }).strict()),
  })
  .strict()
  .superRefine((documents, ctx) => {
    for (const [i, requirement] of documents.required.entries()) {
      for (const [j, type] of requirement.anyOf.entries()) {
        const path = ['required', i, 'anyOf', j];
        if (!Object.hasOwn(documents.types, type)) ctx.addIssue({ code: 'custom', path, message: `unknown document type ${type}` });
        else if (documents.types[type]?.attachedAt)
          ctx.addIssue({ code: 'custom', path, message: `${type} is attached at a step, not with the submission` });
      }
    }
  });
export type KindDocuments = z.infer<typeof kindDocumentsSchema>;
export type Requirement = KindDocuments['required'][number];

/** What decides which requirements apply to a submission. */
export interface DocumentCase {
  details: Record<string, unknown>;
  /** No earlier claim of the person holds a place in the kind's ledger for this period. */
  firstClaimOfPeriod: boolean;
}

const applies = (requirement: Requirement, situation: DocumentCase) => {
  const when = requirement.when;
  if (!when) return true;
  if ('firstClaimOfPeriod' in when) return situation.firstClaimOfPeriod;
  const value = situation.details[when.detail];
  return typeof value === 'string' && when.in.includes(value);
};

/** The requirements that apply and that the attached types do not meet, each as its Korean names ("영수증 또는 예방접종 증명서"). */
export function missingDocuments(documents: KindDocuments, attachedTypes: readonly string[], situation: DocumentCase): string[] {
  const attached = new Set(attachedTypes);
  return documents.required
    .filter((requirement) => applies(requirement, situation) && !requirement.anyOf.some((type) => attached.has(type)))
    .map((requirement) => requirement.anyOf.map((type) => documents.types[type]?.label ?? type).join(' 또는 '));
}

/** What is wrong with a file before it is uploaded: field and Korean message, or nothing. */
export function uploadIssues(
  limits: DocumentLimits,
  documents: KindDocuments,
  file: { documentType: string; contentType: string; sizeBytes: number },
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const types = Object.entries(documents.types);
  if (!Object.hasOwn(documents.types, file.documentType)) {
    issues.push({
      path: 'documentType',
      message: types.length
        ? `서류 종류는 다음 중 하나여야 합니다: ${types.map(([id, type]) => `${id}(${type.label})`).join(', ')}`
        : '이 요청 종류에는 첨부할 서류가 없습니다',
    });
  }
  if (!Object.hasOwn(limits.contentTypes, file.contentType)) {
    issues.push({ path: 'contentType', message: `파일 형식은 ${Object.values(limits.contentTypes).join(', ')} 중 하나여야 합니다` });
  }
  if (file.sizeBytes > limits.maxFileBytes) {
    issues.push({ path: 'sizeBytes', message: `파일 크기는 ${formatBytes(limits.maxFileBytes)} 이하여야 합니다` });
  }
  return issues;
}

/** What is wrong with the set of files a request would hold: too many in all, or of one type. */
export function countIssues(limits: DocumentLimits, documents: KindDocuments, types: readonly string[]): string[] {
  const issues: string[] = [];
  if (types.length > limits.maxFilesPerRequest) issues.push(`첨부 파일은 요청당 ${limits.maxFilesPerRequest}개까지입니다 (${types.length}개)`);
  for (const [id, type] of Object.entries(documents.types)) {
    const count = types.filter((candidate) => candidate === id).length;
    if (count > type.maxFiles) issues.push(`${type.label}은(는) ${type.maxFiles}개까지 첨부할 수 있습니다 (${count}개)`);
  }
  return issues;
}

export const isAcceptedContentType = (limits: DocumentLimits, type: string): type is ContentType => Object.hasOwn(limits.contentTypes, type);

/** 10 MB, 512 KB: a size as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
