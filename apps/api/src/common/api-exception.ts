import { HttpException } from '@nestjs/common';
import type { ApiError, ErrorCode } from '@feedpass/contracts';

/** An HTTP error with the stable `code` of SPEC.md section 7. */
export class ApiException extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ statusCode: status, code, message } satisfies ApiError, status);
  }
}

export const notFound = (what: string) => new ApiException(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') =>
  new ApiException(403, 'forbidden', message);
export const unauthenticated = () => new ApiException(401, 'unauthenticated', 'Sign in first');
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new ApiException(429, 'too_many_requests', message, { 'Retry-After': String(retryAfterSeconds) });
