import * as z from 'zod';

/**
 * Reads what the local runtime needs from the synthesized CloudFormation template, resolving
 * the few intrinsics CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split) to local names.
 * Nothing here is declared twice: table, routes, functions, state machines and schedules come from the template.
 */
export const LOCAL_REGION = 'ap-northeast-2';
export const LOCAL_ACCOUNT = '000000000000';

const resourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
});
const templateSchema = z.object({ Resources: z.record(z.string(), resourceSchema) });
type Resource = z.infer<typeof resourceSchema>;

export interface LocalFunction {
  logicalId: string;
  arn: string;
  /** Directory of the bundled asset, relative to the cloud assembly. */
  assetPath: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
}

export interface LocalRoute {
  method: string;
  path: string;
  functionArn: string;
  jwt?: { issuer: string; audience: string[] };
}

export interface LocalTable {
  logicalId: string;
  properties: Record<string, unknown>;
}

export interface LocalStateMachineSpec {
  logicalId: string;
  arn: string;
  definition: Record<string, unknown>;
}

/** An enabled EventBridge rule with a schedule, and the functions it invokes. */
export interface LocalSchedule {
  logicalId: string;
  arn: string;
  /** As written in the template: `rate(...)` or `cron(...)`. */
  expression: string;
  targets: LocalScheduleTarget[];
}

export interface LocalScheduleTarget {
  id: string;
  functionArn: string;
  /** The target's constant `Input`, parsed; when set it is the whole event, as in AWS. */
  input?: unknown;
}

/**
 * A function reading the table's stream (an event source mapping): what it is given, in batches of
 * at most `batchSize` records that pass its filters, from where it starts.
 */
export interface LocalStreamSource {
  logicalId: string;
  functionArn: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** The mapping's filter patterns (EventBridge pattern syntax); a record passes if any matches. None: every record. */
  filters: unknown[];
  reportBatchItemFailures: boolean;
}

/** An S3 bucket of the stack, by the name the functions get for it locally (its `Ref`). */
export interface LocalBucket {
  logicalId: string;
  name: string;
}

export interface LocalTemplate {
  table: LocalTable;
  buckets: LocalBucket[];
  functions: LocalFunction[];
  routes: LocalRoute[];
  stateMachines: LocalStateMachineSpec[];
  schedules: LocalSchedule[];
  streamSources: LocalStreamSource[];
}

const functionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
const stateMachineArn = (logicalId: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${logicalId}`;
/**
 * A bucket's local name: its logical id in lowercase (logical ids are letters and digits), which is
 * a valid S3 bucket name (3–63 of [a-z0-9-]). A longer id keeps its first 54 and last 8 characters
 * (CDK ends logical ids with an 8-character hash), a shorter one is padded. No random suffix: the
 * same template names the same bucket at every start, so a restart finds its objects.
 */
export const localBucketName = (logicalId: string): string => {
  const lower = logicalId.toLowerCase();
  if (!/^[a-z0-9]+$/.test(lower)) throw new Error(`template: bucket logical id ${logicalId} is not alphanumeric`);
  if (lower.length > 63) return `${lower.slice(0, 54)}-${lower.slice(-8)}`;
  return lower.length < 3 ? `${lower}-bucket` : lower;
};
const ruleArn = (logicalId: string) => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${logicalId}`;

const ruleTargetSchema = z.object({ Id: z.string(), Arn: z.unknown(), Input: z.unknown().optional() }).loose();

export function readTemplate(raw: unknown): LocalTemplate {
  const { Resources: resources } = templateSchema.parse(raw);
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  const bucketEntries = ofType('AWS::S3::Bucket');
  // Lowercasing could give two logical ids one name (AWS itself would name them apart): refused.
  const bucketNames = new Map<string, string>();
  for (const [logicalId] of bucketEntries) {
    const name = localBucketName(logicalId);
    const other = [...bucketNames].find(([, taken]) => taken === name)?.[0];
    if (other) throw new Error(`template: buckets ${other} and ${logicalId} would both be named ${name} locally`);
    bucketNames.set(logicalId, name);
  }
  const bucketName = (logicalId: string) => {
    const name = bucketNames.get(logicalId);
    if (!name) throw new Error(`template: ${logicalId} is not a bucket`);
    return name;
  };

  const refOf = (logicalId: string): string => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`template: Ref to unknown resource ${logicalId}`);
    switch (resource.Type) {
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(logicalId);
      case 'AWS::S3::Bucket':
        return bucketName(logicalId);
      default:
        return logicalId; // table names, function names, API ids, integration ids: the logical id locally
    }
  };
  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = resources[logicalId];
    if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') return functionArn(logicalId);
    if (resource?.Type === 'AWS::DynamoDB::Table' && attribute === 'Arn')
      return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${logicalId}`;
    if (resource?.Type === 'AWS::DynamoDB::Table' && attribute === 'StreamArn')
      return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${logicalId}/stream/local`;
    if (resource?.Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiEndpoint') return 'http://local';
    if (resource?.Type === 'AWS::S3::Bucket' && attribute === 'Arn') return `arn:aws:s3:::${bucketName(logicalId)}`;
    throw new Error(`template: unsupported Fn::GetAtt ${logicalId}.${attribute}`);
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref' && typeof argument === 'string') {
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': LOCAL_REGION,
        'AWS::AccountId': LOCAL_ACCOUNT,
        'AWS::URLSuffix': 'amazonaws.com',
      };
      return pseudo[argument] ?? refOf(argument);
    }
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [logicalId, attribute] = z.tuple([z.string(), z.string()]).parse(argument);
      return getAtt(logicalId, attribute);
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = z.tuple([z.string(), z.array(z.unknown())]).parse(argument);
      return parts.map((part) => String(resolve(part))).join(separator);
    }
    if (entries.length === 1 && key === 'Fn::Split') {
      const [separator, source] = z.tuple([z.string(), z.unknown()]).parse(argument);
      return String(resolve(source)).split(separator);
    }
    if (entries.length === 1 && key === 'Fn::Select') {
      const [index, list] = z.tuple([z.number(), z.unknown()]).parse(argument);
      return z.array(z.unknown()).parse(resolve(list))[index];
    }
    if (entries.length === 1 && key?.startsWith('Fn::')) throw new Error(`template: unsupported intrinsic ${key}`);
    return Object.fromEntries(entries.map(([name, inner]) => [name, resolve(inner)]));
  };
  const props = (resource: Resource) => resource.Properties ?? {};

  const tables = ofType('AWS::DynamoDB::Table');
  const [tableEntry] = tables;
  if (!tableEntry || tables.length !== 1) throw new Error(`template: expected exactly one DynamoDB table, found ${tables.length}`);

  const functions = ofType('AWS::Lambda::Function').map(([logicalId, resource]): LocalFunction => {
    const properties = props(resource);
    const variables = z.record(z.string(), z.unknown()).parse((properties['Environment'] as { Variables?: unknown } | undefined)?.Variables ?? {});
    // Lambda tells the function its log level setting (LoggingConfig) in AWS_LAMBDA_LOG_LEVEL; Powertools Logger reads it.
    const logLevel = z.object({ ApplicationLogLevel: z.string().optional() }).optional().parse(properties['LoggingConfig'])?.ApplicationLogLevel;
    return {
      logicalId,
      arn: functionArn(logicalId),
      assetPath: z.string().parse(resource.Metadata?.['aws:asset:path']),
      handler: z.string().parse(properties['Handler']),
      environment: {
        ...Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(resolve(value))])),
        ...(logLevel ? { AWS_LAMBDA_LOG_LEVEL: logLevel } : {}),
      },
      timeoutSeconds: z.number().parse(properties['Timeout'] ?? 3),
    };
  });

  const authorizers = new Map(
    ofType('AWS::ApiGatewayV2::Authorizer').map(([logicalId, resource]) => {
      const jwt = z.object({ Issuer: z.string(), Audience: z.array(z.string()) }).parse(resolve(props(resource)['JwtConfiguration']));
      return [logicalId, { issuer: jwt.Issuer, audience: jwt.Audience }] as const;
    }),
  );
  const integrations = new Map(
    ofType('AWS::ApiGatewayV2::Integration').map(([logicalId, resource]) => [logicalId, String(resolve(props(resource)['IntegrationUri']))] as const),
  );
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([logicalId, resource]): LocalRoute => {
    const properties = props(resource);
    const [method, path] = z.string().parse(properties['RouteKey']).split(' ');
    const target = String(resolve(properties['Target'])).replace(/^integrations\//, '');
    const integration = integrations.get(target);
    if (!method || !path || !integration) throw new Error(`template: route ${logicalId} has no usable integration`);
    const authorizerId = properties['AuthorizationType'] === 'JWT' ? String(resolve(properties['AuthorizerId'])) : undefined;
    const jwt = authorizerId ? authorizers.get(authorizerId) : undefined;
    if (authorizerId && !jwt) throw new Error(`template: route ${logicalId} names unknown authorizer ${authorizerId}`);
    return { method, path, functionArn: integration, ...(jwt ? { jwt } : {}) };
  });

  const stateMachines = ofType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => ({
    logicalId,
    arn: stateMachineArn(logicalId),
    definition: z.record(z.string(), z.unknown()).parse(JSON.parse(String(resolve(props(resource)['DefinitionString'])))),
  }));

  const functionArns = new Set(functions.map((fn) => fn.arn));
  const schedules = ofType('AWS::Events::Rule')
    .filter(([, resource]) => props(resource)['ScheduleExpression'] !== undefined && (props(resource)['State'] ?? 'ENABLED') === 'ENABLED')
    .map(([logicalId, resource]): LocalSchedule => {
      const properties = props(resource);
      const targets = z
        .array(ruleTargetSchema)
        .parse(properties['Targets'] ?? [])
        .map((target): LocalScheduleTarget => {
          // The event is the scheduled event or a constant input; reshaping it is not emulated. Delivery
          // settings (RetryPolicy, DeadLetterConfig) do not change what the function receives: a failed run is logged.
          const reshaping = ['InputPath', 'InputTransformer'].filter((name) => target[name] !== undefined);
          if (reshaping.length > 0)
            throw new Error(`template: rule ${logicalId} target ${target.Id} uses ${reshaping.join(', ')}, which the local runtime does not support`);
          const arn = String(resolve(target.Arn));
          if (!functionArns.has(arn))
            throw new Error(`template: rule ${logicalId} target ${target.Id} is not a Lambda function of this stack (${arn})`);
          if (target.Input === undefined) return { id: target.Id, functionArn: arn };
          const input = String(resolve(target.Input));
          try {
            return { id: target.Id, functionArn: arn, input: JSON.parse(input) as unknown };
          } catch {
            throw new Error(`template: rule ${logicalId} target ${target.Id} has an Input that is not JSON`);
          }
        });
      return { logicalId, arn: ruleArn(logicalId), expression: z.string().parse(resolve(properties['ScheduleExpression'])), targets };
    });

  const buckets = bucketEntries.map(([logicalId]): LocalBucket => ({ logicalId, name: bucketName(logicalId) }));

  const tableStreamArn = getAtt(tableEntry[0], 'StreamArn');
  const streamSources = ofType('AWS::Lambda::EventSourceMapping').map(([logicalId, resource]): LocalStreamSource => {
    const properties = props(resource);
    const source = String(resolve(properties['EventSourceArn']));
    if (source !== tableStreamArn) throw new Error(`template: event source mapping ${logicalId} reads ${source}, not the table's stream`);
    const name = String(resolve(properties['FunctionName']));
    const arn = name.startsWith('arn:') ? name : functionArn(name);
    if (!functionArns.has(arn)) throw new Error(`template: event source mapping ${logicalId} targets ${name}, not a function of this stack`);
    const filters = z
      .object({ Filters: z.array(z.object({ Pattern: z.string() })) })
      .optional()
      .parse(resolve(properties['FilterCriteria']));
    return {
      logicalId,
      functionArn: arn,
      batchSize: z.number().parse(properties['BatchSize'] ?? 100),
      startingPosition: z.enum(['TRIM_HORIZON', 'LATEST']).parse(properties['StartingPosition']),
      filters: (filters?.Filters ?? []).map((filter) => JSON.parse(filter.Pattern) as unknown),
      reportBatchItemFailures: z
        .array(z.string())
        .parse(properties['FunctionResponseTypes'] ?? [])
        .includes('ReportBatchItemFailures'),
    };
  });

  return {
    table: { logicalId: tableEntry[0], properties: props(tableEntry[1]) },
    buckets,
    functions,
    routes,
    stateMachines,
    schedules,
    streamSources,
  };
}
