import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { AppError, UnauthorizedError, ValidationError } from '../../shared/kernel/errors.js';
import { log } from '../../shared/kernel/log.js';
import { linkProblemPage } from '../../shared/notifications/decision-pages.js';

/** API Gateway HTTP API (payload 2.0) event; `authorizer.jwt` is present on JWT-protected routes. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims: Record<string, string | number | boolean | string[]> } };
  };
};
export type HttpResult = APIGatewayProxyStructuredResultV2;
type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

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

export const html = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    ...securityHeaders,
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  },
  body,
});

const PROBLEM_TITLES: Record<number, string> = {
  400: '입력값을 확인하세요',
  404: '링크를 찾을 수 없습니다',
  409: '이미 처리된 결재입니다',
  410: '링크가 만료되었습니다',
};

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
      log.error('unhandled error', {
        awsRequestId: request.context.awsRequestId,
        route: request.event.routeKey,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      });
      const message = '요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요.';
      request.response = format === 'json' ? json(500, { message }) : html(500, linkProblemPage('일시적인 오류', message));
    },
  };
}

export const jsonApi = (handler: HttpHandler) => middy<HttpEvent, HttpResult>().use(errorResponses('json')).handler(handler);
export const htmlApi = (handler: HttpHandler) => middy<HttpEvent, HttpResult>().use(errorResponses('html')).handler(handler);

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

export function formBody(event: HttpEvent): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(rawBody(event)));
}

export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(`경로에 ${name}이(가) 없습니다.`, [{ path: name, message: '필수 값입니다' }]);
  return value;
}

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers[name.toLowerCase()];
}
