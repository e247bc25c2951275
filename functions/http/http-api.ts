import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { AppError, UnauthorizedError, ValidationError } from '../../shared/kernel/errors.js';
import { linkProblemPage } from '../../shared/notifications/decision-pages.js';
import { correlate, errorFields, logger, observed } from '../observability.js';
import { type Operation, pathParamsOf, type Responses } from './contract/operation.js';

/** API Gateway HTTP API (payload 2.0) event; `authorizer.jwt` is present on JWT-protected routes, every claim a string. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims: Record<string, string> } };
  };
};
export type HttpResult = APIGatewayProxyStructuredResultV2;
type HttpHandler<P> = (event: HttpEvent, request: { params: P; context: Context }) => Promise<HttpResult>;

const securityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...securityHeaders, ...headers },
  body: JSON.stringify(body),
});

/** A CSV the caller downloads (UTF-8 with BOM, as `shared/kernel/csv.ts` writes it), never cached. */
export const csvDownload = (fileName: string, body: Buffer): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' },
  body: body.toString('base64'),
  isBase64Encoded: true,
});

export const html = (statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    ...securityHeaders,
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ...headers,
  },
  body,
});

/** The answer of `operation` with `status`: the body's type is the one its contract declares for that status. */
export function reply<R extends Responses, S extends keyof R & number>(
  _operation: { responses: R },
  status: S,
  body: R[S]['content'] extends { 'application/json': infer Schema extends z.ZodType } ? z.input<Schema> : never,
  headers: Record<string, string> = {},
): HttpResult {
  return json(status, body, headers);
}

const PROBLEM_TITLES: Record<number, string> = {
  400: '입력값을 확인하세요',
  404: '링크를 찾을 수 없습니다',
  409: '이미 처리된 결재입니다',
  410: '링크가 만료되었습니다',
  413: '내용이 너무 큽니다',
  503: '잠시 후 다시 시도하세요',
};

/** A body over the route's limit (API Gateway's own limit is 10 MB; ours are far smaller). */
export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
}

/**
 * Errors of a dependency that is busy or briefly down (DynamoDB throttling, a 5xx, a dropped
 * connection), after the SDK's own retries: nothing was changed (every write is one transaction
 * or conditional), so the caller may safely retry.
 */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const RETRY_AFTER_SECONDS = 2;

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & { code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (TRANSIENT_NAMES.has(error.name) || details.$retryable !== undefined) return true;
  if (typeof details.code === 'string' && TRANSIENT_CODES.has(details.code)) return true;
  if ((details.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return error.cause !== undefined && error.cause !== error && isTransient(error.cause);
}

/**
 * Maps errors to responses in one place: an AppError shows its Korean message with its status;
 * anything else is logged with the request id and becomes a 500 that reveals nothing.
 */
function errorResponses(format: 'json' | 'html'): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof AppError) {
        request.response =
          format === 'json'
            ? json(error.statusCode, { message: error.message, ...(error instanceof ValidationError ? { issues: error.issues } : {}) })
            : html(error.statusCode, linkProblemPage(PROBLEM_TITLES[error.statusCode] ?? '요청을 처리할 수 없습니다', error.message));
        return;
      }
      const transient = isTransient(error);
      (transient ? logger.warn : logger.error).call(logger, transient ? 'dependency unavailable' : 'unhandled error', {
        route: request.event.routeKey,
        error: errorFields(error),
      });
      const status = transient ? 503 : 500;
      const message = transient
        ? `지금은 요청이 많거나 저장소에 연결할 수 없어 처리하지 못했습니다. 아무것도 바뀌지 않았으니 ${RETRY_AFTER_SECONDS}초 뒤 다시 시도하세요.`
        : '요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요.';
      const headers: Record<string, string> = transient ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
      request.response = format === 'json' ? json(status, { message }, headers) : html(status, linkProblemPage('일시적인 오류', message), headers);
    },
  };
}

