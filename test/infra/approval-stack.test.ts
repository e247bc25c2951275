import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/http/contract/routes.js';
import { buildApp } from '../../infra/build-app.js';
import { DocumentStore } from '../../infra/constructs/document-store.js';
import { chunkImports } from '../../infra/constructs/handler-bundles.js';
import { stageConfigSchema } from '../../infra/stage-config.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { MONITORED_STAGE, monitoringChecks, ON_CALL } from './monitoring-checks.js';

const PORTAL = 'https://portal.guchung.example.kr';
const stage = {
  mailFrom: 'no-reply@guchung.example.kr',
  jwtIssuer: 'https://login.guchung.example.kr/realms/staff',
  jwtAudience: ['approval-api'],
  retainData: true,
  portalOrigins: [PORTAL],
  alarmEmails: ON_CALL,
};

let template: Template;
let assemblyDir: string;
let synthesizedStack: Stack;

beforeAll(() => {
  // The app as `cdk synth` composes it, cdk-nag included: a finding nobody acknowledged fails the synth here.
  const { app, stack } = buildApp({ context: { stage: MONITORED_STAGE, stages: { [MONITORED_STAGE]: stage } } });
  assemblyDir = app.outdir;
  synthesizedStack = stack;
  template = Template.fromStack(stack);
}, 240_000);

monitoringChecks(() => ({ stack: synthesizedStack, template }));

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, any> };

/** The function answering `routeKey` (`POST /attachments`): functions are described by their route. */
const functionFor = (routeKey: string): [string, Resource] => {
  const matches = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, fn]) => fn.Properties.Description === routeKey);
  expect(matches, routeKey).toHaveLength(1);
  return matches[0] as [string, Resource];
};

/** Every statement of every policy attached to the function's role. */
const statementsOf = (fn: Resource): Statement[] => {
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
};
const actionsOf = (statements: Statement[]) => statements.flatMap((statement) => [statement.Action].flat());
const mentions = (statement: Statement, logicalIds: string[]) => logicalIds.some((id) => JSON.stringify(statement.Resource).includes(`"${id}"`));

/** The buckets the functions are told to keep files in (DOCUMENTS_BUCKET, HEALTH_DOCUMENTS_BUCKET), by logical id. */
const documentBuckets = () => {
  const [, uploader] = functionFor('POST /attachments');
  const variables = uploader.Properties.Environment.Variables;
  const general: string = variables.DOCUMENTS_BUCKET.Ref;
  const health: string = variables.HEALTH_DOCUMENTS_BUCKET.Ref;
  expect(general).not.toBe(health);
  return { general, health, both: [general, health] };
};
const bucket = (logicalId: string) => template.findResources('AWS::S3::Bucket')[logicalId] as Resource;
const bucketPolicyOf = (logicalId: string): Statement[] => {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter((policy) => policy.Properties.Bucket.Ref === logicalId);
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement;
};

/**
 * The latest day a bound file may legally still be needed, counted from its upload: 보존기간 runs
 * from 1 January after the year its request is complete, which can be the year after the upload.
 * The worst case over uploads on 1 January of a few years (leap years among them), in days.
 */
const latestLegalEndDays = (retentionYears: number) =>
  Math.max(...[2023, 2024, 2025, 2026].map((uploaded) => (Date.UTC(uploaded + 2 + retentionYears, 0, 1) - Date.UTC(uploaded, 0, 1)) / 86_400_000));

const definitionOf = (): Record<string, any> => {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts = machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  // Intrinsics (partition, function ARNs) sit inside JSON strings; stand them in with a plain `x`.
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'x')).join(''));
};

