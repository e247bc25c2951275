import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type CorsRule, HttpMethods, type LifecycleRule, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import type { ApiRoute } from '../../functions/http/contract/routes.js';
import type { OfficePolicy } from '../../shared/policies/office-policy.js';
import type { AppFunction } from './app-function.js';
import { acknowledge, nagArnOf } from './nag.js';

/** What a function does with documents' files (functions/http/contract/routes.ts `documents`). */
/** What a function does with the files: a route's use, or 파기 (the timer sweep deletes a closed request's files and their versions). */
export type DocumentUse = NonNullable<ApiRoute['documents']> | 'destroy';

/** Where files live inside either bucket (shared/adapters/s3-document-files.ts names them `documents/<attachment id>`). */
const FILES = 'documents/*';

/** 안전성 확보조치 기준 §8: a system that processes sensitive (health) data keeps its access records at least two years. */
const ACCESS_LOG_RETENTION_DAYS = 2 * 365;

/** An overwritten or deleted file stays recoverable this long (a mistaken overwrite, a bad sweep), then goes. */
const NONCURRENT_VERSION_DAYS = 30;

/**
 * When the lifecycle deletes a file bound with `retention=<years>y`. The exact destruction on the
 * day 보존기간 ends is the retention sweep's (which also records it); this rule is only the backstop
 * for a sweep that never ran, so it must never come early. 보존기간 runs from 1 January of the year
 * after the request's record is complete (공공기록물법 시행령 §26②), and a file uploaded in December
 * may belong to a request completed in January: the legal end can be up to `years + 2` calendar
 * years after the upload, which is when S3 counts from. Years of 366 days keep leap days from
 * bringing it early.
 */
const backstopDays = (retentionYears: number): number => (retentionYears + 2) * 366;

/**
 * What each use may do, on both buckets' files and on the key. Presigned URLs act with the signing
 * function's permissions, so a function that signs an upload needs the upload's permissions itself.
 * - upload: a presigned PUT that carries `x-amz-tagging: state=unbound` (tagging on PUT needs
 *   s3:PutObjectTagging); S3 asks KMS for a data key on the signer's behalf. A presigned URL is one
 *   PUT: it needs no kms:Decrypt, which only multipart uploads do, nor kms:Encrypt, which S3 never calls.
 * - bind: a ranged GET of the first bytes (decrypted), then new tags.
 * - read: a presigned GET (decrypted).
 */
const OBJECT_ACTIONS: Record<DocumentUse, string[]> = {
  upload: ['s3:PutObject', 's3:PutObjectTagging'],
  bind: ['s3:GetObject', 's3:PutObjectTagging'],
  read: ['s3:GetObject'],
  destroy: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
};
const KEY_ACTIONS: Record<DocumentUse, string[]> = {
  upload: ['kms:GenerateDataKey'],
  bind: ['kms:Decrypt'],
  read: ['kms:Decrypt'],
  destroy: [],
};

export interface DocumentStoreProps {
  /** Keep the buckets and the key when the stack goes away (as the table is kept). */
  retain: boolean;
  /** How long unbound uploads live and which retentions bound files carry. */
  policy: Pick<OfficePolicy, 'documents' | 'kinds'>;
  /** The office portal's origins, allowed to PUT and GET with presigned URLs from the browser; none: no CORS rule. */
  portalOrigins?: readonly string[];
}

/**
 * The files documents rest on: general documents and health kinds' documents in two private,
 * versioned buckets encrypted with one customer-managed key, so that reading a file takes both S3
 * and KMS permissions and every decryption is in CloudTrail. Every access to the health bucket is
 * also logged to a third bucket. Browsers upload and download directly with presigned URLs; bytes
 * never pass through a function.
 */
