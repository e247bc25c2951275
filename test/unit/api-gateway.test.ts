import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type ClientRequest, createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiGatewayOptions, bufferingBodies, makeApiGateway, PAYLOAD_LIMIT_BYTES } from '../../infra/local/api-gateway.js';
import { LambdaHost } from '../../infra/local/lambda-host.js';
import type { LocalFunction, LocalRoute } from '../../infra/local/template.js';

const JWT = { issuer: 'https://auth.test/general-affairs', audience: ['approval-api-test'] };
const fnArn = (name: string) => `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`;
const route = (routeKey: string, functionName: string, jwt?: LocalRoute['jwt']): LocalRoute => {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return { method, path, functionArn: fnArn(functionName), ...(jwt ? { jwt } : {}) };
};

/** Routes listed least specific first, so a gateway that takes the first match picks the wrong one. */
const ROUTES: LocalRoute[] = [
  route('GET /requests/{id}', 'GetRequest'),
  route('GET /requests/mine', 'MyRequests'),
  route('POST /requests', 'SubmitRequest'),
  route('GET /reports/{proxy+}', 'AnyReport'),
  route('GET /reports/{month}/{file}', 'MonthReport'),
  route('GET /me', 'Me', JWT),
  route('GET /session', 'Session'),
];

interface Invocation {
  functionArn: string;
  // The event as the function receives it; tests read its fields.
  event: any;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The gateway behind a real HTTP server on a free port, with a fake Lambda host that records each event. */
async function startGateway(overrides: Partial<ApiGatewayOptions> = {}) {
  const invocations: Invocation[] = [];
  const gateway = makeApiGateway({
    routes: ROUTES,
    invoke: async (functionArn, event) => {
      invocations.push({ functionArn, event });
      return { statusCode: 200, body: 'ok' };
    },
    verify: async (token): Promise<JWTPayload> => {
      if (token !== 'valid-token') throw new Error('signature verification failed');
      return { sub: 'E1001', iss: JWT.issuer, aud: JWT.audience[0] };
    },
    now: () => new Date('2026-11-24T01:00:00.000Z'),
    log: () => undefined,
    ...overrides,
  });
  const server = createServer(bufferingBodies(gateway, () => undefined));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { port, invocations };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((closed) => {
          server.close(closed);
          server.closeAllConnections();
        }),
    ),
  );
});

/**
 * One request with node:http (the path goes out exactly as written, malformed escapes included).
 * `send` writes the body; errors after the response has arrived (the server closing an upload it refused) are ignored.
 */
function call(
  port: number,
  path: string,
  init: { method?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer; send?: (request: ClientRequest) => void } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
        request.destroy();
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (init.send) init.send(request);
    else request.end(init.body);
  });
}

const json = (reply: Reply): unknown => JSON.parse(reply.text);

