import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import type { LocalRoute } from './template.js';

/** HTTP API's payload quota (10 MB, not adjustable): a larger request body never reaches a function. */
export const PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/** HTTP API's maximum integration timeout: past it the caller gets 503 even if the function is still running. */
const INTEGRATION_TIMEOUT_MS = 30_000;

interface RouteMatcher {
  route: LocalRoute;
  pattern: RegExp;
  names: string[];
  /** Per path segment, left to right: 0 literal, 1 `{param}`, 2 `{greedy+}`; lower is more specific. */
  rank: number[];
}

export interface ApiGatewayOptions {
  routes: LocalRoute[];
  invoke(functionArn: string, event: unknown): Promise<unknown>;
  verify(token: string, expected: { issuer: string; audience: string[] }): Promise<JWTPayload>;
  /** The request time API Gateway stamps on the event (the local clock); default: the real time. */
  now?(): Date;
  /** Real milliseconds to wait for a function before answering 503; default HTTP API's 30 s. Tests pass less. */
  integrationTimeoutMs?: number;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

type BodyHandler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => Promise<void>;

/** What a function may return in payload format 2.0 instead of a bare JSON value. */
interface StructuredResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

const TEXT_TYPES = /^(application\/json|text\/|application\/.*\+json)/i;
const TIMED_OUT = Symbol('integration timed out');

/**
 * An HTTP API (payload format 2.0) in front of the local functions: route matching,
 * the JWT authorizer, and the event/response mapping API Gateway does in AWS.
 */
export function makeApiGateway(options: ApiGatewayOptions): BodyHandler {
  const matchers = options.routes.map(matcherFor);
  const now = options.now ?? (() => new Date());
  const integrationTimeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;

  return async function handle(request, response, body) {
    const method = request.method ?? 'GET';
    const { rawPath, rawQueryString } = splitTarget(request.url ?? '/');
    // API Gateway refuses a path it cannot decode at the edge; no route is chosen and no function runs.
    if (!isDecodable(rawPath)) {
      sendGatewayError(response, 400, 'Bad Request');
      return;
    }
    const matcher = matchers
      .filter((candidate) => (candidate.route.method === method || candidate.route.method === 'ANY') && candidate.pattern.test(rawPath))
      .sort(bySpecificity)[0];
    if (!matcher) {
      sendGatewayError(response, 404, 'Not Found');
      return;
    }
    const { route } = matcher;
    let claims: Record<string, string> | undefined;
    if (route.jwt) {
      const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      try {
        if (!token) throw new Error('no bearer token');
        claims = claimsAsStrings(await options.verify(token, route.jwt));
      } catch (error) {
        options.log('info', 'jwt rejected', { route: `${method} ${route.path}`, reason: String(error) });
        sendGatewayError(response, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
        return;
      }
    }
    const event = buildEvent({ request, matcher, rawPath, rawQueryString, body, claims, requestTime: now() });
    const routeKey = `${method} ${route.path}`;
    let result: unknown;
    try {
      result = await within(options.invoke(route.functionArn, event), integrationTimeoutMs);
    } catch (error) {
      // A function error, Lambda's own timeout (the function's Timeout) included, is a 500 from HTTP API.
      options.log('error', 'function failed', { route: routeKey, error: error instanceof Error ? error.stack : String(error) });
      sendGatewayError(response, 500, 'Internal Server Error');
      return;
    }
    if (result === TIMED_OUT) {
      options.log('error', 'integration timed out', { route: routeKey, timeoutMs: integrationTimeoutMs });
      sendGatewayError(response, 503, 'Service Unavailable');
      return;
    }
    try {
      respond(response, result);
    } catch (error) {
      options.log('error', 'invalid function response', { route: routeKey, error: String(error) });
      if (!response.headersSent) sendGatewayError(response, 500, 'Internal Server Error');
    }
  };
}

/**
 * A request listener that buffers each body for `handle`, up to HTTP API's payload quota. Past it the
 * caller gets API Gateway's 413 and the rest of the body is neither kept nor handled; a declared
 * Content-Length over the quota is refused before any of the body is read.
 */
export function bufferingBodies(handle: BodyHandler, log: ApiGatewayOptions['log'], limit = PAYLOAD_LIMIT_BYTES): RequestListener {
  return (request, response) => {
    if (requestLineAndHeaderBytes(request) > REQUEST_LINE_AND_HEADERS_LIMIT_BYTES) {
      sendGatewayError(response, 431, 'Request Header Fields Too Large', { connection: 'close' });
      return;
    }
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      refuseTooLarge(response);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      chunks.length = 0;
      refuseTooLarge(response);
    };
    request.on('data', onData);
    request.on('end', () => {
      if (received > limit) return;
      handle(request, response, Buffer.concat(chunks)).catch((error: unknown) => {
        log('error', 'request failed', { error: String(error) });
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  };
}

/**
 * HTTP API's quota on the request line and header values together (10,240 bytes). AWS documents the
 * quota, not the answer; a 431 in the gateway's error shape is our reading of it.
 */
const REQUEST_LINE_AND_HEADERS_LIMIT_BYTES = 10_240;
/** What Node itself accepts before the facade sees a request: above the quota, so the facade is the one to answer. */
export const NODE_MAX_HEADER_BYTES = 256 * 1024;

function requestLineAndHeaderBytes(request: IncomingMessage): number {
  const line = Buffer.byteLength(`${request.method ?? ''} ${request.url ?? ''} HTTP/${request.httpVersion}`);
  let headers = 0;
  for (let i = 1; i < request.rawHeaders.length; i += 2) headers += Buffer.byteLength(request.rawHeaders[i] ?? '');
  return line + headers;
}

function refuseTooLarge(response: ServerResponse) {
  // Closing the connection once answered spares reading (and discarding) the rest of an oversized upload.
  sendGatewayError(response, 413, 'Request Entity Too Large', { connection: 'close' });
}

function matcherFor(route: LocalRoute): RouteMatcher {
  const names: string[] = [];
  const rank: number[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const variable = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!variable) {
        rank.push(0);
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      const greedy = variable[2] === '+';
      names.push(variable[1] ?? '');
      rank.push(greedy ? 2 : 1);
      // A greedy variable takes the rest of the path, slashes included.
      return greedy ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names, rank };
}

/**
 * API Gateway's route priority among the routes a request matches: the most specific path first,
 * compared segment by segment (a literal beats `{param}`, which beats `{greedy+}`), then an exact method before ANY.
 */
function bySpecificity(a: RouteMatcher, b: RouteMatcher): number {
  for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i += 1) {
    const difference = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return Number(a.route.method === 'ANY') - Number(b.route.method === 'ANY');
}

/** The path and query string exactly as the client sent them (URL parsing would normalize both). */
function splitTarget(target: string): { rawPath: string; rawQueryString: string } {
  const queryAt = target.indexOf('?');
  return queryAt < 0 ? { rawPath: target, rawQueryString: '' } : { rawPath: target.slice(0, queryAt), rawQueryString: target.slice(queryAt + 1) };
}

function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function buildEvent(input: {
  request: IncomingMessage;
  matcher: RouteMatcher;
  rawPath: string;
  rawQueryString: string;
  body: Buffer;
  claims: Record<string, string> | undefined;
  requestTime: Date;
}) {
  const { request, matcher, rawPath, rawQueryString, body, claims, requestTime } = input;
  const { route, names } = matcher;
  const method = request.method ?? 'GET';
  const { headers, cookies } = eventHeaders(request);
  const values = matcher.pattern.exec(rawPath)?.slice(1) ?? [];
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    queryStringParameters: queryParameters(rawQueryString),
    // The path was checked to be decodable before routing, so each value is too.
    pathParameters: names.length ? Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')])) : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: rawPath,
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
}

/**
 * Headers as format 2.0 has them: names lower-cased, a repeated header's values joined with commas.
 * Cookie headers are not among them: each cookie becomes one entry of the event's `cookies`.
 */
function eventHeaders(request: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies.push(...values.flatMap((value) => value.split(';').map((cookie) => cookie.trim())).filter((cookie) => cookie !== ''));
    } else {
      headers[name] = values.join(',');
    }
  }
  return { headers, cookies };
}

/** Format 2.0 has no multi-value parameters: a repeated parameter's values are joined with commas. */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const joined = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const earlier = joined.get(name);
    joined.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  return Object.fromEntries(joined);
}

/**
 * Claims as API Gateway's JWT authorizer passes them on: every value a string. Arrays arrive as
 * `[a b]` (bracketed, space-separated; reported by users of real API Gateway, not documented by AWS).
 */
function claimsAsStrings(claims: JWTPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, claimString(value)]));
}

function claimString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimString).join(' ')}]`;
  // No report says how API Gateway renders an object claim; JSON at least keeps it readable.
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** Waits for `work` at most `ms` of real time: setTimeout does not follow the local clock's speed, nor does API Gateway. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function respond(response: ServerResponse, result: unknown) {
  if (!isStructured(result)) {
    // A bare value: API Gateway answers 200 with it as the JSON body.
    send(response, 200, { 'content-type': 'application/json' }, JSON.stringify(result));
    return;
  }
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  send(response, result.statusCode, responseHeaders(result), body);
}

function isStructured(result: unknown): result is StructuredResult {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

/** The function's headers, and each entry of its `cookies` as a Set-Cookie header of its own. */
function responseHeaders(result: StructuredResult): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = [...[headers['set-cookie'] ?? []].flat(), ...result.cookies];
  return headers;
}

/** API Gateway's own answers, not a function's: its exact English bodies, which clients of the deployed API get too. */
function sendGatewayError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  send(response, status, { 'content-type': 'application/json', ...headers }, JSON.stringify({ message }));
}

function send(response: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer) {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