export class DocumentStore extends Construct {
  readonly key: Key;
  readonly documents: Bucket;
  readonly healthDocuments: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: DocumentStoreProps) {
    super(scope, id);
    // Log delivery by bucket policy, not the log bucket's ACL: ACLs stay disabled (bucket owner enforced).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the files of approval requests (documents and health documents buckets)',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to a bucket encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-records', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
      removalPolicy,
    });
    acknowledge(
      this.accessLogs,
      'S1',
      'This is the access log bucket itself: logging its own accesses into it would log the log deliveries, endlessly.',
    );

    const lifecycleRules = documentLifecycle(props.policy);
    const cors = props.portalOrigins?.length ? [portalCors(props.portalOrigins)] : undefined;
    const documentBucket = (bucketId: string, logged: boolean) =>
      new Bucket(this, bucketId, {
        encryption: BucketEncryption.KMS,
        encryptionKey: this.key,
        // One data key per bucket instead of one KMS call per object: the key's cost and request quota stay flat.
        bucketKeyEnabled: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules,
        cors,
        ...(logged ? { serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: `${bucketId}/` } : {}),
        // No autoDeleteObjects: its custom-resource Lambda would be a function outside AppFunction's
        // defaults. A stage that does not retain data empties the buckets before destroying the stack.
        removalPolicy,
      });
    this.documents = documentBucket('Documents', false);
    this.healthDocuments = documentBucket('HealthDocuments', true);
    acknowledge(
      this.documents,
      'S1',
      'Files are reached only through presigned URLs the API signs after checking who asks, and the API records every read ' +
        "by anyone but the requester; the health documents bucket, whose files are sensitive data, also has S3's access log.",
    );
  }

  /**
   * Lets `fn` do `use` with the files of both buckets (a kind's files are in one or the other), and
   * tells it their names in DOCUMENTS_BUCKET and HEALTH_DOCUMENTS_BUCKET, together. Nothing else: no
   * listing, no deleting, no other keys.
   */
  grant(fn: AppFunction, use: DocumentUse): AppFunction {
    const buckets = [this.documents, this.healthDocuments];
    fn.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: OBJECT_ACTIONS[use], resources: buckets.map((bucket) => bucket.arnForObjects(FILES)) }),
    );
    if (use === 'destroy') {
      // 파기 deletes every version of a file: listing them, on the documents' prefix only.
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucketVersions'],
          resources: buckets.map((bucket) => bucket.bucketArn),
          conditions: { StringLike: { 's3:prefix': FILES } },
        }),
      );
    }
    if (use === 'bind') {
      // Without it S3 answers a GET of a file never uploaded with 403, not 404: the binder could not
      // tell "not uploaded yet" (the person's 400) from a real permission fault. Listing is limited to
      // the documents' prefix, whose keys are random ids carrying no names.
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: buckets.map((bucket) => bucket.bucketArn),
          conditions: { StringLike: { 's3:prefix': FILES } },
        }),
      );
    }
    if (KEY_ACTIONS[use].length > 0)
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: KEY_ACTIONS[use],
          resources: [this.key.keyArn],
          // Only as S3 uses it for these buckets' files, never to encrypt or decrypt anything directly.
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } },
        }),
      );
    for (const bucket of buckets) {
      acknowledge(
        fn,
        `IAM5[Resource::${nagArnOf(bucket)}/${FILES}]`,
        `${OBJECT_ACTIONS[use].join(', ')} on this bucket's documents/ files only; their keys are attachment ids, unknown at deploy time.`,
      );
    }
    fn.addEnvironment('DOCUMENTS_BUCKET', this.documents.bucketName);
    fn.addEnvironment('HEALTH_DOCUMENTS_BUCKET', this.healthDocuments.bucketName);
    return fn;
  }
}

/**
 * What deletes files by themselves, by the tags the API gives them: an upload never bound to a
 * request (`state=unbound`) after the policy's days; a bound file (`retention=<N>y`) after its
 * kind's 보존기간 and a margin (`backstopDays`); replaced versions and abandoned multipart uploads soon.
 */
function documentLifecycle(policy: DocumentStoreProps['policy']): LifecycleRule[] {
  const retentions = [...new Set(Object.values(policy.kinds).map((kind) => kind.retentionYears))].sort((a, b) => a - b);
  return [
    { id: 'expire-unbound-uploads', tagFilters: { state: 'unbound' }, expiration: Duration.days(policy.documents.unboundDays) },
    ...retentions.map(
      (years): LifecycleRule => ({
        id: `backstop-retention-${years}y`,
        tagFilters: { retention: `${years}y` },
        expiration: Duration.days(backstopDays(years)),
      }),
    ),
    {
      id: 'expire-old-versions',
      noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
      // Once a file's last version is gone, its delete marker is removed too.
      expiredObjectDeleteMarker: true,
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    },
  ];
}

/**
 * The office portal uploads and downloads with presigned URLs from the browser. It sends the
 * headers the upload URL was signed with (content type, the `state=unbound` tag); ETag is exposed so
 * a page can tell what it uploaded.
 */
function portalCors(origins: readonly string[]): CorsRule {
  return {
    allowedOrigins: [...origins],
    allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
    allowedHeaders: ['content-type', 'x-amz-tagging'],
    exposedHeaders: ['ETag'],
    maxAge: 3000,
  };
}
