/**
 * Whether an error means "the database cannot be reached right now" (refused or reset
 * connections, a server shutting down or starting up): such requests fail fast with 503
 * and a Retry-After instead of a 500, and succeed again once PostgreSQL is back.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
// admin_shutdown, crash_shutdown, cannot_connect_now, connection_failure, …
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error as
        { code?: string; cause?: unknown; name?: string; message?: string } | undefined,
      depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (e.name === 'ConnectionException') return true;
    if (e.code && (NETWORK_CODES.has(e.code) || SQLSTATES.has(e.code))) return true;
    if (
      /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
        e.message ?? '',
      )
    )
      return true;
    e = e.cause as typeof e;
  }
  return false;
}

export const RETRY_AFTER_SECONDS = '5';

/**
 * A deadlock or serialization failure PostgreSQL resolved by aborting this transaction:
 * nothing was written, and the same request may simply be sent again (409, not 500).
 */
export function isTransientConflict(error: unknown): boolean {
  for (
    let e = error as { code?: string; cause?: unknown; name?: string } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (e.name === 'DeadlockException' || e.code === '40P01' || e.code === '40001') return true;
    e = e.cause as typeof e;
  }
  return false;
}
