/**
 * The part of s3rver 3.7.1 (no bundled types) that `s3-local.ts` uses. Nothing else imports s3rver:
 * the rest of the project sees `startLocalS3` only.
 */
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    /** 0: any free port; `run()` answers the bound address. */
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    /** Created (or kept, with their objects) by `run()`; `configs` are raw XML (CORSConfiguration, WebsiteConfiguration). */
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** An object as the store reads it: `range` set when one was asked for, `content` null when it cannot be satisfied. */
  interface S3rverObject {
    readonly size: number;
    content: (NodeJS.ReadableStream & { destroy(): void }) | null;
    range?: { start: number; end: number };
  }

  /** The filesystem store under `directory` (one per server). */
  interface S3rverStore {
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<S3rverObject | null>;
    deleteSubresource(bucket: string, key: undefined, type: 'cors' | 'website'): Promise<void>;
  }

  /** The little of a Koa context `s3-local.ts` touches. */
  interface S3rverContext {
    /** The parsed query string; assigning it rewrites the query the rest of s3rver sees. */
    query: Record<string, string | string[] | undefined>;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Koa's middleware list (s3rver is a Koa app): composed when `run()` starts listening, first entry first. */
    middleware: ((context: S3rverContext, next: () => Promise<void>) => Promise<void>)[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Set by `run()`. */
    httpServer?: Server;
    store: S3rverStore;
  }
  export default S3rver;
}

declare module 's3rver/lib/models/account.js' {
  interface AWSAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
  }
  /** The module is the AWSAccount class (CommonJS); its `DUMMY_ACCOUNT` is the one account s3rver knows. */
  const accounts: {
    /** A request signed with an access key this account has no pair for is refused (InvalidAccessKeyId). */
    DUMMY_ACCOUNT: AWSAccount;
  };
  export default accounts;
}
