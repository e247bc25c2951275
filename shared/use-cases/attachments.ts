import * as z from 'zod';
import type { Directory, Person } from '../directory/directory.js';
import { documentLabel } from '../documents/document-labels.js';
import { countIssues, type DocumentCase, missingDocuments, uploadIssues } from '../documents/document-policy.js';
import { SNIFF_BYTES, sniffContentType } from '../documents/file-types.js';
import { type FieldIssue, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../kernel/errors.js';
import { invalidInput, parseOrThrow } from '../kernel/validation.js';
import { kindPolicyFor } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import { type Attachment, type AttachmentBinding, type AttachmentStore, AttachmentTakenError } from '../ports/attachment-store.js';
import type { DocumentFiles } from '../ports/document-files.js';
import type { Mailer } from '../ports/messaging.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { type ApprovalRequest, findKind, kindById, kindIds } from '../requests/kinds/index.js';
import { type AttachmentRef, waitingSteps } from '../requests/request.js';
import { documentsAdded } from '../requests/round-transitions.js';
import { retryOnConcurrentChange } from './concurrent-change.js';
import { auditPurposeQuery, readFor } from './read-requests.js';
import { emailNotice } from './request-notices.js';
import { type RequestView, requestView } from './request-view.js';

/**
 * The documents a claim rests on (붙임): an upload URL is issued for a declared file, the client
 * PUTs the bytes straight to the document storage, and a submission (or revision, or an addition)
 * names the uploads it binds. Binding checks what was uploaded against what was declared — size,
 * and the bytes' own type — and the kind's policy (how many, which are required), then binds in
 * the request's own transaction.
 */

export const attachmentIdSchema = z.string().regex(/^A[0-9A-Z]{26}$/, { error: '첨부 파일 ID 형식이 올바르지 않습니다' });

/** The ids a body binds: distinct, at most the policy's per-request limit (checked again with the request's own). */
export const attachmentIdsSchema = z
  .array(attachmentIdSchema, { error: 'attachments는 첨부 파일 ID의 배열이어야 합니다' })
  .max(100, { error: '첨부 파일이 너무 많습니다' })
  .refine((ids) => new Set(ids).size === ids.length, { error: '같은 첨부 파일이 두 번 들어 있습니다' });

// A name people gave the file: kept as given (Korean included), but no path and no control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL_OR_PATH = /[\u0000-\u001f\u007f/\\]/;

export const uploadBody = z
  .object({
    kind: z.enum(kindIds, { error: `요청 종류(kind)는 다음 중 하나여야 합니다: ${kindIds.join(', ')}` }),
    documentType: z.string({ error: '서류 종류(documentType)를 입력하세요' }).min(1, { error: '서류 종류(documentType)를 입력하세요' }).max(60),
    fileName: z
      .string({ error: '파일 이름(fileName)을 입력하세요' })
      .min(1, { error: '파일 이름(fileName)을 입력하세요' })
      .max(200, { error: '파일 이름(fileName)은 200자 이내여야 합니다' })
      .refine((name) => !CONTROL_OR_PATH.test(name) && name.trim() === name && name !== '.' && name !== '..', {
        error: '파일 이름(fileName)에 경로나 제어 문자를 쓸 수 없습니다',
      }),
    contentType: z.string({ error: '파일 형식(contentType)을 입력하세요' }).max(100),
    sizeBytes: z
      .int({ error: '파일 크기(sizeBytes)는 바이트 단위 정수여야 합니다' })
      .min(1, { error: '빈 파일은 올릴 수 없습니다' })
      .max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export interface AttachmentDeps {
  attachments: AttachmentStore;
  files: DocumentFiles;
  directory: Directory;
  clock: Clock;
  policy: OfficePolicy;
}

const sensitiveKind = (kind: string) => findKind(kind)?.privacy.sensitive === true;

/**
 * `POST /attachments`. Primary course:
 * 1. Check the declared file against the policy (type of document for the kind, content type, size).
 * 2. Record the upload (unbound, forgotten after the policy's days) and sign a PUT URL bound to its type and length.
 */
export function makeCreateAttachment(deps: AttachmentDeps & { newId: () => string }) {
  const { attachments, files, directory, clock, policy, newId } = deps;
  return async function createAttachment(input: { callerId: string; body: unknown }) {
    const body = parseOrThrow(uploadBody, input.body);
    const issues = uploadIssues(policy.documents, kindPolicyFor(policy, body.kind).documents, body);
    if (issues.length) throw invalidInput(issues);
    if (!(await directory.person(input.callerId))) throw new ForbiddenError('직원 명부에 없는 사용자입니다. 총무과 인사팀에 문의하세요.');
    const now = clock.now();
    const attachment: Attachment = {
      id: newId(),
      ownerId: input.callerId,
      ...body,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + policy.documents.unboundDays * 86_400_000).toISOString(),
    };
    await attachments.create(attachment);
    const expiresInSeconds = policy.documents.uploadUrlMinutes * 60;
    const upload = await files.uploadUrl(
      { id: attachment.id, sensitive: sensitiveKind(body.kind), contentType: body.contentType, sizeBytes: body.sizeBytes },
      expiresInSeconds,
    );
    return {
      attachmentId: attachment.id,
      upload: { method: 'PUT' as const, url: upload.url, headers: upload.headers },
      expiresAt: new Date(now.getTime() + expiresInSeconds * 1000).toISOString(),
    };
  };
}

/** Uploads checked and ready to bind: what the request will list, the transaction's bindings, and the files to keep. */
export interface PreparedAttachments {
  refs: AttachmentRef[];
  bindings: AttachmentBinding[];
  /** Re-tags the files as bound (before the transaction: a file never expires under a bound request). */
  keep(): Promise<void>;
}

/**
 * Checks the uploads `ids` for a request of `kind` being submitted, revised or added to by `uploader`:
 * each the uploader's, for this kind, unbound, uploaded as declared (size, and bytes of the declared
 * type), of a document type attached at this point (`at`: the submission, or a step input such as a
 * repair's triage), and within the policy's counts together with what the request already holds.
 * Every problem is a 400 naming the field (`attachments[i]`).
 */
export async function prepareAttachments(
  deps: Pick<AttachmentDeps, 'attachments' | 'files' | 'policy'>,
  input: {
    kind: string;
    ids: readonly string[];
    uploader: Pick<Person, 'id' | 'name'>;
    requestId: string;
    round: number;
    at: string;
    existing?: readonly AttachmentRef[];
    /** Which documents may be attached here: the submission's (undefined) or those of a step input. */
    attachedAt?: string;
    field?: string;
  },
): Promise<PreparedAttachments> {
  const { attachments, files, policy } = deps;
  const field = input.field ?? 'attachments';
  const documents = kindPolicyFor(policy, input.kind).documents;
  const sensitive = sensitiveKind(input.kind);
  const issues: FieldIssue[] = [];
  const found = await Promise.all(input.ids.map((id) => attachments.get(id)));
  const ready: Attachment[] = [];
  await Promise.all(
    input.ids.map(async (id, i) => {
      const path = `${field}[${i}]`;
      const attachment = found[i];
      if (!attachment || attachment.ownerId !== input.uploader.id) {
        issues.push({ path, message: `첨부 파일 ${id}을(를) 찾을 수 없습니다 (본인이 올린 파일만 첨부할 수 있습니다)` });
        return;
      }
      if (attachment.requestId !== undefined) {
        issues.push({ path, message: `이미 요청 ${attachment.requestId}에 첨부된 파일입니다` });
        return;
      }
      if (attachment.kind !== input.kind) {
        issues.push({ path, message: `${kindById(attachment.kind).label} 요청용으로 올린 파일입니다` });
        return;
      }
      const type = documents.types[attachment.documentType];
      if (!type || type.attachedAt !== input.attachedAt) {
        issues.push({ path, message: `${type?.label ?? attachment.documentType}은(는) 여기에서 첨부하는 서류가 아닙니다` });
        return;
      }
      const stored = await files.inspect({ id, sensitive }, SNIFF_BYTES);
      if (!stored) {
        issues.push({ path, message: '파일이 아직 업로드되지 않았습니다. 업로드 URL로 먼저 올리세요' });
        return;
      }
      if (stored.sizeBytes !== attachment.sizeBytes) {
        issues.push({ path, message: `올린 파일의 크기(${stored.sizeBytes}바이트)가 신고한 크기(${attachment.sizeBytes}바이트)와 다릅니다` });
        return;
      }
      const actual = sniffContentType(stored.head);
      if (actual !== attachment.contentType) {
        const declared =
          policy.documents.contentTypes[attachment.contentType as keyof typeof policy.documents.contentTypes] ?? attachment.contentType;
        issues.push({ path, message: `파일 내용이 신고한 형식(${declared})이 아닙니다` });
        return;
      }
      ready.push(attachment);
    }),
  );
  if (issues.length) throw invalidInput(issues.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })));
  const ordered = input.ids.flatMap((id) => ready.filter((attachment) => attachment.id === id));
  const counted = countIssues(
    policy.documents,
    documents,
    [...(input.existing ?? []), ...ordered].map((attachment) => attachment.documentType),
  );
  if (counted.length)
    throw new ValidationError(
      `첨부 파일이 너무 많습니다 — ${counted.join('; ')}`,
      counted.map((message) => ({ path: field, message })),
    );
  const retentionYears = kindPolicyFor(policy, input.kind).retentionYears;
  return {
    refs: ordered.map((attachment) => ({
      id: attachment.id,
      documentType: attachment.documentType,
      fileName: attachment.fileName,
      contentType: attachment.contentType,
      sizeBytes: attachment.sizeBytes,
      uploadedAt: attachment.createdAt,
      uploadedBy: input.uploader.id,
      uploadedByName: input.uploader.name,
      addedAt: input.at,
      round: input.round,
    })),
    bindings: ordered.map((attachment) => ({ id: attachment.id, ownerId: input.uploader.id, requestId: input.requestId, at: input.at })),
    keep: async () => {
      await Promise.all(ordered.map((attachment) => files.keep({ id: attachment.id, sensitive }, retentionYears)));
    },
  };
}

