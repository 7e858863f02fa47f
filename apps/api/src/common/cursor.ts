import { ApiException } from './api-exception.js';

/** Opaque paging cursors: base64url JSON, checked on the way back in. */
export function encodeCursor(position: unknown[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends unknown[]>(cursor: string, check: (value: unknown[]) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && check(value)) return value;
  } catch {
    // fall through
  }
  throw new ApiException(400, 'invalid_cursor', 'cursor is not one this API handed out; start again without it');
}
