/**
 * Errors a person may see. Each carries the HTTP status it maps to and a Korean message
 * that is safe to show (`expose`). Anything that is not an AppError becomes a generic 500
 * whose details stay in the logs (see functions/http/http-api.ts).
 */
export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  readonly expose = true;
  override name = this.constructor.name;
}

export class ValidationError extends AppError {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
  constructor(message = '인증이 필요합니다. 유효한 토큰으로 다시 시도하세요.') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly statusCode = 403;
}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
}

export class ConflictError extends AppError {
  readonly statusCode = 409;
}

export class GoneError extends AppError {
  readonly statusCode = 410;
}

export class UnprocessableError extends AppError {
  readonly statusCode = 422;
}

/** A second claim of a kind limited per person per year. */
export class DuplicateClaimError extends ConflictError {}
/** The request is not in a state that allows the action (e.g. withdrawing an approved request). */
export class InvalidStateError extends ConflictError {}
/** The approval link was already used for a decision. */
export class AlreadyDecidedError extends ConflictError {}
/** The approval link has passed its expiry. */
export class LinkExpiredError extends GoneError {}
/** The same Idempotency-Key was reused with a different body. */
export class IdempotencyKeyReuseError extends UnprocessableError {}
