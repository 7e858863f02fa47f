import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError, ErrorCode } from '@feedpass/contracts';

/** The message to show a user for a failed API call: the server's own words where it sent them. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof HttpErrorResponse) {
    const body = err.error as Partial<ApiError> | null;
    if (body && typeof body.message === 'string' && body.message) return body.message;
    if (err.status === 0)
      return 'The server cannot be reached. Check your connection and try again.';
  }
  return 'Something went wrong. Please try again.';
}

/** The API's stable error code of a failed call (`wrong_password`, …), or `null`. */
export function apiErrorCode(err: unknown): ErrorCode | null {
  if (err instanceof HttpErrorResponse) {
    const body = err.error as Partial<ApiError> | null;
    if (body && typeof body.code === 'string') return body.code;
  }
  return null;
}
