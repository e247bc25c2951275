import * as z from 'zod';
import { employeeIdPattern } from '../../../shared/directory/directory.js';
import { NotFoundError, ValidationError } from '../../../shared/kernel/errors.js';
import { toFieldIssues } from '../../../shared/kernel/validation.js';

/**
 * An API operation as data: what a route takes (path parameters, query, headers, body and its size
 * limit) and what it answers (per status, the content type and its schema). The handler validates
 * its path parameters and body size with it and types its answer by it; the OpenAPI document
 * (openapi.json) is generated from the same objects, so neither can say something the other does not.
 */
export interface Operation<P extends z.ZodRawShape = z.ZodRawShape, R extends Responses = Responses> {
  /** The OpenAPI operationId; a route names its operation by it. */
  id: string;
  summary: string;
  description?: string;
  tag: string;
  /** Path parameters: each a string schema whose failure means "no such resource" (404) or a bad value (400). */
  params?: { schema: z.ZodObject<P>; malformed: 'not-found' | 'invalid' };
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: { schema: z.ZodType; contentType: BodyType; required?: boolean; maxBytes: number };
  responses: R;
  /** Refusals are pages, not JSON: a route a browser opens (a page's 200 says so by itself; a redirect does not). */
  pageRefusals?: true;
}

export type BodyType = 'application/json' | 'application/x-www-form-urlencoded';

export interface ResponseSpec {
  description: string;
  /** Content types and their schemas (`null`: the body is not described, such as a file). */
  content?: Record<string, z.ZodType | null>;
  headers?: Record<string, { description: string; schema: { type: 'string' } }>;
  /** The answer may also be an empty body with no content type (Slack's acknowledgement). */
  emptyAllowed?: boolean;
}
export type Responses = Record<number, ResponseSpec>;

/** Every error response: a Korean message, and for invalid input the field and what is wrong with it. */
export const errorSchema = z
  .strictObject({
    message: z.string().meta({ description: 'What is wrong, in Korean, safe to show the user.' }),
    issues: z
      .array(z.strictObject({ path: z.string().meta({ description: "The field, e.g. 'amountKrw' or 'id'." }), message: z.string() }))
      .optional(),
  })
  .meta({ id: 'Error' });

/** A JSON answer with `schema`. */
export const json = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { 'application/json': schema } });
/** An HTML page (decision links). */
export const page = (description: string) => ({ description, content: { 'text/html': z.string() } });

/** Typical request bodies are a few KB; the largest (a request's details, a directory entry) stay well under this. */
export const JSON_BODY_LIMIT = 64 * 1024;

/** Declares an operation (checked by the compiler against the handler that answers it). */
export const defineOperation = <const P extends z.ZodRawShape, const R extends Responses>(operation: Operation<P, R>) => operation;

// Path parameters: the shapes ids have, so an id that cannot exist never reaches the table.

/** `R20261127-8K3M9Q2T`: the date the request was made and eight Crockford base32 characters (shared/adapters/system.ts). */
export const requestIdParam = z
  .string()
  .regex(/^R\d{8}-[0-9A-HJKMNP-TV-Z]{8}$/, { error: '요청 번호(id)는 R20261127-8K3M9Q2T 형식입니다' })
  .meta({ example: 'R20261127-8K3M9Q2T' });
/** A decision link's id: 32 random bytes, base64url. */
export const linkIdParam = z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: '결재 링크가 올바르지 않습니다. 메일의 링크 전체를 여세요' });
export const employeeIdParam = z.string().regex(employeeIdPattern, { error: '직원 id는 E와 네 자리 이상의 숫자입니다 (예: E1016)' });
export const vehicleIdParam = z.string().regex(/^V\d{3}$/, { error: '차량 id는 V와 세 자리 숫자입니다 (예: V001)' });
export const monthParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: '월은 2026-11처럼 YYYY-MM이어야 합니다' });
export const dateParam = z.iso.date({ error: 'YYYY-MM-DD 형식의 날짜여야 합니다' });

/** The path parameters of `event`, checked against the operation: a shape no id has is a 404 (or a 400 for values). */
export function pathParamsOf<P extends z.ZodRawShape>(
  operation: Pick<Operation<P>, 'params'>,
  values: Record<string, string | undefined> | undefined,
): z.infer<z.ZodObject<P>> {
  if (!operation.params) return {} as z.infer<z.ZodObject<P>>;
  const result = operation.params.schema.safeParse(values ?? {});
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error);
  if (operation.params.malformed === 'not-found') {
    const error = new NotFoundError(`찾을 수 없습니다 — ${issues.map((issue) => issue.message).join('; ')}`);
    throw Object.assign(error, { issues });
  }
  throw new ValidationError(`경로가 올바르지 않습니다 — ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}
