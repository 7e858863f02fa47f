import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';

/**
 * A statement of the feed's hot path, run as a named prepared statement straight on the pg
 * pool MikroORM already holds (its `getNativeClient()`: same connections, same type parsers,
 * so rows look exactly as `execute` in `sql.ts` returns them). Each pooled connection parses
 * and plans it once; later runs send only Bind and Execute. Skipped on the way: MikroORM's
 * query formatting (it inlines the parameters into the SQL text, so PostgreSQL parses every
 * call afresh) and Kysely's connection provider.
 *
 * Only outside a transaction: a statement here never joins the EntityManager's one.
 */
export interface PreparedStatement {
  /** Unique per text: pg keys its per-connection statement cache by this name. */
  readonly name: string;
  /** SQL with `$1`, `$2`, … placeholders. */
  readonly text: string;
}

const pools = new WeakMap<object, Promise<Pool>>();

/** The pg pool behind the EntityManager's connection (created once by MikroORM). */
export function nativePool(em: EntityManager): Promise<Pool> {
  const connection = em.getConnection();
  let pool = pools.get(connection);
  if (!pool) {
    pool = connection.getNativeClient();
    pools.set(connection, pool);
  }
  return pool;
}

/** Runs a prepared statement; a driver error comes out as MikroORM's exceptions do. */
export async function runPrepared<T>(
  em: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  if (em.getTransactionContext()) {
    throw new Error(`${statement.name} runs outside a transaction only`);
  }
  const pool = await nativePool(em);
  try {
    const result = await pool.query<T & object>({
      name: statement.name,
      text: statement.text,
      values,
    });
    return result.rows;
  } catch (error) {
    throw em
      .getPlatform()
      .getExceptionConverter()
      .convertException(error as Error);
  }
}
