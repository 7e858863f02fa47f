/**
 * Strict ISO-8601 date-time with an offset (`2027-01-31T23:59:59Z`, `…+01:00`): a date
 * that does not exist (30 February) is refused instead of rolling over as `Date` does.
 */
const SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

export function parseIsoDateTime(text: string): Date | null {
  const m = SHAPE.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(
    Number,
  );
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return null;
  if (m[9] && (Number(m[10]) > 14 || Number(m[11]) > 59)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A timestamptz expression as JavaScript's `toISOString()` writes it (UTC, milliseconds,
 * `Z`), whatever the session's time zone: SQL that spells a time the way TypeScript compares
 * it (notice kinds, event details).
 */
export function isoTimeSql(expr: string): string {
  // Parenthesized: `at time zone` binds tighter than `+` or `-`.
  return `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
