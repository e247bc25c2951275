import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import type { LocalRoute } from './template.js';

interface RouteMatcher {
  route: LocalRoute;
  pattern: RegExp;
  names: string[];
}

export interface ApiGatewayOptions {
  routes: LocalRoute[];
  invoke(functionArn: string, event: unknown): Promise<unknown>;
  verify(token: string, expected: { issuer: string; audience: string[] }): Promise<JWTPayload>;
  /** The request time API Gateway stamps on the event (the local clock); default: the real time. */
  now?(): Date;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

const TEXT_TYPES = /^(application\/json|text\/|application\/.*\+json)/i;

/**
 * An HTTP API (payload format 2.0) in front of the local functions: route matching,
 * the JWT authorizer, and the event/response mapping API Gateway does in AWS.
 */
export function makeApiGateway(options: ApiGatewayOptions) {
  const matchers: RouteMatcher[] = options.routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${source}$`), names };
  });

  const now = options.now ?? (() => new Date());

  return async function handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = request.method ?? 'GET';
    const candidates = matchers.filter((matcher) => matcher.pattern.test(url.pathname));
    const matcher = candidates.find((candidate) => candidate.route.method === method);
    if (!matcher) {
      send(response, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const { route } = matcher;
    let claims: JWTPayload | undefined;
    if (route.jwt) {
      const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      try {
        if (!token) throw new Error('no bearer token');
        claims = await options.verify(token, route.jwt);
      } catch (error) {
        options.log('info', 'jwt rejected', { route: `${method} ${route.path}`, reason: String(error) });
        send(response, 401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, JSON.stringify({ message: 'Unauthorized' }));
        return;
      }
    }
    const values = matcher.pattern.exec(url.pathname)?.slice(1) ?? [];
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(',') : (value ?? '')]),
    );
    const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
    const requestTime = now();
    const event = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: matcher.names.length
        ? Object.fromEntries(matcher.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]))
        : undefined,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers['host'] ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: requestTime.toISOString(),
        timeEpoch: requestTime.getTime(),
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
      // Like API Gateway: text bodies as strings, anything else (forms included) base64-encoded.
      body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
      isBase64Encoded: body.length > 0 && !isText,
    };
    try {
      const result = await options.invoke(route.functionArn, event);
      if (result && typeof result === 'object' && 'statusCode' in result) {
        const structured = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
        const payload = structured.body === undefined ? '' : structured.isBase64Encoded ? Buffer.from(structured.body, 'base64') : structured.body;
        send(response, structured.statusCode, structured.headers ?? {}, payload);
      } else {
        send(response, 200, { 'content-type': 'application/json' }, JSON.stringify(result));
      }
    } catch (error) {
      options.log('error', 'function failed', { route: `${method} ${route.path}`, error: error instanceof Error ? error.stack : String(error) });
      send(response, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
    }
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
