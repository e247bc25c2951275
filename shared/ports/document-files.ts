/**
 * Where documents' bytes live (S3 in AWS, an S3-protocol server locally). A file is named by its
 * attachment id only; `sensitive` files (health kinds) are kept apart. The API hands out presigned
 * URLs: bytes never pass through a function except the few first ones it checks.
 */
export interface StoredFile {
  id: string;
  sensitive: boolean;
}

export interface DocumentFiles {
  /** A URL the client PUTs the file to, with the headers it must send; content type and length are bound into it. */
  uploadUrl(
    file: StoredFile & { contentType: string; sizeBytes: number },
    expiresInSeconds: number,
  ): Promise<{ url: string; headers: Record<string, string> }>;
  /** A URL that gives the file, under its original name, for `expiresInSeconds`. */
  downloadUrl(file: StoredFile & { fileName: string; contentType: string }, expiresInSeconds: number): Promise<string>;
  /** The stored size and first `headBytes` bytes, or undefined when nothing was uploaded. */
  inspect(file: StoredFile, headBytes: number): Promise<{ sizeBytes: number; head: Uint8Array } | undefined>;
  /** Marks a file as bound to a request: kept for the kind's retention instead of expiring as an unbound upload. */
  keep(file: StoredFile, retentionYears: number): Promise<void>;
  /** 파기: deletes the file and every earlier version of it; returns how many objects went. Idempotent. */
  destroy(file: StoredFile): Promise<number>;
}

/** RFC 6266 / 5987: an attachment with its original (Korean) name, and an ASCII fallback for old clients. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
