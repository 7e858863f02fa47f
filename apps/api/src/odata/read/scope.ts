import type { Feed } from '../feed.service.js';
import type { EntitySetModel } from '../query/edm.js';
import { compileFilterAst } from '../query/sql-compiler.js';
import type { Scope } from './collection-reader.js';

/** The owner's row filter of a set as a parenthesised condition, its values bound. */
export function rowFilterOf(feed: Feed, set: EntitySetModel, params: unknown[]): string | null {
  const filter = feed.rowFilters.get(set.name);
  return filter ? `(${compileFilterAst(filter, set, params)})` : null;
}

/**
 * A set's rows as the feed may show them, before any query option: its table, with its
 * owner's row filter, if any, always applied — whoever reads, through whatever path.
 */
export function scopeOf(
  feed: Feed,
  set: EntitySetModel,
  tables: { table(name: string): string },
): Scope {
  const source = feed.source.get(set.name)!;
  const params: unknown[] = [];
  const filter = rowFilterOf(feed, set, params);
  return {
    set,
    from: tables.table(source.table),
    uniqueKey: source.uniqueKey,
    conditions: filter ? [filter] : [],
    params,
  };
}
