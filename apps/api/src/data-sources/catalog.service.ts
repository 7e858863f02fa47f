import { Injectable } from '@nestjs/common';
import type { Catalog, CatalogColumn, CatalogTable, EdmTypeName } from '@feedpass/contracts';
import { Clock } from '../common/clock.js';
import { SourceDatabase } from './source-database.js';

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

interface ColumnRow {
  table_name: string;
  table_type: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  is_key: boolean;
}

const CACHE_MS = 30_000;

/**
 * The tables and views of the source schema, their columns as Edm types and their keys.
 * Columns of types OData cannot carry are left out. Cached briefly per process.
 */
@Injectable()
export class CatalogService {
  private cached?: { at: number; catalog: Catalog };

  constructor(
    private readonly source: SourceDatabase,
    private readonly clock: Clock,
  ) {}

  async catalog(): Promise<Catalog> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < CACHE_MS && now >= this.cached.at)
      return this.cached.catalog;
    const { rows } = await this.source.pool.query<ColumnRow>(
      `select c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable,
              exists (
                select 1 from information_schema.table_constraints tc
                  join information_schema.key_column_usage k
                    on k.constraint_name = tc.constraint_name and k.table_schema = tc.table_schema
                 where tc.table_schema = c.table_schema and tc.table_name = c.table_name
                   and tc.constraint_type = 'PRIMARY KEY' and k.column_name = c.column_name
              ) as is_key
         from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = $1
        order by c.table_name, c.ordinal_position`,
      [this.source.schema],
    );
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
    const catalog = { schema: this.source.schema, tables: [...tables.values()] };
    this.cached = { at: now, catalog };
    return catalog;
  }
}
