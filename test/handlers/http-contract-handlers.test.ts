import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiRoutes } from '../../functions/http/contract/routes.js';
import type { HttpEvent, HttpResult } from '../../functions/http/http-api.js';
import { httpEvent, lambdaContext } from '../fixtures/http-events.js';

/**
 * Every route through its real handler module, against a DynamoDB client that records what it is
 * asked: the contract's checks happen before anything reaches the table.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
type Handler = (event: HttpEvent, context: typeof lambdaContext) => Promise<HttpResult>;
const handlers = new Map<string, Handler>();

beforeAll(async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'handlers-'));
  vi.stubEnv('TABLE_NAME', 'approval-table');
  vi.stubEnv('STATE_MACHINES', JSON.stringify({ 'health-checkup': 'arn:aws:states:ap-northeast-2:123456789012:stateMachine:x' }));
  vi.stubEnv('MAIL_FROM', 'no-reply@guchung.example.kr');
  vi.stubEnv('MAIL_TRANSPORT', 'outbox');
  vi.stubEnv('OUTBOX_DIR', scratch);
  vi.stubEnv('PUBLIC_BASE_URL', 'https://approvals.guchung.example.kr');
  vi.stubEnv('SLACK_SIGNING_SECRET', 'signing-secret');
  vi.stubEnv('REPORT_STORE', 'files');
  vi.stubEnv('REPORTS_DIR', scratch);
  vi.stubEnv('DOCUMENTS_BUCKET', 'documents');
  vi.stubEnv('HEALTH_DOCUMENTS_BUCKET', 'health-documents');
  for (const route of apiRoutes) {
    const module = (await import(/* @vite-ignore */ `../../${route.entry}`)) as { handler: Handler };
    handlers.set(`${route.method} ${route.path}`, module.handler);
  }
}, 120_000);

beforeEach(() => {
  dynamo.reset();
});

const call = (route: { method: string; path: string }, event: Partial<Parameters<typeof httpEvent>[0]> = {}) => {
  const handler = handlers.get(`${route.method} ${route.path}`);
  if (!handler) throw new Error(`no handler for ${route.method} ${route.path}`);
  return handler(httpEvent({ routeKey: `${route.method} ${route.path}`, sub: 'E1034', ...event }), lambdaContext);
};

const withPathParameters = apiRoutes.filter((route) => route.path.includes('{'));
const parametersOf = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');

describe('path parameters that no id can have', () => {
  const hostile = ['x'.repeat(5000), '한글-아이디', '../../etc/passwd', 'R20261127-8K3M9Q2T\u0000', '%E0%A4%A', ' ', 'PERSON#E1034'];

  it.each(withPathParameters.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s answers 4xx with a Korean message naming the problem, and never asks the table',
    async (_, route) => {
      for (const value of hostile) {
        const response = await call(route, {
          pathParameters: Object.fromEntries(parametersOf(route.path).map((name) => [name, value])),
          body: route.method === 'GET' ? undefined : {},
        });
        expect([400, 404], `${value.slice(0, 20)} → ${response.statusCode}`).toContain(response.statusCode);
        expect(response.body).toMatch(/[가-힣]/);
        expect(response.body).not.toMatch(/ValidationException|DynamoDB|at .*\.(ts|js|mjs):\d+/);
      }
      expect(dynamo.calls()).toHaveLength(0);
    },
  );
});

describe('bodies over the route’s limit', () => {
  it('a 100 KB submission is 413 in Korean, before anything is read or stored', async () => {
    const response = await call(
      { method: 'POST', path: '/requests' },
      { rawBody: JSON.stringify({ kind: 'health-checkup', clinic: 'x'.repeat(100_000) }) },
    );
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body ?? '{}').message).toMatch(/너무 큽니다/);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('a throttled or unreachable table', () => {
  it('is a Korean 503 with Retry-After, never a 500 and never the AWS error’s name', async () => {
    dynamo.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    const response = await call({ method: 'GET', path: '/requests/{id}' }, { pathParameters: { id: 'R20261127-8K3M9Q2T' } });
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('2');
    expect(JSON.parse(response.body ?? '{}').message).toMatch(/다시 시도하세요/);
    expect(response.body).not.toMatch(/ProvisionedThroughput|Rate exceeded/);
  });

  it('a refused connection is a 503 as well', async () => {
    dynamo.on(GetCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }));
    const response = await call({ method: 'GET', path: '/requests/{id}' }, { pathParameters: { id: 'R20261127-8K3M9Q2T' } });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toMatch(/ECONNREFUSED/);
  });

  it('a bug stays a plain 500 that reveals nothing', async () => {
    dynamo.on(GetCommand).rejects(new TypeError('Cannot read properties of undefined'));
    const response = await call({ method: 'GET', path: '/requests/{id}' }, { pathParameters: { id: 'R20261127-8K3M9Q2T' } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/Cannot read/);
  });
});
