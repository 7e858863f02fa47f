import { Injectable } from '@nestjs/common';
import type { Catalog, CatalogColumn, CatalogTable, EdmTypeName } from '@feedpass/contracts';
import { Clock } from '../common/clock.js';
import { SourceCatalogRepository } from './source-catalog.repository.js';

const EDM_BY_PG_TYPE: Record<string, EdmTypeName> = {
  smallint: 'Edm.Int16',
  integer: 'Edm.Int32',
  bigint: 'Edm.Int64',
  numeric: 'Edm.Decimal',
  'double precision': 'Edm.Double',
  real: 'Edm.Single',
  boolean: 'Edm.Boolean',
  date: 'Edm.Date',
  'timestamp with time zone': 'Edm.DateTimeOffset',
  'timestamp without time zone': 'Edm.DateTimeOffset',
  'time without time zone': 'Edm.TimeOfDay',
  uuid: 'Edm.Guid',
  text: 'Edm.String',
  'character varying': 'Edm.String',
  character: 'Edm.String',
};

/** snake_case → PascalCase: `created_at` → `CreatedAt`, `deals` → `Deals`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

const CACHE_MS = 30_000;

/**
 * The tables and views of the source schema, their columns as Edm types, their keys and the
 * foreign keys between them.
 * Columns of types OData cannot carry are left out. Cached briefly per process.
 */
@Injectable()
export class CatalogService {
  private cached?: { at: number; catalog: Catalog };

  constructor(
    private readonly source: SourceCatalogRepository,
    private readonly clock: Clock,
  ) {}

  async catalog(): Promise<Catalog> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < CACHE_MS && now >= this.cached.at)
      return this.cached.catalog;
    const [rows, foreignKeys] = await Promise.all([
      this.source.columns(),
      this.source.foreignKeys(),
    ]);
    const tables = new Map<string, CatalogTable>();
    for (const row of rows) {
      const type = EDM_BY_PG_TYPE[row.data_type];
      if (!type) continue;
      let table = tables.get(row.table_name);
      if (!table) {
        table = {
          table: row.table_name,
          kind: row.table_type === 'VIEW' ? 'view' : 'table',
          entitySet: pascalCase(row.table_name),
          columns: [],
          key: [],
          foreignKeys: [],
        };
        tables.set(row.table_name, table);
      }
      const column: CatalogColumn = {
        column: row.column_name,
        name: pascalCase(row.column_name),
        type,
        nullable: row.is_nullable === 'YES',
      };
      table.columns.push(column);
      if (row.is_key) table.key.push(column.name);
    }
    for (const table of tables.values()) {
      // Views have no primary key; OData needs one: their first non-nullable column, else the first.
      if (!table.key.length)
        table.key = [(table.columns.find((c) => !c.nullable) ?? table.columns[0]).name];
    }
    for (const fk of foreignKeys) {
      const from = tables.get(fk.table_name);
      const to = tables.get(fk.referenced_table);
      const name = (table: CatalogTable, column: string) =>
        table.columns.find((c) => c.column === column)?.name;
      const columns = from ? fk.columns.map((c) => name(from, c)) : [];
      const referenced = to ? fk.referenced_columns.map((c) => name(to, c)) : [];
      // A key over a column OData cannot carry is no relationship the feed can offer.
      if (!from || !to || [...columns, ...referenced].some((c) => c === undefined)) continue;
      from.foreignKeys.push({
        name: fk.name,
        columns: columns as string[],
        referencedTable: fk.referenced_table,
        referencedColumns: referenced as string[],
      });
    }
    const catalog = { schema: this.source.schema, tables: [...tables.values()] };
    this.cached = { at: now, catalog };
    return catalog;
  }
}
