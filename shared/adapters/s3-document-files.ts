import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition, type DocumentFiles, type StoredFile } from '../ports/document-files.js';
import type { Clock } from '../ports/system.js';

/**
 * Documents in S3: health kinds' files in their own bucket. Keys are `documents/<attachment id>`:
 * random, carrying no name and no health data. New uploads are tagged `state=unbound` (the
 * bucket's lifecycle deletes them after a day); a bound file is re-tagged with its retention.
 */
export function makeS3DocumentFiles(s3: S3Client, buckets: { documents: string; healthDocuments: string }, clock: Clock): DocumentFiles {
  const where = (file: StoredFile) => ({ Bucket: file.sensitive ? buckets.healthDocuments : buckets.documents, Key: `documents/${file.id}` });
  return {
    async uploadUrl(file, expiresIn) {
      const command = new PutObjectCommand({
        ...where(file),
        ContentType: file.contentType,
        ContentLength: file.sizeBytes,
        Tagging: 'state=unbound',
      });
      // Content type, length and tagging are signed: S3 refuses a PUT that sends others.
      const url = await getSignedUrl(s3, command, {
        expiresIn,
        // Valid from the application's now (the local runtime's clock, which the local S3 checks expiry against).
        signingDate: clock.now(),
        signableHeaders: new Set(['content-type', 'content-length']),
        unhoistableHeaders: new Set(['x-amz-tagging']),
      });
      return { url, headers: { 'Content-Type': file.contentType, 'x-amz-tagging': 'state=unbound' } };
    },
    async downloadUrl(file, expiresIn) {
      const command = new GetObjectCommand({
        ...where(file),
        ResponseContentDisposition: contentDisposition(file.fileName),
        ResponseContentType: file.contentType,
      });
      return getSignedUrl(s3, command, { expiresIn, signingDate: clock.now() });
    },
    async inspect(file, headBytes) {
      try {
        const object = await s3.send(new GetObjectCommand({ ...where(file), Range: `bytes=0-${headBytes - 1}` }));
        const head = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
        // A ranged GET answers with the whole object's size after the slash: `bytes 0-15/48213`.
        const total = Number(object.ContentRange?.split('/')[1] ?? object.ContentLength ?? head.length);
        return { sizeBytes: total, head: head.subarray(0, headBytes) };
      } catch (error) {
        if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
        // An empty object cannot satisfy a range: it was uploaded, with nothing in it.
        if (error instanceof S3ServiceException && error.name === 'InvalidRange') return { sizeBytes: 0, head: new Uint8Array() };
        throw error;
      }
    },
    async destroy(file) {
      const { Bucket, Key } = where(file);
      const versions: { Key?: string; VersionId?: string }[] = [];
      try {
        // A page holds at most 1,000 versions and markers: read on from where the last one stopped.
        let from: { KeyMarker?: string; VersionIdMarker?: string } = {};
        for (let more = true; more; ) {
          const listed = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: Key, ...from }));
          versions.push(...[...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].filter((version) => version.Key === Key));
          from = { KeyMarker: listed.NextKeyMarker, VersionIdMarker: listed.NextVersionIdMarker };
          more = listed.IsTruncated === true && listed.NextKeyMarker !== undefined;
        }
      } catch (error) {
        // A store without versioning (the local S3 server answers 405) has only the object itself.
        const unsupported = error instanceof S3ServiceException && [405, 501].includes(error.$metadata.httpStatusCode ?? 0);
        if (!unsupported) throw error;
      }
      for (const version of versions) await s3.send(new DeleteObjectCommand({ Bucket, Key, VersionId: version.VersionId }));
      if (versions.length === 0) await s3.send(new DeleteObjectCommand({ Bucket, Key }));
      return Math.max(versions.length, 1);
    },
    async keep(file, retentionYears) {
      await s3.send(
        new PutObjectTaggingCommand({
          ...where(file),
          Tagging: {
            TagSet: [
              { Key: 'state', Value: 'bound' },
              { Key: 'retention', Value: `${retentionYears}y` },
            ],
          },
        }),
      );
    },
  };
}
