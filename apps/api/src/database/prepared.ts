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

/**
 * The pool last handed out per connection. The key is MikroORM's `Connection`, which outlives
 * its pool: `close()` ends the pool and drops its Kysely client, and the next `connect()` (or
 * `reconnect()`, or a query made after a close) builds a new pool behind the same object. So
 * an ended pool is never handed out: it is fetched again from the connection.
 */
const pools = new WeakMap<object, Pool>();

/** The pool behind the connection now, if the one last handed out is still open. */
function livePool(em: EntityManager): Pool | undefined {
  const pool = pools.get(em.getConnection());
  return pool && !pool.ended ? pool : undefined;
}

/** The pg pool behind the EntityManager's connection now (created by MikroORM). */
export async function nativePool(em: EntityManager): Promise<Pool> {
  const live = livePool(em);
  if (live) return live;
  const connection = em.getConnection();
  const pool = await connection.getNativeClient();
  pools.set(connection, pool);
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
  const pool = livePool(em) ?? (await nativePool(em));
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
