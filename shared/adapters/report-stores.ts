import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportStore } from '../ports/finance-store.js';

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Keys are `YYYY-MM/<file>`; anything else (a path escaping the report folder) is refused. */
const safeKey = (key: string) => {
  if (!/^\d{4}-\d{2}\/[A-Za-z0-9._-]+$/.test(key) || normalize(key) !== key) throw new Error(`not a report key: ${key}`);
  return key;
};

/** AWS: one S3 bucket (encrypted, private, expiring by its lifecycle rule). */
export function makeS3ReportStore(s3: S3Client, bucket: string): ReportStore {
  return {
    async put(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: safeKey(key), Body: body, ContentType: contentType }));
    },
    async get(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: safeKey(key) }));
        if (!object.Body) return undefined;
        return { body: Buffer.from(await object.Body.transformToByteArray()), contentType: object.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
  };
}

/** Locally: files under a directory (`$DATA_DIR/reports/YYYY-MM/…`), written then renamed. */
export function makeFileReportStore(directory: string): ReportStore {
  return {
    async put(key, body) {
      const path = join(directory, safeKey(key));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, body);
      await rename(`${path}.tmp`, path);
    },
    async get(key) {
      try {
        const path = join(directory, safeKey(key));
        return { body: await readFile(path), contentType: CONTENT_TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}