describe('local API Gateway (HTTP API, payload format 2.0)', () => {
  describe('paths', () => {
    it.each(['/requests/%E0%A4%A', '/requests/%ZZ', '/nowhere/%'])(
      'answers 400 Bad Request for the malformed escape in %s, before any function runs',
      async (path) => {
        // Prepare
        const { port, invocations } = await startGateway();

        // Act
        const reply = await call(port, path);

        // Assess: API Gateway's own English body, as for its 401 and 404.
        expect(reply.status).toBe(400);
        expect(reply.headers['content-type']).toBe('application/json');
        expect(json(reply)).toEqual({ message: 'Bad Request' });
        expect(invocations).toEqual([]);
      },
    );

    it('decodes a well-formed escape into the path parameter and keeps rawPath as sent', async () => {
      const { port, invocations } = await startGateway();

      const reply = await call(port, '/requests/%EC%B6%9C%EC%9E%A5-7');

      expect(reply.status).toBe(200);
      expect(invocations[0]?.event).toMatchObject({ rawPath: '/requests/%EC%B6%9C%EC%9E%A5-7', pathParameters: { id: '출장-7' } });
    });
  });

  describe('query strings', () => {
    it('joins the values of a repeated parameter with commas, and passes rawQueryString as sent', async () => {
      const { port, invocations } = await startGateway();

      await call(port, '/requests/mine?status=pending&status=approved&q=%EC%B6%9C%EC%9E%A5&empty=');

      expect(invocations[0]?.event.rawQueryString).toBe('status=pending&status=approved&q=%EC%B6%9C%EC%9E%A5&empty=');
      expect(invocations[0]?.event.queryStringParameters).toEqual({ status: 'pending,approved', q: '출장', empty: '' });
    });

    it('leaves queryStringParameters out when there is no query string', async () => {
      const { port, invocations } = await startGateway();

      await call(port, '/requests/mine');

      expect(invocations[0]?.event.rawQueryString).toBe('');
      expect(invocations[0]?.event).not.toHaveProperty('queryStringParameters', expect.anything());
    });
  });

  describe('cookies', () => {
    it("moves the request's Cookie header into the event's cookies, one entry per cookie", async () => {
      const { port, invocations } = await startGateway();

      await call(port, '/session', { headers: { cookie: 'session=abc123; theme=dark', 'x-trace': 'a' } });

      const { event } = invocations[0] ?? {};
      expect(event.cookies).toEqual(['session=abc123', 'theme=dark']);
      expect(event.headers).not.toHaveProperty('cookie');
      expect(event.headers).toMatchObject({ 'x-trace': 'a' });
    });

    it("sends each cookie of a function's result as a Set-Cookie header of its own, next to its headers", async () => {
      const { port } = await startGateway({
        invoke: async () => ({
          statusCode: 204,
          headers: { 'Cache-Control': 'no-store' },
          cookies: ['session=abc123; Path=/; HttpOnly; Secure', 'theme=dark; Path=/'],
        }),
      });

      const reply = await call(port, '/session');

      expect(reply.status).toBe(204);
      expect(reply.headers['set-cookie']).toEqual(['session=abc123; Path=/; HttpOnly; Secure', 'theme=dark; Path=/']);
      expect(reply.headers['cache-control']).toBe('no-store');
    });
  });

  describe('JWT authorizer', () => {
    it('passes every claim to the function as a string, as API Gateway does (arrays as [a b])', async () => {
      const { port, invocations } = await startGateway({
        verify: async () => ({
          sub: 'E1001',
          iss: JWT.issuer,
          aud: ['approval-api-test', 'finance-api'],
          exp: 1_795_000_000,
          iat: 1_794_971_200,
          email_verified: true,
          groups: ['총무과', '결재권자'],
        }),
      });

      const reply = await call(port, '/me', { headers: { authorization: 'Bearer any' } });

      expect(reply.status).toBe(200);
      expect(invocations[0]?.event.requestContext.authorizer).toEqual({
        jwt: {
          claims: {
            sub: 'E1001',
            iss: JWT.issuer,
            aud: '[approval-api-test finance-api]',
            exp: '1795000000',
            iat: '1794971200',
            email_verified: 'true',
            groups: '[총무과 결재권자]',
          },
          scopes: null,
        },
      });
    });

    it('answers 401 Unauthorized without a valid bearer token, before any function runs', async () => {
      const { port, invocations } = await startGateway();

      const missing = await call(port, '/me');
      const invalid = await call(port, '/me', { headers: { authorization: 'Bearer forged' } });

      for (const reply of [missing, invalid]) {
        expect(reply.status).toBe(401);
        expect(json(reply)).toEqual({ message: 'Unauthorized' });
      }
      expect(invocations).toEqual([]);
    });
  });

  describe('route priority', () => {
    it('prefers a literal segment to {param}, whichever route the template lists first', async () => {
      const { port, invocations } = await startGateway();

      await call(port, '/requests/mine');
      await call(port, '/requests/R-1');

      expect(invocations.map((call) => call.functionArn)).toEqual([fnArn('MyRequests'), fnArn('GetRequest')]);
      expect(invocations[1]?.event).toMatchObject({ routeKey: 'GET /requests/{id}', pathParameters: { id: 'R-1' } });
    });

    it('prefers {param} to a greedy {proxy+}, which takes the rest of the path, slashes included', async () => {
      const { port, invocations } = await startGateway();

      await call(port, '/reports/2026-11/totals.csv');
      await call(port, '/reports/2026/11/totals.csv');

      expect(invocations.map((call) => call.event.routeKey)).toEqual(['GET /reports/{month}/{file}', 'GET /reports/{proxy+}']);
      expect(invocations[0]?.event.pathParameters).toEqual({ month: '2026-11', file: 'totals.csv' });
      expect(invocations[1]?.event.pathParameters).toEqual({ proxy: '2026/11/totals.csv' });
    });

    it('answers 404 Not Found when the path matches only routes of another method', async () => {
      const { port, invocations } = await startGateway();

      const reply = await call(port, '/requests/mine', { method: 'DELETE' });

      expect(reply.status).toBe(404);
      expect(json(reply)).toEqual({ message: 'Not Found' });
      expect(invocations).toEqual([]);
    });
  });

  describe('function failures and timeouts', () => {
    it('answers 500 Internal Server Error when the function throws, revealing nothing of the error', async () => {
      const { port } = await startGateway({
        invoke: async () => {
          throw new Error('ConditionalCheckFailed on REQ#1');
        },
      });

      const reply = await call(port, '/requests/R-1');

      expect(reply.status).toBe(500);
      expect(json(reply)).toEqual({ message: 'Internal Server Error' });
    });

    it('answers 503 Service Unavailable when the integration timeout passes before the function answers', async () => {
      const { port } = await startGateway({ integrationTimeoutMs: 50, invoke: () => new Promise(() => undefined) });

      const reply = await call(port, '/requests/R-1');

      expect(reply.status).toBe(503);
      expect(json(reply)).toEqual({ message: 'Service Unavailable' });
    });
  });

  describe('payload limit (10 MB)', () => {
    const octets = { 'content-type': 'application/octet-stream' };

    it('answers 413 to a declared Content-Length over 10 MB without reading the body or invoking the function', async () => {
      const { port, invocations } = await startGateway();

      // Only the first bytes of the declared body are ever sent: the answer must not wait for the rest.
      const reply = await call(port, '/requests', {
        method: 'POST',
        headers: { ...octets, 'content-length': PAYLOAD_LIMIT_BYTES + 1 },
        send: (request) => request.write(Buffer.alloc(1024)),
      });

      expect(reply.status).toBe(413);
      expect(json(reply)).toEqual({ message: 'Request Entity Too Large' });
      expect(invocations).toEqual([]);
    });

    it('answers 413 to a chunked body once it passes 10 MB, without invoking the function', async () => {
      const { port, invocations } = await startGateway();

      const reply = await call(port, '/requests', {
        method: 'POST',
        headers: { ...octets, 'transfer-encoding': 'chunked' },
        body: Buffer.alloc(PAYLOAD_LIMIT_BYTES + 1),
      });

      expect(reply.status).toBe(413);
      expect(json(reply)).toEqual({ message: 'Request Entity Too Large' });
      expect(invocations).toEqual([]);
    });

    it('passes a body of exactly 10 MB to the function', async () => {
      const { port, invocations } = await startGateway();

      const reply = await call(port, '/requests', { method: 'POST', headers: octets, body: Buffer.alloc(PAYLOAD_LIMIT_BYTES, 7) });

      expect(reply.status).toBe(200);
      expect(Buffer.from(invocations[0]?.event.body, 'base64').length).toBe(PAYLOAD_LIMIT_BYTES);
    });
  });
});

