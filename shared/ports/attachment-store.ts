/** Uploaded documents before and after they are bound to a request: the store the attachment use cases depend on. */

/**
 * An upload as declared when its URL was issued: by whom, for which kind, what it claims to be.
 * `requestId` is set once, in the transaction that binds it to a request; an unbound upload
 * expires (and its file is deleted) after the policy's `unboundDays`.
 */
export interface Attachment {
  id: string;
  ownerId: string;
  kind: string;
  documentType: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
  requestId?: string;
  boundAt?: string;
  /** When an unbound upload is forgotten (the table's TTL); removed on binding. */
  expiresAt?: string;
}

/** Binds an upload to a request in the request's own transaction: only if still unbound and the caller's. */
export interface AttachmentBinding {
  id: string;
  ownerId: string;
  requestId: string;
  at: string;
}

export interface AttachmentStore {
  create(attachment: Attachment): Promise<void>;
  get(id: string): Promise<Attachment | undefined>;
}

/** An attachment bound by someone else meanwhile (or not the caller's): the transaction refused it. */
export class AttachmentTakenError extends Error {
  override name = 'AttachmentTakenError';
}
