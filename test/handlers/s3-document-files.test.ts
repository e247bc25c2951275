import { DeleteObjectCommand, ListObjectVersionsCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeS3DocumentFiles } from '../../shared/adapters/s3-document-files.js';

/**
 * 파기 in the document storage: the buckets are versioned in AWS, so a file is gone only when every
 * version and delete marker is. The local S3 server has no versioning (its tests cover the one
 * object); this is the versioned path, against the SDK's commands.
 */
expect.extend(allCustomMatcher);
const s3 = mockClient(S3Client);
const files = makeS3DocumentFiles(
  new S3Client({ region: 'ap-northeast-2' }),
  { documents: 'docs', healthDocuments: 'health' },
  { now: () => new Date() },
);

describe('destroying a document (파기)', () => {
  beforeEach(() => s3.reset());

  it('deletes every version and delete marker of the file, in its kind’s bucket, and nothing under another key', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'documents/A1', VersionId: 'v2' },
        { Key: 'documents/A1', VersionId: 'v1' },
        { Key: 'documents/A10', VersionId: 'other' }, // the prefix also matches another file
      ],
      DeleteMarkers: [{ Key: 'documents/A1', VersionId: 'm1' }],
    });
    s3.on(DeleteObjectCommand).resolves({});
    expect(await files.destroy({ id: 'A1', sensitive: true })).toBe(3);
    const deleted = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input);
    expect(deleted).toEqual([
      { Bucket: 'health', Key: 'documents/A1', VersionId: 'v2' },
      { Bucket: 'health', Key: 'documents/A1', VersionId: 'v1' },
      { Bucket: 'health', Key: 'documents/A1', VersionId: 'm1' },
    ]);
  });

  it('reads every page of versions (S3 lists at most 1,000 at a time) and deletes them all', async () => {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: 'documents/A4',
        NextVersionIdMarker: 'v2',
        Versions: [
          { Key: 'documents/A4', VersionId: 'v3' },
          { Key: 'documents/A4', VersionId: 'v2' },
        ],
      })
      .resolvesOnce({
        IsTruncated: false,
        Versions: [{ Key: 'documents/A4', VersionId: 'v1' }],
        DeleteMarkers: [{ Key: 'documents/A4', VersionId: 'm1' }],
      });
    s3.on(DeleteObjectCommand).resolves({});
    expect(await files.destroy({ id: 'A4', sensitive: true })).toBe(4);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 2, {
      Bucket: 'health',
      Prefix: 'documents/A4',
      KeyMarker: 'documents/A4',
      VersionIdMarker: 'v2',
    });
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.VersionId)).toEqual(['v3', 'v2', 'v1', 'm1']);
  });

  it('where versions cannot be listed (a store without versioning), deletes the object itself; any other failure is thrown', async () => {
    const refusal = (status: number, name: string) =>
      new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
    s3.on(ListObjectVersionsCommand).rejects(refusal(405, 'MethodNotAllowed'));
    s3.on(DeleteObjectCommand).resolves({});
    expect(await files.destroy({ id: 'A2', sensitive: false })).toBe(1);
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: 'docs', Key: 'documents/A2' }]);

    s3.reset();
    s3.on(ListObjectVersionsCommand).rejects(refusal(403, 'AccessDenied'));
    await expect(files.destroy({ id: 'A3', sensitive: false })).rejects.toThrow('AccessDenied');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });
});
