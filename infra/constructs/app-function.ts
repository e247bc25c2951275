import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, ApplicationLogLevel, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DataStore } from './data-store.js';
import { acknowledge, nagArnOf } from './nag.js';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface AppFunctionProps {
  /** Path of the handler module, relative to the project root (e.g. `functions/http/submit-request.ts`). */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
}

/**
 * Every function's defaults, in one place: Node.js 22 on arm64, ESM bundle (middy is ESM-only)
 * with the AWS SDK left to the runtime, JSON logs kept a year, X-Ray tracing, source maps.
 */
export class AppFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    super(scope, id, {
      entry: `${projectRoot}${props.entry}`,
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        externalModules: ['@aws-sdk/*'],
        // Bundled CommonJS dependencies (nodemailer's internals) still call require().
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
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
    acknowledge(this, `IAM5[Resource::${nagArnOf(data.table)}/index/*]`, "Access to this table's own GSIs (requests by requester, people by team); no other table.");
    this.addEnvironment('TABLE_NAME', data.table.tableName);
    return this;
  }
}
