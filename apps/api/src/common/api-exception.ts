import type { ErrorCode } from '@feedpass/contracts';

/** Codes only the OData feed answers with; the portal API never sees them. */
export type FeedErrorCode =
  | 'unauthorized'
  | 'not_acceptable'
  | 'not_implemented'
  | 'method_not_allowed'
  | 'timeout';

/**
 * The one error type of feedpass: an HTTP status, a stable `code` (libs/contracts/src/errors.ts lists
 * the portal's), a message a person can act on, and headers such as `Retry-After`. It says
 * nothing about the response format: the global `ErrorFilter` renders it as the portal's
 * `{statusCode, code, message}` or as an OData error, depending on where the request went.
 * Middlewares, guards and services throw it (or pass it to `next`).
 */
export class ApiException extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | FeedErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra fields of the portal's JSON body (the health check's `database`, …). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiException';
  }
}

export const notFound = (what: string) => new ApiException(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') =>
  new ApiException(403, 'forbidden', message);
export const unauthenticated = () => new ApiException(401, 'unauthenticated', 'Sign in first');
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new ApiException(429, 'too_many_requests', message, { 'Retry-After': String(retryAfterSeconds) });
