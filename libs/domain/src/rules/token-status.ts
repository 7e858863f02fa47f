import type { TokenStatus } from '@feedpass/contracts';

export interface TokenTimes {
  revokedAt: Date | null | undefined;
  expiresAt: Date | null | undefined;
}

/** A token is expired the instant its expiry passes, whether or not any job has run. */
export function tokenStatus(token: TokenTimes, now: Date): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
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