/** 400 naming the missing 서류 when the kind's required documents are not all among `attached`. */
export function requireDocuments(policy: OfficePolicy, kind: string, attached: readonly AttachmentRef[], situation: DocumentCase): void {
  const missing = missingDocuments(
    kindPolicyFor(policy, kind).documents,
    attached.map((attachment) => attachment.documentType),
    situation,
  );
  if (missing.length) {
    throw new ValidationError(
      `필요한 서류가 첨부되지 않았습니다: ${missing.join(', ')}`,
      missing.map((names) => ({ path: 'attachments', message: `${names}을(를) 첨부하세요` })),
    );
  }
}

/**
 * `GET /requests/{id}/attachments/{attachmentId}`: for those who may read the request (others get
 * 404, as for the request) and auditors (a health kind's only with `?purpose=`); a read by anyone
 * but the requester is recorded, naming the document, before the short-lived download URL is signed.
 */
export function makeOpenAttachment(deps: { requests: RequestStore; directory: Directory; clock: Clock; files: DocumentFiles; policy: OfficePolicy }) {
  return async function openAttachment(input: {
    callerId: string;
    requestId: string;
    attachmentId: string;
    query?: unknown;
  }): Promise<{ location: string }> {
    const { purpose } = parseOrThrow(auditPurposeQuery, input.query ?? {});
    let attachment: AttachmentRef | undefined;
    const request = await readFor(deps, input.callerId, input.requestId, {
      target: 'attachment',
      purpose,
      attachment: (found) => {
        attachment = found.attachments?.find((candidate) => candidate.id === input.attachmentId);
        if (!attachment) throw new NotFoundError(`요청 ${input.requestId}에 첨부 파일 ${input.attachmentId}이(가) 없습니다.`);
        if (found.destroyed?.documents) throw new NotFoundError(`보존기간이 지나 파기된 서류입니다 (${found.destroyed.at.slice(0, 10)}).`);
        return { attachmentId: attachment.id, documentType: attachment.documentType };
      },
    });
    if (!attachment) throw new NotFoundError(`요청 ${input.requestId}에 첨부 파일 ${input.attachmentId}이(가) 없습니다.`);
    const location = await deps.files.downloadUrl(
      { id: attachment.id, sensitive: sensitiveKind(request.kind), fileName: attachment.fileName, contentType: attachment.contentType },
      deps.policy.documents.downloadUrlMinutes * 60,
    );
    return { location };
  };
}

