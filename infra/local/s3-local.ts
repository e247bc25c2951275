import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface LocalS3Options {
  /** Where the buckets and objects live; kept across restarts. */
  directory: string;
  /** Created at start if missing; their objects are kept. `cors`: any origin may GET, PUT and HEAD with any header. */
  buckets: { name: string; cors?: boolean }[];
  /** Access key ids the clients sign with (the server refuses one it does not know, as S3 does; secrets are not checked). */
  accessKeyIds?: string[];
  /**
   * The time a presigned URL's expiry is checked against: the clock the URLs are signed on
   * (`signingDate`). The local runtime passes its local clock. Default: the system clock (`Date`).
   */
  now?: () => Date;
}

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL_S3` is set to. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * The S3 CORS rule of a bucket browsers upload to. In AWS the allowed origin is the office portal's
 * (a deploy setting); locally pages are served from anywhere. ETag is exposed so a page can tell
 * what it uploaded.
 */
const ANY_ORIGIN_CORS = [
  '<CORSConfiguration>',
  '<CORSRule>',
  '<AllowedOrigin>*</AllowedOrigin>',
  ...['GET', 'PUT', 'HEAD'].map((method) => `<AllowedMethod>${method}</AllowedMethod>`),
  '<AllowedHeader>*</AllowedHeader>',
  '<ExposeHeader>ETag</ExposeHeader>',
  '</CORSRule>',
  '</CORSConfiguration>',
].join('');

/** Bucket names as S3 takes them (without dots: they would make a virtual-hosted name ambiguous). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * s3rver keeps the access keys it accepts in one registry per process, shared by every instance (the
 * integration tests run several runtimes in one process): a key stays registered while a server
 * started with it runs.
 */
const keyHolders = new Map<string, number>();
/** s3rver's own key (secret `S3RVER`), always there. */
const BUILT_IN_KEY = 'S3RVER';

/**
 * S3 on this machine: s3rver (an S3-protocol server in this process, objects as files under
 * `directory`), so the functions reach it with the same SDK calls and the same presigned URLs as in
 * AWS. The SDK addresses it path-style by itself (`http://127.0.0.1:<port>/<bucket>/<key>`): it
 * never puts a bucket in front of an IP address.
 *
 * What differs from S3, measured with s3rver 3.7.1 (test/unit/s3-local.test.ts):
 * - **Signatures are not verified.** A request or presigned URL signed with a wrong secret, or sent
 *   with headers other than those it signed (a Content-Type the URL did not sign), is served; S3
 *   answers 403 SignatureDoesNotMatch. Only the access key must be one it knows (`accessKeyIds`),
 *   and only the shape and the expiry of a signature are checked.
 * - **Nothing is private**: an unsigned GET of an object is served (the buckets behind the stack
 *   block public access).
 * - Checksums sent with an upload (`x-amz-checksum-*`) are not checked.
 * - Ranges `bytes=a-b` are right (on an empty object: 416 InvalidRange, fixed below); `bytes=0-0`
 *   answers the whole object and a suffix range `bytes=-n` answers the first n + 1 bytes.
 * - Tags sent with an upload (`x-amz-tagging`, signed or not) are dropped: an object has tags only
 *   once PutObjectTagging gives it some.
 *
 * A presigned URL expires as in S3: `X-Amz-Date` + `X-Amz-Expires` against the server's now. s3rver's
 * now is `Date`; given `now` (the local runtime's clock, which the functions sign with and which
 * `installLocalClock` runs apart from `Date`), the URL is checked against that instead (below).
 * Requests signed in their headers (the SDK's own calls) keep s3rver's check against `Date`, which
 * the SDK signs them with.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  for (const bucket of options.buckets)
    if (!BUCKET_NAME.test(bucket.name)) throw new Error(`local S3: ${bucket.name} is not a valid bucket name (3–63 of a-z, 0-9, -)`);
  const directory = resolve(options.directory);
  await mkdir(directory, { recursive: true });
  // Loaded here, not with this module: requiring s3rver (koa, winston, lodash) takes ≈ 0.3 s of CPU,
  // which the runtime spends while DynamoDB Local boots rather than before anything starts.
  const [{ default: S3rver }, { default: accounts }] = await Promise.all([import('s3rver'), import('s3rver/lib/models/account.js')]);
  const { DUMMY_ACCOUNT } = accounts;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    resetOnClose: false,
    // Path-style only: a Host that is not the endpoint's is not taken for a bucket name.
    vhostBuckets: false,
    configureBuckets: options.buckets.map((bucket) => ({ name: bucket.name, configs: bucket.cors ? [ANY_ORIGIN_CORS] : [] })),
  });
  if (options.now) server.middleware.unshift(presignedOnClock(options.now));
  // S3 answers a range on an empty object 416 InvalidRange; s3rver's store takes it for `bytes 0-0/0`
  // and announces one byte it never sends (the client sees the connection cut). Unsatisfiable, as S3 has it.
  const getObject = server.store.getObject.bind(server.store);
  server.store.getObject = async (bucket, key, range) => {
    const object = await getObject(bucket, key, range);
    if (object?.range && object.size === 0 && object.content) {
      object.content.destroy();
      object.content = null;
    }
    return object;
  };
  // A bucket no longer declared with CORS loses the rule an earlier start gave it (`run` creates the
  // buckets and puts the rules of those that have one; objects stay).
  await Promise.all(options.buckets.filter((bucket) => !bucket.cors).map((bucket) => server.store.deleteSubresource(bucket.name, undefined, 'cors')));

  const accessKeyIds = [...new Set(options.accessKeyIds ?? [])];
  for (const id of accessKeyIds) {
    const holders = keyHolders.get(id) ?? 0;
    if (holders === 0 && id !== BUILT_IN_KEY) DUMMY_ACCOUNT.createKeyPair(id, 'not-checked');
    keyHolders.set(id, holders + 1);
  }
  const releaseKeys = () => {
    for (const id of accessKeyIds) {
      const holders = (keyHolders.get(id) ?? 1) - 1;
      if (holders > 0) keyHolders.set(id, holders);
      else {
        keyHolders.delete(id);
        if (id !== BUILT_IN_KEY) DUMMY_ACCOUNT.revokeAccessKey(id);
      }
    }
  };

  let address: Awaited<ReturnType<typeof server.run>>;
  try {
    address = await server.run();
  } catch (error) {
    releaseKeys();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop() {
      stopped ??= (async () => {
        const closing = server.close();
        // Clients keep connections alive (the SDK's agent, fetch): close them rather than wait out their idle timeout.
        server.httpServer?.closeAllConnections();
        try {
          await closing;
        } finally {
          releaseKeys();
        }
      })();
      return stopped;
    },
  };
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');

/**
 * s3rver checks a presigned URL against `Date` (X-Amz-Date + X-Amz-Expires < Date.now() → 403
 * "Request has expired"). This runs first and moves the URL's `X-Amz-Date` by how far `Date` is
 * from `now`, so that check answers what it would against `now`: expired exactly when
 * now > X-Amz-Date + X-Amz-Expires (to the second, never early), with s3rver's own error and CORS
 * headers. Signatures are not verified (above), so the rewritten date breaks nothing.
 */
function presignedOnClock(now: () => Date) {
  return async (context: { query: Record<string, string | string[] | undefined> }, next: () => Promise<void>) => {
    const signed = context.query['X-Amz-Date'];
    const parts = typeof signed === 'string' ? AMZ_DATE.exec(signed) : null;
    if (parts) {
      const [, year, month, day, hour, minute, second] = parts.map(Number);
      const signedAt = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
      const onSystemClock = Math.ceil((signedAt + (Date.now() - now().getTime())) / 1000) * 1000;
      context.query = { ...context.query, 'X-Amz-Date': amzDate(onSystemClock) };
    }
    return next();
  };
}
