import type { TokenStatus } from '@feedpass/contracts';

export interface TokenTimes {
  revokedAt: Date | null | undefined;
  expiresAt: Date | null | undefined;
}

/**
 * What "active" means, written once. A token is expired the instant its expiry passes,
 * whether or not any job has run; revoked wins over expired. `tokenStatus` is the rule in
 * TypeScript, `activeTokenWhere` the same rule as a MikroORM filter and `activeTokenSql` as
 * a SQL condition, so a query and a response never disagree about a token.
 */
export function tokenStatus(token: TokenTimes, now: Date): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Active at `now`, as a MikroORM filter on AccessToken. */
export const activeTokenWhere = (now: Date) => ({
  revokedAt: null,
  $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
});

/** Expired (not revoked, expiry passed) at `now`, as a MikroORM filter on AccessToken. */
export const expiredTokenWhere = (now: Date) => ({ revokedAt: null, expiresAt: { $lte: now } });

/** Revoked, as a MikroORM filter on AccessToken. */
export const revokedTokenWhere = () => ({ revokedAt: { $ne: null } });

/**
 * Active as a SQL condition: `alias` is the access_token alias ('' for none), `now` a
 * timestamptz expression (a placeholder such as `?` or `:now`).
 */
export function activeTokenSql(now: string, alias = ''): string {
  const t = alias ? `${alias}.` : '';
  return `${t}revoked_at is null and (${t}expires_at is null or ${t}expires_at > ${now})`;
}

/** Expired (not revoked, expiry passed) as a SQL condition; arguments as for `activeTokenSql`. */
export function expiredTokenSql(now: string, alias = ''): string {
  const t = alias ? `${alias}.` : '';
  return `${t}revoked_at is null and ${t}expires_at is not null and ${t}expires_at <= ${now}`;
}

/**
 * Labels: 1–100 characters (Unicode code points) after trimming, well-formed Unicode, no
 * control characters inside (PostgreSQL cannot store NUL, and the rest only hide text). Null
 * when invalid.
 */
export function normalizeLabel(label: string, max = 100): string | null {
  const trimmed = label.trim();
  if (!trimmed.isWellFormed() || /[\u0000-\u001f\u007f]/.test(trimmed)) return null;
  const length = [...trimmed].length;
  return length >= 1 && length <= max ? trimmed : null;
}