const addBody = z.strictObject({ attachments: attachmentIdsSchema.min(1, { error: '추가할 첨부 파일을 하나 이상 지정하세요' }) });

/**
 * `POST /requests/{id}/attachments`. Primary course:
 * 1. Only the requester, only while the request is in review or returned.
 * 2. Check the uploads as a submission does, with what the request already holds counted.
 * 3. Bind them and record `documents-added` in one transaction (re-read and retried if the request moved meanwhile).
 * 4. Tell the holders of the waiting steps by email — for health kinds without document names.
 */
export function makeAddAttachments(
  deps: AttachmentDeps & { requests: RequestStore; mailer: Mailer; log: (message: string, fields: Record<string, unknown>) => void },
) {
  const { requests, directory, clock } = deps;
  return async function addAttachments(input: { callerId: string; requestId: string; body: unknown }): Promise<RequestView> {
    const { attachments: ids } = parseOrThrow(addBody, input.body);
    const { request, added } = await retryOnConcurrentChange(async () => {
      const current = await requests.get(input.requestId);
      if (!current || current.requesterId !== input.callerId) throw new NotFoundError(`요청 ${input.requestId}을(를) 찾을 수 없습니다.`);
      if (current.status !== 'in-review' && current.status !== 'returned' && current.status !== 'recalled') {
        throw new InvalidStateError('결재 중이거나 반려·회수된 요청에만 서류를 추가할 수 있습니다.');
      }
      const requester = await directory.person(input.callerId);
      const at = clock.now().toISOString();
      const documents = await prepareAttachments(deps, {
        kind: current.kind,
        ids,
        uploader: { id: input.callerId, name: requester?.name ?? current.requesterName },
        requestId: current.id,
        round: current.round,
        at,
        existing: current.attachments,
      });
      await documents.keep();
      const next = documentsAdded(current, { attachments: documents.refs, at, actor: { id: input.callerId, name: current.requesterName } });
      try {
        await requests.save(changeOf(current, next, { attachments: documents.bindings }));
      } catch (error) {
        if (error instanceof AttachmentTakenError)
          throw new ValidationError('첨부 파일 중 방금 다른 요청에 첨부된 것이 있습니다.', [
            { path: 'attachments', message: '이미 다른 요청에 첨부된 파일입니다' },
          ]);
        throw error;
      }
      return { request: next.request, added: documents.refs };
    });
    await tellHolders(request, added);
    return requestView(request);
  };

  function tellHolders(request: ApprovalRequest, added: AttachmentRef[]) {
    return emailNotice(
      deps,
      request,
      waitingSteps(request).map((step) => step.approverId),
      (sensitive) => ({
        subject: '[서류 추가]',
        intro: `${request.requesterName}님이 결재 중인 요청에 서류 ${added.length}건을 추가했습니다.`,
        // Health kinds: not even the documents' types (a 난임 진단서 says what the request is about).
        lines: sensitive
          ? []
          : added.map((attachment): [string, string] => [documentLabel(request.kind, attachment.documentType), attachment.fileName]),
        next: '결재 링크 페이지나 API(GET /requests/{id})에서 서류를 확인하세요.',
      }),
    );
  }
}

/**
 * What decides which of a kind's documents are required: the details, and — read only when a
 * requirement depends on it — whether the person has no earlier claim in the kind's first ledger
 * for the period (`requestId`, a revised request, does not count against itself).
 */
export async function documentCase(
  deps: { requests: Pick<RequestStore, 'ledgerUsage'>; policy: OfficePolicy },
  input: { kind: string; details: Record<string, unknown>; personId: string; ledgerKey?: string; requestId?: string },
): Promise<DocumentCase> {
  const asksFirstClaim = kindPolicyFor(deps.policy, input.kind).documents.required.some(
    (requirement) => requirement.when && 'firstClaimOfPeriod' in requirement.when,
  );
  if (!asksFirstClaim || input.ledgerKey === undefined) return { details: input.details, firstClaimOfPeriod: true };
  const { requestIds } = await deps.requests.ledgerUsage(input.personId, input.ledgerKey);
  return { details: input.details, firstClaimOfPeriod: requestIds.every((id) => id === input.requestId) };
}