describe('local Lambda host: the function Timeout', () => {
  let assemblyDir: string;
  let host: LambdaHost;
  const slow: LocalFunction = {
    logicalId: 'Slow',
    arn: fnArn('Slow'),
    assetPath: 'slow',
    handler: 'index.handler',
    environment: {},
    // A fraction of a second, so the test waits little; the template's Timeout is whole seconds.
    timeoutSeconds: 0.2,
  };

  beforeAll(async () => {
    assemblyDir = await mkdtemp(join(tmpdir(), 'lambda-host-'));
    await mkdir(join(assemblyDir, 'slow'));
    await writeFile(
      join(assemblyDir, 'slow', 'index.mjs'),
      'export const handler = async (event) => { await new Promise((done) => setTimeout(done, event.waitMs)); return { waited: event.waitMs }; };\n',
    );
    host = await LambdaHost.load(assemblyDir, [slow], () => ({}));
  });
  afterAll(() => rm(assemblyDir, { recursive: true, force: true }));

  it('returns what a function answers within its Timeout', async () => {
    await expect(host.invoke(slow.arn, { waitMs: 0 })).resolves.toEqual({ waited: 0 });
  });

  it("rejects with Lambda's Sandbox.Timedout error once the Timeout has passed in real time", async () => {
    const started = performance.now();

    const outcome = host.invoke(slow.arn, { waitMs: 1500 });

    await expect(outcome).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: expect.stringMatching(/Task timed out after 0\.20 seconds$/) });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("through the gateway, a function's own timeout is a function error: 500, as HTTP API answers it", async () => {
    const { port } = await startGateway({
      routes: [route('GET /slow', 'Slow')],
      invoke: (arn) => host.invoke(arn, { waitMs: 1500 }),
    });

    const reply = await call(port, '/slow');

    expect(reply.status).toBe(500);
    expect(json(reply)).toEqual({ message: 'Internal Server Error' });
  });
});
