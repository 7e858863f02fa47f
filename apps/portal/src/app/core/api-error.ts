import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError } from '@feedpass/contracts';

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
