/**
 * When an unused token is revoked (SPEC 12): `revokeUnusedAfterDays` after its last use, or
 * after it was minted if it was never used, and when its owner is warned before: the
 * thresholds of `notifyDaysBefore` shorter than that stretch (a threshold of the stretch or
 * more would warn about a token that is not idle yet). Each threshold's notice counts from
 * one last use, so a token used again and then idle again gets a fresh round of them.
 *
 * Written once, in TypeScript and in SQL. Days are exact 24 hours in both (see notices.ts).
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export interface UsageTimes {
  createdAt: Date;
  lastUsedAt: Date | null | undefined;
}

/** What the idle stretch counts from: the last use, or minting. */
export function lastUseOf(token: UsageTimes): Date {
  return token.lastUsedAt ?? token.createdAt;
}

/** The moment a token last used at `lastUse` is revoked as unused after `days` days. */
export function unusedRevocationAt(lastUse: Date, days: number): Date {
  return new Date(lastUse.getTime() + days * DAY_MS);
}

/** The notice thresholds (days before the revocation) that apply under `days`. */
export function unusedNoticeThresholds(notifyDaysBefore: number[], days: number): number[] {
  return notifyDaysBefore.filter((d) => d < days);
}

/**
 * The threshold whose notice is due at `now` for a token last used at `lastUse`: the nearest
 * one already reached (after a pause, a 7-day notice must not follow when 1 day is left), or
 * null when none is, or when the revocation itself is due.
 */
export function dueUnusedNotice(
  lastUse: Date,
  days: number,
  notifyDaysBefore: number[],
  now: Date,
): number | null {
  const revokesAt = unusedRevocationAt(lastUse, days).getTime();
  if (revokesAt <= now.getTime()) return null;
  const reached = unusedNoticeThresholds(notifyDaysBefore, days).filter(
    (d) => revokesAt - d * DAY_MS <= now.getTime(),
  );
  return reached.length ? Math.min(...reached) : null;
}

/**
 * The same rules in SQL. `t` is an access_token alias, `days` an integer expression and `now`
 * a timestamptz expression. A range on `lastUse` against `lastUseBefore` is what the partial
 * index `access_token_unused_index` (tenant_id, coalesce(last_used_at, created_at)) serves,
 * so each side of a comparison is kept as written here.
 */
export const unusedSql = {
  /** `lastUseOf`, exactly the expression of the index. */
  lastUse: (t: string) => `coalesce(${t}.last_used_at, ${t}.created_at)`,
  /**
   * The last use at or before which a token is `days` days idle at `now`: `lastUse <=` it
   * means `unusedRevocationAt(lastUse, days) <= now`.
   */
  lastUseBefore: (now: string, days: string) => `${now} - ${days} * interval '24 hours'`,
  /** `unusedRevocationAt`. */
  revokesAt: (t: string, days: string) => `${unusedSql.lastUse(t)} + ${days} * interval '24 hours'`,
};

/** A timestamptz as JavaScript's `toISOString()` writes it (UTC, milliseconds, `Z`). */
export function isoTimeSql(expr: string): string {
  return `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
