import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStack } from '../../infra/approval-stack.js';
import { officePolicy } from '../../shared/policies/office-policy.js';

let template: Template;
let assemblyDir: string;

beforeAll(() => {
  const app = new App();
  assemblyDir = app.outdir;
  const stack = new ApprovalStack(app, 'Test', {
    config: {
      mailFrom: 'no-reply@guchung.example.kr',
      jwtIssuer: 'https://login.guchung.example.kr/realms/staff',
      jwtAudience: ['approval-api'],
      retainData: true,
    },
  });
  template = Template.fromStack(stack);
}, 120_000);

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

  it('staff routes require the JWT authorizer; only decision links, Slack and the API document are public', () => {
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
      'GET /requests': 'JWT',
      'GET /requests/{id}': 'JWT',
      'POST /requests/{id}/withdraw': 'JWT',
      'PUT /requests/{id}': 'JWT',
      'GET /requests/{id}/history': 'JWT',
      'POST /requests/{id}/resubmit': 'JWT',
      'GET /approvals': 'JWT',
      'POST /approvals/{requestId}/decision': 'JWT',
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
    expect(awaitDecision.Parameters.Payload).toEqual({ 'requestId.$': '$.requestId', 'round.$': '$.round', 'taskToken.$': '$$.Task.Token' });
    for (const name of ['Await decision', 'Finalize']) {
      expect(definition.States[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Record failure' }]);
    }
    for (const state of Object.values(definition.States) as { Type: string; TimeoutSeconds?: number }[]) {
      if (state.Type === 'Task') expect(state.TimeoutSeconds).toBeGreaterThan(0);
    }
  });

  it('a line of n stages costs 2n + 1 transitions: each stage and its choice, then Finalize ends the execution', () => {
    const definition = definitionOf();
    expect(definition.StartAt).toBe('Await decision');
    expect(definition.States['Await decision'].Next).toBe('Line complete?');
    expect(definition.States['Line complete?'].Default).toBe('Finalize');
    expect(definition.States['Finalize'].End).toBe(true);
    const onTheLine = Object.keys(definition.States).filter((name) => !['Record failure', 'Failed'].includes(name));
    expect(onTheLine.sort()).toEqual(['Await decision', 'Finalize', 'Line complete?']);
  });

  it('state machines log without execution data (health data stays out of logs) and are traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});
