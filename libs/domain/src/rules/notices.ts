/**
 * When expiry notices fall due. A token gets one notice per threshold of
 * `notifyDaysBefore` (days before its expiry) — unless that threshold already lay inside
 * its life when it was minted, i.e. the token's whole lifetime is not longer than the
 * threshold — and one when it has expired. `nextNoticeAt` is what the job's index scans,
 * so each run touches only the tokens that are due.
 *
 * Days are exact 24 hours, in TypeScript and SQL alike (`interval '1 day'` would follow
 * daylight saving in the session's time zone).
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export interface NoticeTimes {
  createdAt: Date;
  expiresAt: Date | null;
}

/** Thresholds (in days) that apply to a token: those shorter than its whole lifetime. */
export function applicableThresholds(token: NoticeTimes, notifyDaysBefore: number[]): number[] {
  if (!token.expiresAt) return [];
  const lifetime = token.expiresAt.getTime() - token.createdAt.getTime();
  return notifyDaysBefore.filter((days) => lifetime > days * DAY_MS);
}

/** The next moment after `now` at which a notice about this token falls due, or null. */
export function nextNoticeAt(
  token: NoticeTimes,
  notifyDaysBefore: number[],
  now: Date,
): Date | null {
  if (!token.expiresAt) return null;
  const expires = token.expiresAt.getTime();
  const upcoming = applicableThresholds(token, notifyDaysBefore)
    .map((days) => expires - days * DAY_MS)
    .filter((at) => at > now.getTime());
  if (upcoming.length) return new Date(Math.min(...upcoming));
  return expires > now.getTime() ? new Date(expires) : null;
}

/**
 * The same rule in SQL, for set-based statements. `token` is the alias of a row with
 * `expires_at` and `created_at`, `days` an integer expression.
 */
export const noticeSql = {
  /** The moment the `days`-before notice falls due. */
  dueAt: (token: string, days: string) => `${token}.expires_at - ${days} * interval '24 hours'`,
  /** `applicableThresholds`: the threshold is shorter than the token's whole lifetime. */
  applies: (token: string, days: string) =>
    `${token}.expires_at - ${token}.created_at > ${days} * interval '24 hours'`,
};

/**
 * `nextNoticeAt` in SQL: `t` is the access_token alias, `thresholds` a jsonb array
 * expression and `now` a timestamptz expression.
 */
export function nextNoticeAtSql(thresholds: string, now: string): string {
  return `coalesce(
    (select min(${noticeSql.dueAt('t', 'd::int')})
       from jsonb_array_elements_text(${thresholds}) d
      where ${noticeSql.dueAt('t', 'd::int')} > ${now}
        and ${noticeSql.applies('t', 'd::int')}),
    case when t.expires_at > ${now} then t.expires_at end)`;
}
