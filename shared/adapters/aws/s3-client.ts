import { S3Client } from '@aws-sdk/client-s3';

/**
 * The one S3 client of a function, created at module load. Checksums only where S3 requires them:
 * a presigned PUT must not carry a checksum of the empty body it was signed with (the client's
 * bytes would then be refused).
 */
export const s3 = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
