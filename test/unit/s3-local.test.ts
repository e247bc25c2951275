import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../infra/local/s3-local.js';
import { LOCAL_REGION } from '../../infra/local/template.js';
import { installLocalClock, sharedLocalClock, uninstallLocalClock } from '../../shared/adapters/local-clock.js';

const ACCESS_KEY = 's3localtest';
const DOCUMENTS = 'documents-s3-local-test';
const PLAIN = 'plain-s3-local-test';
const KOREAN_DISPOSITION = `attachment; filename="receipt.pdf"; filename*=UTF-8''${encodeURIComponent('영수증 2026-03.pdf')}`;

let directory: string;
let s3: LocalS3;
const clients: S3Client[] = [];
/** A client as the functions make it (shared/adapters/aws/s3-client.ts), pointed at the local server as AWS_ENDPOINT_URL_S3 does. */
const clientFor = (endpoint: string, config: S3ClientConfig = {}) => {
  const client = new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'local' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  });
  clients.push(client);
  return client;
};
let client: S3Client;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 's3-local-'));
  s3 = await startLocalS3({
    directory: join(directory, 's3'),
    buckets: [{ name: DOCUMENTS, cors: true }, { name: PLAIN }],
    accessKeyIds: [ACCESS_KEY],
  });
  client = clientFor(s3.endpoint);
});

