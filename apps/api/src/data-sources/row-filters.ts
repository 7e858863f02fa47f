import { ROW_FILTER_MAX, type Catalog, type RowFilters } from '@feedpass/contracts';
import { ApiException } from '../common/api-exception.js';
import { setOf } from '../odata/model.js';
import { parseFilter } from '../odata/query/filter-parser.js';
import { ODataQueryError } from '../odata/query/odata-query-error.js';
import { compileFilterAst } from '../odata/query/sql-compiler.js';

const invalid = (message: string) => new ApiException(400, 'invalid_row_filter', message);

/**
 * Row filters as they are saved: one per published table, each parsed and type-checked by
 * the feed's own `$filter` parser against that table's properties, so that what is saved is
 * exactly what the feed will AND into its queries. Blank filters are dropped (no filter).
 */
export function checkRowFilters(
  filters: RowFilters,
  tables: string[],
  catalog: Catalog,
): RowFilters {
  const checked: RowFilters = {};
  for (const [table, raw] of Object.entries(filters)) {
    const text = raw.trim();
    if (!text) continue;
    if (!tables.includes(table)) {
      throw invalid(`Row filter of ${table}: that table is not published by this data source`);
    }
    if (text.length > ROW_FILTER_MAX) {
      throw invalid(`Row filter of ${table}: at most ${ROW_FILTER_MAX} characters`);
    }
    const model = catalog.tables.find((t) => t.table === table);
    if (!model) throw invalid(`Row filter of ${table}: that table is not in the catalog`);
    try {
      compileFilterAst(parseFilter(text), setOf(model), []);
    } catch (error) {
      if (error instanceof ODataQueryError)
        throw invalid(`Row filter of ${table}: ${error.message}`);
      throw error;
    }
    checked[table] = text;
  }
  return checked;
}

/** Only the filters of tables still published: removing a table removes its filter. */
export function keepPublished(filters: RowFilters, tables: string[]): RowFilters {
  return Object.fromEntries(Object.entries(filters).filter(([table]) => tables.includes(table)));
}
