import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs one raw statement with positional parameters (`?`) in the EntityManager's
 * transaction, if it has one. Repositories use it for what the ORM cannot say in one
 * set-based statement.
 */
export function execute<T = unknown>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}

/** Runs a statement with named parameters (`:name`) in the EntityManager's transaction. */
export function executeNamed<T = unknown>(
  em: EntityManager,
  sql: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const values: unknown[] = [];
  const text = sql.replace(/:([a-z][a-zA-Z]*)/g, (match, name: string) => {
    if (!(name in params)) return match;
    values.push(params[name]);
    // Typed, so a time also works where PostgreSQL cannot infer it (a SELECT list).
    return params[name] instanceof Date ? '?::timestamptz' : '?';
  });
  return execute<T>(em, text, values);
}

/** Raw rows carry timestamps as the driver gives them (text); this makes them Dates. */
export const toDate = (value: Date | string | null | undefined): Date | null =>
  value === null || value === undefined ? null : new Date(value);