afterAll(async () => {
  for (const each of clients) each.destroy();
  await s3?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const bytes = (length: number) => Buffer.from(Array.from({ length }, (_, index) => (index * 7 + 3) % 256));
const xmlCode = (body: string) => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];

describe('local S3 (s3rver) with the real SDK', () => {
  it('is addressed path-style: the SDK puts no bucket in front of an IP address', async () => {
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'a/b.pdf' }));
    expect(url.startsWith(`${s3.endpoint}/${DOCUMENTS}/a/b.pdf?`)).toBe(true);
  });

  it('puts, heads and gets an object, and answers a Range with just those bytes', async () => {
    const body = bytes(100);
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'range/object.bin', Body: body, ContentType: 'application/octet-stream' }));

    const head = await client.send(new HeadObjectCommand({ Bucket: DOCUMENTS, Key: 'range/object.bin' }));
    expect(head.ContentLength).toBe(100);
    expect(head.ContentType).toBe('application/octet-stream');
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}"$/);

    const part = await client.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'range/object.bin', Range: 'bytes=0-15' }));
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe('bytes 0-15/100');
    expect(part.ContentLength).toBe(16);
    expect(Buffer.from((await part.Body?.transformToByteArray()) ?? [])).toEqual(body.subarray(0, 16));

    const whole = await client.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'range/object.bin' }));
    expect(Buffer.from((await whole.Body?.transformToByteArray()) ?? [])).toEqual(body);
  });

  it('keeps object tags', async () => {
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'tagged.pdf', Body: 'x' }));
    const TagSet = [
      { Key: 'status', Value: 'pending-scan' },
      { Key: 'kind', Value: '영수증' },
    ];
    await client.send(new PutObjectTaggingCommand({ Bucket: DOCUMENTS, Key: 'tagged.pdf', Tagging: { TagSet } }));
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: DOCUMENTS, Key: 'tagged.pdf' }));
    expect(tags.TagSet).toEqual(TagSet);
  });

  it('takes an upload to a presigned PUT that signs its Content-Type, and serves a presigned GET with a Korean Content-Disposition', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), bytes(2000)]);
    const putUrl = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'uploads/receipt.pdf', ContentType: 'application/pdf' }),
      {
        expiresIn: 300,
        // Without it the SDK leaves Content-Type out of the signature (SignedHeaders=host).
        signableHeaders: new Set(['content-type']),
      },
    );
    const signed = new URL(putUrl).searchParams;
    expect(signed.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(signed.get('X-Amz-Expires')).toBe('300');
    expect([...signed.keys()].filter((name) => name.toLowerCase().startsWith('x-amz-checksum'))).toEqual([]);

    const upload = await fetch(putUrl, { method: 'PUT', body: pdf, headers: { 'content-type': 'application/pdf' } });
    expect(upload.status).toBe(200);
    expect(upload.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: DOCUMENTS, Key: 'uploads/receipt.pdf' }));
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentLength).toBe(pdf.length);

    const getUrl = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'uploads/receipt.pdf', ResponseContentDisposition: KOREAN_DISPOSITION }),
      { expiresIn: 300 },
    );
    const download = await fetch(getUrl);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(KOREAN_DISPOSITION);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
  });

  it("shows why the functions' client checksums only when required: by default a presigned PUT carries the CRC32 of an empty body (S3 refuses the upload; s3rver does not check)", async () => {
    const byDefault = clientFor(s3.endpoint, { requestChecksumCalculation: 'WHEN_SUPPORTED', responseChecksumValidation: 'WHEN_SUPPORTED' });
    const url = new URL(await getSignedUrl(byDefault, new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'uploads/default.pdf' })));
    expect(url.searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    const upload = await fetch(url, { method: 'PUT', body: 'not empty' });
    expect(upload.status).toBe(200);
  });

  it('refuses an expired presigned URL with 403 AccessDenied', async () => {
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'expiring.pdf', Body: 'x' }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'expiring.pdf' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 61_000),
    });
    const refused = await fetch(url);
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(xmlCode(body)).toBe('AccessDenied');
    expect(body).toContain('<Message>Request has expired</Message>');
  });

  it('checks expiry against Date by default, the clock the SDK signs with unless given a signingDate', async () => {
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'moving.pdf', Body: 'x' }));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const signedAt = new Date('2026-03-02T09:00:00+09:00');
      vi.setSystemTime(signedAt);
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'moving.pdf' }), { expiresIn: 60 });
      expect(new URL(url).searchParams.get('X-Amz-Date')).toBe('20260302T000000Z');

      vi.setSystemTime(signedAt.getTime() + 59_000);
      expect((await fetch(url)).status).toBe(200);
      vi.setSystemTime(signedAt.getTime() + 61_000);
      const refused = await fetch(url);
      expect(refused.status).toBe(403);
      expect(xmlCode(await refused.text())).toBe('AccessDenied');
    } finally {
      vi.useRealTimers();
    }
  });

  it('checks expiry against the clock it is given: the local clock, which the functions sign with and which runs apart from Date', async () => {
    const onClock = await startLocalS3({
      directory: join(directory, 'on-clock'),
      buckets: [{ name: DOCUMENTS }],
      accessKeyIds: [ACCESS_KEY],
      now: () => sharedLocalClock().now(),
    });
    // As the runtime has it: the clock a day ahead of Date (a demo moved it on).
    const clock = installLocalClock({ speed: 1, startAt: new Date(Date.now() + 24 * 60 * 60_000) });
    try {
      const local = clientFor(onClock.endpoint);
      await local.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'on-clock.pdf', Body: 'x' }));
      const signedOnClock = (expiresIn: number) =>
        getSignedUrl(local, new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'on-clock.pdf' }), { expiresIn, signingDate: clock.now() });

      const url = await signedOnClock(60);
      expect((await fetch(url)).status).toBe(200);
      // X-Amz-Date is in whole seconds (as in S3, a URL may live up to a second less than asked): 58 s, not 59.
      clock.advance(58_000);
      expect((await fetch(url)).status).toBe(200);
      clock.advance(3_000);
      const refused = await fetch(url);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('<Message>Request has expired</Message>');
      // Date has not moved: to s3rver alone that URL was signed tomorrow, and served. One just signed is.
      expect((await fetch(await signedOnClock(60))).status).toBe(200);
      // Header-signed calls (the SDK's own, signed with Date) are still checked against Date.
      await expect(local.send(new HeadObjectCommand({ Bucket: DOCUMENTS, Key: 'on-clock.pdf' }))).resolves.toMatchObject({ ContentLength: 1 });
    } finally {
      uninstallLocalClock(clock);
      await onClock.stop();
    }
  });

  it('answers a CORS preflight for an upload from any origin on a bucket with CORS, and refuses one on a bucket without', async () => {
    const preflight = (bucket: string) =>
      fetch(`${s3.endpoint}/${bucket}/uploads/receipt.pdf`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://portal.example.go.kr',
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(DOCUMENTS);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('*');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, PUT, HEAD');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');

    const download = await fetch(await getSignedUrl(client, new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'uploads/receipt.pdf' })), {
      headers: { origin: 'https://portal.example.go.kr' },
    });
    expect(download.headers.get('access-control-allow-origin')).toBe('*');
    expect(download.headers.get('access-control-expose-headers')).toBe('ETag');

    const refused = await preflight(PLAIN);
    expect(refused.status).toBe(403);
    expect(xmlCode(await refused.text())).toBe('CORSResponse');
  });

  it('does not do all S3 does: signatures, privacy, odd ranges, tags sent with an upload (documented in s3-local.ts)', async () => {
    const body = bytes(40);
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'unchecked.bin', Body: body }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'unchecked.bin' }));
    // S3: 403 SignatureDoesNotMatch.
    expect((await fetch(url.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${'0'.repeat(64)}`))).status).toBe(200);
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'unchecked.pdf', ContentType: 'application/pdf' }), {
      signableHeaders: new Set(['content-type']),
    });
    expect((await fetch(putUrl, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/html' } })).status).toBe(200);
    // S3: 403 AccessDenied (the stack's buckets block public access).
    expect((await fetch(`${s3.endpoint}/${DOCUMENTS}/unchecked.bin`)).status).toBe(200);
    // S3: the first byte, and the last n bytes.
    const range = async (Range: string) =>
      Buffer.from(
        (await (await client.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'unchecked.bin', Range }))).Body?.transformToByteArray()) ?? [],
      );
    expect(await range('bytes=0-0')).toEqual(body);
    expect(await range('bytes=-4')).toEqual(body.subarray(0, 5));
    // S3: the object is tagged state=unbound.
    const tagged = await getSignedUrl(client, new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'tag-on-put.pdf', Tagging: 'state=unbound' }), {
      unhoistableHeaders: new Set(['x-amz-tagging']),
    });
    expect((await fetch(tagged, { method: 'PUT', body: 'x', headers: { 'x-amz-tagging': 'state=unbound' } })).status).toBe(200);
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: DOCUMENTS, Key: 'tag-on-put.pdf' }))).TagSet).toEqual([]);
  });

  it('answers a range on an empty object with 416 InvalidRange, as S3 does', async () => {
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'empty.pdf', Body: new Uint8Array() }));
    await expect(client.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'empty.pdf', Range: 'bytes=0-15' }))).rejects.toMatchObject({
      name: 'InvalidRange',
      $metadata: { httpStatusCode: 416 },
    });
    // A range beyond a short object's end answers what there is, with the object's size after the slash.
    await client.send(new PutObjectCommand({ Bucket: DOCUMENTS, Key: 'short.pdf', Body: bytes(5) }));
    const short = await client.send(new GetObjectCommand({ Bucket: DOCUMENTS, Key: 'short.pdf', Range: 'bytes=0-15' }));
    expect(short.ContentRange).toBe('bytes 0-4/5');
    expect(Buffer.from((await short.Body?.transformToByteArray()) ?? [])).toEqual(bytes(5));
  });

  it('refuses an access key it was not given, as S3 does', async () => {
    const stranger = clientFor(s3.endpoint, { credentials: { accessKeyId: 'unknownkey', secretAccessKey: 'x' } });
    await expect(stranger.send(new HeadObjectCommand({ Bucket: DOCUMENTS, Key: 'tagged.pdf' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('keeps buckets and objects across restarts on the same directory, with the CORS rules each start declares', async () => {
    const restartDir = join(directory, 'restart');
    const buckets = [{ name: DOCUMENTS, cors: true }, { name: PLAIN }];
    const first = await startLocalS3({ directory: restartDir, buckets, accessKeyIds: [ACCESS_KEY] });
    const body = bytes(64);
    try {
      await clientFor(first.endpoint).send(new PutObjectCommand({ Bucket: PLAIN, Key: '2026-03/report.csv', Body: body, ContentType: 'text/csv' }));
    } finally {
      await first.stop();
    }

    const second = await startLocalS3({ directory: restartDir, buckets, accessKeyIds: [ACCESS_KEY] });
    try {
      const again = clientFor(second.endpoint);
      const object = await again.send(new GetObjectCommand({ Bucket: PLAIN, Key: '2026-03/report.csv' }));
      expect(object.ContentType).toBe('text/csv');
      expect(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toEqual(body);
      const preflight = await fetch(`${second.endpoint}/${DOCUMENTS}/x.pdf`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
      });
      expect(preflight.status).toBe(200);
    } finally {
      await second.stop();
    }

    // Declared without CORS now: the rule an earlier start gave the bucket goes, its objects stay.
    const third = await startLocalS3({ directory: restartDir, buckets: [{ name: DOCUMENTS }, { name: PLAIN }], accessKeyIds: [ACCESS_KEY] });
    try {
      const preflight = await fetch(`${third.endpoint}/${DOCUMENTS}/x.pdf`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
      });
      expect(preflight.status).toBe(403);
      const head = await clientFor(third.endpoint).send(new HeadObjectCommand({ Bucket: PLAIN, Key: '2026-03/report.csv' }));
      expect(head.ContentLength).toBe(64);
    } finally {
      await third.stop();
    }
  });

  it('refuses a bucket name S3 would refuse', async () => {
    await expect(startLocalS3({ directory: join(directory, 'invalid'), buckets: [{ name: 'Reports_Bucket' }] })).rejects.toThrow(
      /not a valid bucket name/,
    );
  });
});
