import { TOKEN_CLIENT_MAX } from '@feedpass/contracts';

/** access_token.last_used_ip and last_rejected_ip are varchar(45), an IPv6 address at most. */
export const TOKEN_IP_MAX = 45;

/** A token's last use (or last rejected use) is written at most this often, same origin. */
export const RECORD_EVERY_MS = 60_000;

/** Where a feed request came from, as a token keeps it. */
export interface RequestOrigin {
  /**
   * The client address: Express's `req.ip`, which follows `X-Forwarded-For` only as far as
   * `TRUST_PROXY` allows (never read that header directly). Null when unknown.
   */
  ip: string | null;
  /** The User-Agent, at most {@link TOKEN_CLIENT_MAX} characters; null when absent. */
  client: string | null;
}

/**
 * The origin of a request from its `req.ip` and User-Agent: an IPv4 address that a dual-stack
 * socket reports as `::ffff:a.b.c.d` is kept as `a.b.c.d`, and both are cut to what the
 * columns hold (a trusted proxy could pass anything as an address).
 */
export function requestOrigin(
  ip: string | undefined,
  userAgent: string | undefined,
): RequestOrigin {
  const address = ip?.trim().replace(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i, '$1');
  const client = userAgent?.trim();
  return {
    ip: address ? address.slice(0, TOKEN_IP_MAX) : null,
    client: client ? client.slice(0, TOKEN_CLIENT_MAX) : null,
  };
}

/** What a token recorded about its last use (or rejected use). */
export interface RecordedUse {
  at: Date | null;
  ip: string | null;
  client: string | null;
}

/**
 * Whether a use must be written: never written, written a minute or more ago, or from
 * another address or client than the one recorded (so "last used from" is never stale).
 * The repository's conditional UPDATE says the same in SQL, so racing instances write once.
 */
export function isRecordDue(last: RecordedUse, origin: RequestOrigin, now: Date): boolean {
  return (
    !last.at ||
    now.getTime() - last.at.getTime() >= RECORD_EVERY_MS ||
    last.ip !== origin.ip ||
    last.client !== origin.client
  );
}
