import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { telemetryService } from '../../shared/kernel/telemetry.js';
import { BUNDLING_CONTEXT, type Bundling } from '../bundling.js';
import { bundleCacheDir, cachedBuildSync } from '../local/bundle-cache.js';
import type { DataStore } from './data-store.js';
import { assetFromHandlerSet } from './handler-bundles.js';
import { acknowledge, nagArnOf } from './nag.js';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How the backend tells people in AWS: SES, from this address, links pointing at `publicBaseUrl`;
 * and Slack, with the bot token in `slackSecret` (created by the stack, value set by the operator).
 */
export interface MailSettings {
  from: string;
  publicBaseUrl: string;
  slackSecret?: ISecret;
}

/** The stage's observability settings, set once on the stack (`useObservability`) and read by every function. */
export interface ObservabilitySettings {
  /** CloudWatch namespace of the functions' metrics (shared/kernel/telemetry.ts). */
  metricsNamespace: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}
const OBSERVABILITY_CONTEXT = 'approvals:observability';

/** Sets the stage's settings for every function created under `scope` from now on (call it before creating any). */
export function useObservability(scope: Construct, settings: ObservabilitySettings): void {
  scope.node.setContext(OBSERVABILITY_CONTEXT, settings);
}

function observabilityOf(scope: Construct): ObservabilitySettings {
  const settings = scope.node.tryGetContext(OBSERVABILITY_CONTEXT) as ObservabilitySettings | undefined;
  if (!settings) throw new Error(`${scope.node.path}: no observability settings (useObservability on the stack first)`);
  return settings;
}

export interface AppFunctionProps {
  /** Path of the handler module, relative to the project root (e.g. `functions/http/submit-request.ts`). */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
}

/**
 * Bundles one handler the way every function is bundled: what `NodejsFunction` would produce (ESM,
 * minified, source maps, the AWS SDK left to the runtime), built by esbuild's API in this process,
 * as `index.mjs` in `outdir`. Code splitting is on: a module the handler imports dynamically
 * (exceljs, 1 MB, needed only when an XLSX is written) becomes a chunk beside it that is loaded on
 * first use instead of at every cold start. A build none of whose inputs changed since it was last
 * made is copied from the bundle cache (bundle-cache.ts): the same bytes, so the same asset hash.
 *
 * `shared` (the local runtime's, for a fast start) takes the project's handlers out of one build of
 * them all (handler-bundles.ts): ≈ 2 s instead of ≈ 18 s for 61 builds, but a shared chunk holds
 * what any of its functions uses, so a cold start loads more (median 432 vs 275 KB, ×1.50 vs
 * ×1.37 the reference, measured one after the other). What is deployed is built per function.
 */
export function bundleHandler(entry: string, outdir: string, bundling: Bundling = 'per-function'): void {
  if (bundling === 'shared' && assetFromHandlerSet(entry, outdir, { projectRoot, options: bundleOptions })) return;
  cachedBuildSync({
    cacheDir: bundleCacheDir(projectRoot),
    build: { ...bundleOptions, entryPoints: [{ in: join(projectRoot, entry), out: 'index' }], outdir, absWorkingDir: projectRoot },
  });
}

const bundleOptions = {
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  // Bundled CommonJS dependencies (nodemailer's internals, exceljs) still call require().
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
} satisfies BuildOptions;

/**
 * The handler's asset. NodejsFunction spawns `npx esbuild` once per function — 0.8 s of npx
 * start-up each, which made a synth of 21 functions take over half a minute; in-process it is a
 * fraction of that. The asset hash is the bundle's, so an unchanged bundle is never re-uploaded.
 */
function bundlingOf(scope: Construct): Bundling {
  const value = scope.node.tryGetContext(BUNDLING_CONTEXT) as unknown;
  if (value === undefined || value === 'per-function' || value === 'shared') return value ?? 'per-function';
  throw new Error(`context ${BUNDLING_CONTEXT}: 'per-function' or 'shared', not ${JSON.stringify(value)}`);
}

function bundledCode(entry: string, bundling: Bundling): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Local bundling never declines, so no container runs; CDK still requires an image.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // CDK keys its staging cache on the bundling options: the entry keeps each function's bundle
      // its own (without it, every function would get the first one's).
      environment: { ENTRY: entry, BUNDLING: bundling },
      local: {
        tryBundle(outputDir) {
          bundleHandler(entry, outputDir, bundling);
          return true;
        },
      },
    },
  });
}

/**
 * Every function's defaults, in one place: Node.js 22 on arm64, ESM bundle (middy is ESM-only)
 * with the AWS SDK left to the runtime, JSON logs kept a year, X-Ray tracing, source maps.
 */
export class AppFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    const observability = observabilityOf(scope);
    super(scope, id, {
      code: bundledCode(props.entry, bundlingOf(scope)),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      // Powertools Logger reads the level Lambda is set to (AWS_LAMBDA_LOG_LEVEL) and writes JSON itself.
      applicationLogLevelV2: ApplicationLogLevel[observability.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: telemetryService,
        POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
        ...props.environment,
      },
    });
    acknowledge(
      this,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AWS-managed basic execution role grants only CloudWatch Logs writes, the minimum every function needs.',
    );
    acknowledge(this, 'IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.');
  }

  /** Grants table access and sets TABLE_NAME together, so neither is ever forgotten. */
  useTable(data: DataStore, access: 'read' | 'read-write'): this {
    if (access === 'read') data.table.grantReadData(this);
    else data.table.grantReadWriteData(this);
    acknowledge(
      this,
      `IAM5[Resource::${nagArnOf(data.table)}/index/*]`,
      "Access to this table's own GSIs (requests by requester and by round, people by team, pending approvals, due timers); no other table.",
    );
    this.addEnvironment('TABLE_NAME', data.table.tableName);
    return this;
  }

  /**
   * Lets the function tell people: send mail (SES, from the stage's address only) and, when the
   * stage has a Slack secret, post to Slack (read access to that one secret). Sets what they need, together.
   */
  useMail(mail: MailSettings): this {
    if (mail.slackSecret) {
      this.addEnvironment('CHAT_TRANSPORT', 'slack');
      this.addEnvironment('SLACK_SECRET_ARN', mail.slackSecret.secretArn);
      mail.slackSecret.grantRead(this);
    }
    this.addEnvironment('MAIL_TRANSPORT', 'ses');
    this.addEnvironment('MAIL_FROM', mail.from);
    this.addEnvironment('PUBLIC_BASE_URL', mail.publicBaseUrl);
    const domain = mail.from.split('@')[1];
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: domain })],
      }),
    );
    return this;
  }
}