describe('the synthesized stack', () => {
  it('keeps data safe: one table, point-in-time recovery, retained and deletion-protected in a retaining stage', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        GlobalSecondaryIndexes: Match.arrayWith([
          Match.objectLike({
            IndexName: 'requests-by-requester',
            KeySchema: [
              { AttributeName: 'requesterId', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
          }),
          Match.objectLike({ IndexName: 'people-by-team' }),
        ]),
      }),
    });
  });

  it('only the functions that write a spreadsheet carry the XLSX library (a 5 MB chunk), not every bundle', async () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    const withExcel: string[] = [];
    for (const [logicalId, resource] of functions) {
      const key = String(resource.Properties.Code.S3Key); // `<asset hash>.zip`
      const files = await readdir(join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`), { recursive: true });
      if (files.some((file) => /(^|\/)excel-[A-Z0-9]+\.mjs$/.test(file))) withExcel.push(logicalId);
    }
    expect(functions.length).toBeGreaterThan(30);
    expect(withExcel.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ApiFinanceMonthlyTotals', 'FinanceReportsMonthlyReport']);
  });

  it('each function’s asset, built alone as cdk deploy ships it, holds its handler and every chunk it imports', async () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const sizes: number[] = [];
    for (const resource of functions) {
      const dir = join(assemblyDir, `asset.${String(resource.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      const modules = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.mjs')).map((file) => file.split(sep).join('/'));
      const reached = new Set(['index.mjs']);
      for (const queue = ['index.mjs']; queue.length > 0; ) {
        for (const imported of chunkImports(dir, queue.pop() ?? '')) if (!reached.has(imported) && reached.add(imported)) queue.push(imported);
      }
      // esbuild may also leave a chunk whose only import it shook out: present, never loaded.
      for (const module of reached) expect(modules, dir).toContain(module);
      sizes.push(modules.length);
    }
    // What a function imports on first use (the SDK clients, nodemailer, exceljs) is in chunks beside it.
    expect(Math.max(...sizes)).toBeGreaterThan(1);
  });

  it('the access log’s monthly check runs on the 1st at 09:30 Seoul time (00:30 UTC) and reaches its function', () => {
    const [checkId] = functionFor("Last month's access log, summarised per reader with unusual reads flagged, emailed to the privacy officers");
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.Targets).includes(`"${checkId}"`),
    );
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['cron(30 0 1 * ? *)']);
  });

  it('every function runs Node.js 22 on arm64 with tracing and JSON logs', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
  });

  it('staff routes require the JWT authorizer; only decision links (and their documents), Slack and the API document are public', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://login.guchung.example.kr/realms/staff', Audience: ['approval-api'] },
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => [
      route.Properties.RouteKey,
      route.Properties.AuthorizationType,
    ]);
    expect(Object.fromEntries(routes)).toEqual({
      'POST /requests': 'JWT',
      'POST /attachments': 'JWT',
      'POST /requests/{id}/attachments': 'JWT',
      'GET /requests/{id}/attachments/{attachmentId}': 'JWT',
      'GET /requests': 'JWT',
      'GET /requests/{id}': 'JWT',
      'POST /requests/{id}/withdraw': 'JWT',
      'PUT /requests/{id}': 'JWT',
      'GET /requests/{id}/history': 'JWT',
      'POST /requests/{id}/comments': 'JWT',
      'POST /requests/{id}/recall': 'JWT',
      'POST /requests/{id}/resubmit': 'JWT',
      'GET /approvals': 'JWT',
      'POST /approvals/{requestId}/decision': 'JWT',
      'POST /approvals/decisions': 'JWT',
      'POST /approvals/{requestId}/reassign': 'JWT',
      'POST /approvals/{requestId}/supplement-request': 'JWT',
      'POST /requests/{id}/supplement': 'JWT',
      'POST /approvals/{requestId}/return-to-previous': 'JWT',
      'GET /circulation': 'JWT',
      'GET /policy': 'JWT',
      'GET /audit/requests': 'JWT',
      'GET /audit/decisions.csv': 'JWT',
      'GET /audit/access-log': 'JWT',
      'GET /audit/destructions': 'JWT',
      'GET /requests/{id}/document': 'JWT',
      'POST /circulation/{requestId}/ack': 'JWT',
      'POST /approvals/{requestId}/skip': 'JWT',
      'PUT /delegations': 'JWT',
      'GET /delegations': 'JWT',
      'DELETE /delegations/{from}': 'JWT',
      'GET /rounds/{roundId}/transfers': 'JWT',
      'POST /requests/{id}/work-report': 'JWT',
      'POST /requests/{id}/confirmation': 'JWT',
      'GET /facilities/budget': 'JWT',
      'GET /vehicles/availability': 'JWT',
      'GET /vehicles/{id}/bookings': 'JWT',
      'POST /requests/{id}/cancel': 'JWT',
      'POST /requests/{id}/trip-log': 'JWT',
      'GET /decisions/{linkId}': 'NONE',
      'GET /decisions/{linkId}/attachments/{attachmentId}': 'NONE',
      'POST /decisions/{linkId}': 'NONE',
      'POST /slack/interactions': 'NONE',
      'GET /directory/people/{id}': 'JWT',
      'PUT /directory/people/{id}': 'JWT',
      'GET /directory/departments': 'JWT',
      'GET /finance/monthly-totals': 'JWT',
      'POST /finance/payments': 'JWT',
      'GET /finance/budget': 'JWT',
      'GET /finance/reports/{month}/{file}': 'JWT',
      'GET /openapi.json': 'NONE',
    });
  });

  it('every route has exactly one operation in the committed openapi.json, public exactly where the route is', async () => {
    const document = JSON.parse(await readFile(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation.security?.length === 0 ? 'NONE' : 'JWT']),
    );
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => [
      route.Properties.RouteKey,
      route.Properties.AuthorizationType,
    ]);
    expect(operations.map(([key]) => key).sort()).toEqual([...new Set(operations.map(([key]) => key))].sort());
    expect(Object.fromEntries(operations)).toEqual(Object.fromEntries(routes));
  });

  it("Slack: one secret for the app's credentials; every function that posts to Slack may read that secret and nothing else of Secrets Manager", () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(1);
    const [secretId] = Object.keys(secrets);
    const functions = template.findResources('AWS::Lambda::Function');
    const slackFunctions = Object.entries(functions).filter(([, fn]) => fn.Properties.Environment?.Variables?.CHAT_TRANSPORT === 'slack');
    const names = slackFunctions.map(([, fn]) => String(fn.Properties.Description));
    expect(names).toEqual(expect.arrayContaining(['POST /slack/interactions', 'POST /decisions/{linkId}', 'POST /approvals/{requestId}/decision']));
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    for (const [, fn] of slackFunctions) {
      expect(fn.Properties.Environment.Variables.SLACK_SECRET_ARN).toEqual({ Ref: secretId });
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const statements = policies
        .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('secretsmanager:')));
      expect(statements.map((statement) => statement.Resource)).toEqual([{ Ref: secretId }]);
    }
  });

  it('directory administration sits behind the JWT authorizer; only the PUT can write to the table', () => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer', { Properties: { AuthorizerType: 'JWT' } }));
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const functions = template.findResources('AWS::Lambda::Function');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const tableActionsOf = (functionId: string): string[] => {
      const roleId = functions[functionId]?.Properties.Role['Fn::GetAtt'][0];
      return policies
        .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement) => JSON.stringify(statement.Resource).includes('DataTable'))
        .flatMap((statement) => [statement.Action].flat());
    };
    const routeTo = (routeKey: string) => {
      const route = routes.find((candidate) => candidate.Properties.RouteKey === routeKey);
      expect(route?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      const integration = integrations[route?.Properties.Target['Fn::Join'][1][1].Ref];
      const functionId: string = integration?.Properties.IntegrationUri['Fn::GetAtt'][0];
      expect(functions[functionId]?.Properties.Description).toBe(routeKey);
      return tableActionsOf(functionId);
    };
    for (const read of ['GET /directory/people/{id}', 'GET /directory/departments']) {
      const actions = routeTo(read);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(actions).not.toContain('dynamodb:PutItem');
    }
    expect(routeTo('PUT /directory/people/{id}')).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
  });

  it('a stage waits for a task token, with a backstop timeout past the stage deadline, and every failure is recorded', () => {
    const definition = definitionOf();
    const awaitDecision = definition.States['Await decision'];
    expect(awaitDecision.Resource).toBe('arn:x:states:::lambda:invoke.waitForTaskToken');
    expect(awaitDecision.TimeoutSeconds).toBe((officePolicy.approvals.stageDeadlineDays + 2) * 86_400);
    expect(awaitDecision.Parameters.Payload).toEqual({
      'requestId.$': '$.requestId',
      'round.$': '$.round',
      'executionName.$': '$$.Execution.Name',
      'taskToken.$': '$$.Task.Token',
    });
    for (const name of ['Await decision', 'Finalize']) {
      expect(definition.States[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Record failure' }]);
    }
    for (const state of Object.values(definition.States) as { Type: string; TimeoutSeconds?: number }[]) {
      if (state.Type === 'Task') expect(state.TimeoutSeconds).toBeGreaterThan(0);
    }
  });

  it('a line of n stages costs 2n + 1 transitions: each stage and its choice, then Finalize ends the execution; a 보완 요청 adds two', () => {
    const definition = definitionOf();
    expect(definition.StartAt).toBe('Await decision');
    expect(definition.States['Await decision'].Next).toBe('Line complete?');
    expect(definition.States['Line complete?'].Default).toBe('Finalize');
    expect(definition.States['Finalize'].End).toBe(true);
    // 보완 요청: the answer's wait, and back to the same choice (the stage again, or Finalize when unanswered).
    expect(definition.States['Line complete?'].Choices).toEqual([
      expect.objectContaining({ StringEquals: 'next', Next: 'Await decision' }),
      expect.objectContaining({ StringEquals: 'supplement', Next: 'Await supplement' }),
    ]);
    expect(definition.States['Await supplement']).toMatchObject({
      Resource: expect.stringMatching(/:states:::lambda:invoke.waitForTaskToken$/),
      Next: 'Line complete?',
      TimeoutSeconds: (officePolicy.approvals.supplement.answerBusinessDays * 2 + 2) * 86_400,
    });
    const onTheLine = Object.keys(definition.States).filter((name) => !['Record failure', 'Failed'].includes(name));
    expect(onTheLine.sort()).toEqual(['Await decision', 'Await supplement', 'Finalize', 'Line complete?']);
  });

  it('state machines log without execution data (health data stays out of logs) and are traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});

describe("the documents' files", () => {
  it('both buckets are private, versioned, SSL-only, kept with the stage, and encrypted with the rotating customer-managed key', () => {
    const keys = Object.entries(template.findResources('AWS::KMS::Key')) as [string, Resource][];
    expect(keys).toHaveLength(1);
    const [keyId, key] = keys[0] as [string, Resource];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    for (const id of documentBuckets().both) {
      const { Properties: properties, DeletionPolicy } = bucket(id);
      expect(DeletionPolicy).toBe('Retain');
      // The key of this stack, not the account's aws/s3 default key: no KMSMasterKeyID would mean aws/s3.
      expect(properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ]);
      expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucketPolicyOf(id)).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }],
        }),
      );
    }
  });

  it('every access to the health documents is logged to a private log bucket that keeps the records two years', () => {
    const { health } = documentBuckets();
    const logBucketId: string = bucket(health).Properties.LoggingConfiguration.DestinationBucketName.Ref;
    const logBucket = bucket(logBucketId).Properties;
    expect(logBucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]);
    expect(logBucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    // 안전성 확보조치 기준 §8: access records are kept at least two years, then go.
    expect(logBucket.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 730 })]);
    const statements = bucketPolicyOf(logBucketId);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // Only S3's log delivery writes, and only for the health bucket; no ACLs.
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: expect.objectContaining({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [health, 'Arn'] } } }),
      }),
    ]);
    expect(logBucket.AccessControl).toBeUndefined();
  });

  it("files go by their tags: unbound uploads after the policy's days, bound files not before their kind's 보존기간 ends, old versions after 30 days", () => {
    const retentions = [...new Set(Object.values(officePolicy.kinds).map((kind) => kind.retentionYears))];
    for (const id of documentBuckets().both) {
      const rules: { Status: string; TagFilters?: { Key: string; Value: string }[]; ExpirationInDays?: number; [rule: string]: unknown }[] =
        bucket(id).Properties.LifecycleConfiguration.Rules;
      expect(rules.every((rule) => rule.Status === 'Enabled')).toBe(true);
      // Nothing expires current files regardless of their tags: a bound file is never deleted by accident.
      expect(rules.filter((rule) => rule.ExpirationInDays !== undefined && !rule.TagFilters?.length)).toEqual([]);
      const taggedWith = (key: string, value: string) =>
        rules.filter((rule) => JSON.stringify(rule.TagFilters) === JSON.stringify([{ Key: key, Value: value }]));
      expect(taggedWith('state', 'unbound').map((rule) => rule.ExpirationInDays)).toEqual([officePolicy.documents.unboundDays]);
      const retentionRules = rules.filter((rule) => rule.TagFilters?.some((tag) => tag.Key === 'retention'));
      expect(retentionRules.map((rule) => rule.TagFilters?.[0]?.Value).sort()).toEqual(retentions.map((years) => `${years}y`).sort());
      for (const years of retentions) {
        const [rule] = taggedWith('retention', `${years}y`);
        // A backstop behind the retention sweep: never before the legal end, and not long after it.
        expect(rule?.ExpirationInDays).toBeGreaterThanOrEqual(latestLegalEndDays(years));
        expect(rule?.ExpirationInDays).toBeLessThan(latestLegalEndDays(years) + 366);
      }
      expect(rules).toContainEqual(
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      );
    }
  });

  it("the office portal's origin may PUT and GET with presigned URLs, sending the signed headers", () => {
    for (const id of documentBuckets().both) {
      expect(bucket(id).Properties.CorsConfiguration).toEqual({
        CorsRules: [
          {
            AllowedOrigins: [PORTAL],
            AllowedMethods: ['PUT', 'GET', 'HEAD'],
            AllowedHeaders: ['content-type', 'x-amz-tagging'],
            ExposedHeaders: ['ETag'],
            MaxAge: 3000,
          },
        ],
      });
    }
  });

  it('a function may do with files only what its route says: uploaders sign PUTs, readers sign GETs, binders read and re-tag', () => {
    const { both } = documentBuckets();
    const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
    const accessOf = (routeKey: string) => {
      const statements = statementsOf(functionFor(routeKey)[1]);
      const files = statements.filter((statement) => mentions(statement, both));
      const key = statements.filter((statement) => mentions(statement, [keyId as string]));
      for (const statement of files) {
        const actions = [statement.Action].flat();
        if (actions.includes('s3:ListBucket')) {
          // Listing only what is under documents/ (so a file never uploaded is a 404 to the binder, not a 403).
          expect(actions).toEqual(['s3:ListBucket']);
          expect(statement.Resource).toEqual(both.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
          expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': 'documents/*' } });
          continue;
        }
        // Only the files under documents/ of the two buckets, never another bucket.
        expect(statement.Resource).toEqual(both.map((id) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/documents/*']] })));
      }
      for (const statement of key) expect(statement.Condition?.StringEquals?.['kms:ViaService']).toBeDefined();
      return { files: actionsOf(files).sort(), key: actionsOf(key).sort() };
    };
    expect(accessOf('POST /attachments')).toEqual({ files: ['s3:PutObject', 's3:PutObjectTagging'], key: ['kms:GenerateDataKey'] });
    // The decision link's document route is public (the link is the credential): it, too, may only read.
    for (const reader of ['GET /requests/{id}/attachments/{attachmentId}', 'GET /decisions/{linkId}/attachments/{attachmentId}']) {
      expect(accessOf(reader)).toEqual({ files: ['s3:GetObject'], key: ['kms:Decrypt'] });
    }
    for (const binder of ['POST /requests', 'PUT /requests/{id}', 'POST /requests/{id}/attachments', 'POST /approvals/{requestId}/decision']) {
      expect(accessOf(binder)).toEqual({ files: ['s3:GetObject', 's3:ListBucket', 's3:PutObjectTagging'], key: ['kms:Decrypt'] });
    }
    expect(accessOf('GET /requests')).toEqual({ files: [], key: [] });
    expect(functionFor('GET /requests')[1].Properties.Environment.Variables).not.toHaveProperty('DOCUMENTS_BUCKET');
  });

  const SWEEP_DESCRIPTION = 'Reminders, escalations, stage deadlines, delegation periods and 파기';
  it('only the routes that declare documents, and the timer sweep for 파기, know the buckets; no other function (tasks, reports) can touch a file', () => {
    const { both } = documentBuckets();
    const withDocuments = new Set(apiRoutes.filter((route) => route.documents).map((route) => `${route.method} ${route.path}`));
    for (const [, fn] of Object.entries(template.findResources('AWS::Lambda::Function')) as [string, Resource][]) {
      const sweep = String(fn.Properties.Description).startsWith(SWEEP_DESCRIPTION);
      const declared = withDocuments.has(fn.Properties.Description) || sweep;
      if (sweep) {
        // 파기 only: deleting files and their versions, listing versions under the documents' prefix; never reading or writing one.
        const actions = statementsOf(fn)
          .filter((statement) => mentions(statement, both))
          .flatMap((statement) => [statement.Action].flat());
        expect(actions.toSorted()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']);
      }
      const variables = fn.Properties.Environment?.Variables ?? {};
      expect(['DOCUMENTS_BUCKET' in variables, 'HEALTH_DOCUMENTS_BUCKET' in variables], fn.Properties.Description).toEqual([declared, declared]);
      expect(
        statementsOf(fn).some((statement) => mentions(statement, both)),
        fn.Properties.Description,
      ).toBe(declared);
    }
  });

  it('without portal origins the buckets allow no browser, and a stage that keeps no data lets them go with the stack', () => {
    const stack = new Stack(new App(), 'Bare');
    new DocumentStore(stack, 'DocumentStore', { retain: false, policy: officePolicy });
    const bare = Template.fromStack(stack);
    const buckets = Object.values(bare.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(3);
    for (const bucket of buckets) {
      expect(bucket.Properties.CorsConfiguration).toBeUndefined();
      expect(bucket.DeletionPolicy).toBe('Delete');
    }
    // Emptying them is the operator's: autoDeleteObjects would add a function outside the app's defaults.
    expect(bare.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
  });

  it('a portal origin is an origin: a path or trailing slash, which CORS would never match, is refused', () => {
    expect(stageConfigSchema.safeParse(stage).success).toBe(true);
    for (const origin of [`${PORTAL}/`, `${PORTAL}/portal`, 'portal.guchung.example.kr']) {
      expect(stageConfigSchema.safeParse({ ...stage, portalOrigins: [origin] }).success, origin).toBe(false);
    }
  });
});

describe('cdk-nag', () => {
  it('the AwsSolutions checks report nothing unacknowledged', async () => {
    const report = JSON.parse(await readFile(join(assemblyDir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
    };
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.flatMap((violation) => violation.violatingConstructs.map((construct) => `${violation.ruleName} ${construct.constructPath}`)),
    );
    expect(findings).toEqual([]);
  });
});