/**
 * What the route's operation says of its input, checked before the handler runs: the body is within
 * its limit (413) and the path parameters have a shape an id can have (else 404 or 400), so nothing
 * malformed reaches the table.
 */
function checked<P extends z.ZodRawShape>(operation: Operation<P>, handler: HttpHandler<z.infer<z.ZodObject<P>>>) {
  return async (event: HttpEvent, context: Context) => {
    // A body the operation does not take is never read, whatever its size.
    const limit = operation.body?.maxBytes;
    if (limit !== undefined && event.body && bodySize(event) > limit) {
      throw new PayloadTooLargeError(`요청 본문이 너무 큽니다. ${Math.floor(limit / 1024)}KB 이내로 보내세요.`);
    }
    return handler(event, { params: pathParamsOf(operation, event.pathParameters), context });
  };
}

const bodySize = (event: HttpEvent) =>
  event.isBase64Encoded ? Math.floor(((event.body?.length ?? 0) * 3) / 4) : Buffer.byteLength(event.body ?? '');

/**
 * One line per request answered (after the error responses made it an answer): the route, never
 * the path (it may carry a search), its status and time. A request's own routes carry its id as
 * the correlation id; a submission sets it once the request has one (`correlate`).
 */
function accessLog(): MiddlewareObj<HttpEvent, HttpResult> {
  // Per invocation (the local runtime runs several of one function at once).
  const started = new WeakMap<object, number>();
  const line = (request: { event: HttpEvent; response?: HttpResult | null }) =>
    logger.info('request answered', {
      route: request.event.routeKey,
      status: request.response?.statusCode,
      ms: Date.now() - (started.get(request) ?? Date.now()),
    });
  return {
    before: async (request) => {
      started.set(request, Date.now());
      const params = request.event.pathParameters ?? {};
      const requestId = params['requestId'] ?? params['id'];
      correlate({ requestId: requestId && /^R[0-9A-Za-z-]{1,60}$/.test(requestId) ? requestId : undefined });
    },
    after: async (request) => line(request),
    onError: async (request) => {
      if (request.response) line(request);
    },
  };
}

const api = (format: 'json' | 'html') =>
  middy<HttpEvent, HttpResult>()
    .use(observed() as MiddlewareObj<HttpEvent, HttpResult>[])
    .use(accessLog())
    .use(errorResponses(format));

/** A JSON route answering `operation`. */
export const jsonApi = <P extends z.ZodRawShape>(operation: Operation<P>, handler: HttpHandler<z.infer<z.ZodObject<P>>>) =>
  api('json').handler(checked(operation, handler));
/** A page route (decision links) answering `operation`: its errors are pages too. */
export const htmlApi = <P extends z.ZodRawShape>(operation: Operation<P>, handler: HttpHandler<z.infer<z.ZodObject<P>>>) =>
  api('html').handler(checked(operation, handler));

/** The employee id of the caller, from the token API Gateway's JWT authorizer already verified. */
export function callerId(event: HttpEvent): string {
  const subject = event.requestContext.authorizer?.jwt?.claims['sub'];
  if (typeof subject !== 'string' || subject === '') throw new UnauthorizedError();
  return subject;
}

/** The body exactly as sent: base64 decoded to bytes, never through a string (signatures are over bytes). */
export function bodyBytes(event: HttpEvent): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function rawBody(event: HttpEvent): string {
  if (event.body === undefined || event.body === null) return '';
  // Decode base64 as bytes then UTF-8: decoding as ASCII would break Korean text.
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function jsonBody(event: HttpEvent): unknown {
  const body = rawBody(event);
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ValidationError('요청 본문이 올바른 JSON이 아닙니다.', [{ path: '(본문)', message: 'JSON 형식을 확인하세요' }]);
  }
}

/** A form's fields; a field sent more than once (checkboxes of one name) is the list of its values. */
export function formBody(event: HttpEvent): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(rawBody(event))) {
    const earlier = fields[name];
    fields[name] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return fields;
}

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers[name.toLowerCase()];
}
