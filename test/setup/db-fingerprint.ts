import { sql } from './e2e-helpers';
import type { TestApp } from './test-app';

/**
 * Columns that legitimately move on a read or a refused request: a session's sliding
 * expiry and last-seen time (touched by every signed-in request), and a token's last use
 * and where it came from (written on a successful Basic sign-in at most once a minute, and
 * at once from another address or client).
 */
export const VOLATILE_COLUMNS = [
  'last_seen_at',
  'last_used_at',
  'last_used_ip',
  'last_used_client',
] as const;

/**
 * Volatile per table, beyond the common ones: a data source's last feed read (written by a
 * successful read at most once a minute, like a token's last use).
 */
const VOLATILE_BY_TABLE: Record<string, string[]> = {
  session: ['expires_at'],
  data_source: ['last_read_at', 'last_read_by_id'],
};

export interface TableFingerprint {
  rows: number;
  md5: string;
}

export type DatabaseFingerprint = Record<string, TableFingerprint>;

/**
 * Row count and an md5 over every row (as JSON, volatile columns removed, in a stable
 * order) of every table of the app's `public` schema, and of `demo.deals` when it exists.
 * Two equal fingerprints mean no row was inserted, deleted or changed.
 */
export async function databaseFingerprint(test: TestApp): Promise<DatabaseFingerprint> {
  const tables = await sql<{ schema: string; name: string }>(
    test,
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE'
        and (table_schema = 'public' or (table_schema = 'demo' and table_name = 'deals'))
        and table_name <> 'mikro_orm_migrations'
      order by 1, 2`,
  );
  const out: DatabaseFingerprint = {};
  for (const { schema, name } of tables) {
    const drop = [...VOLATILE_COLUMNS, ...(VOLATILE_BY_TABLE[name] ?? [])]
      .map((c) => ` - '${c}'`)
      .join('');
    const [row] = await sql<{ n: string | number; md5: string | null }>(
      test,
      `select count(*) as n, md5(coalesce(string_agg(j, E'\\n' order by j), '')) as md5
         from (select (to_jsonb(t)${drop})::text as j from "${schema}"."${name}" t) rows`,
    );
    out[`${schema}.${name}`] = { rows: Number(row.n), md5: row.md5 ?? '' };
  }
  return out;
}

/** The tables whose fingerprint differs (for a readable failure). */
export function changedTables(before: DatabaseFingerprint, after: DatabaseFingerprint): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((n) => before[n]?.rows !== after[n]?.rows || before[n]?.md5 !== after[n]?.md5)
    .map(
      (n) =>
        `${n}: ${before[n]?.rows ?? '-'} → ${after[n]?.rows ?? '-'} rows${before[n]?.md5 !== after[n]?.md5 ? ', content changed' : ''}`,
    );
}
