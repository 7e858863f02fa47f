import { Injectable } from '@nestjs/common';
import { SourceDatabase } from './source-database.js';

export interface ColumnRow {
  table_name: string;
  table_type: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  is_key: boolean;
}

export interface ForeignKeyRow {
  name: string;
  table_name: string;
  columns: string[];
  referenced_table: string;
  referenced_columns: string[];
}

/** What the source schema holds, from the system catalogs on the read-only connection. */
@Injectable()
export class SourceCatalogRepository {
  constructor(private readonly source: SourceDatabase) {}

  get schema(): string {
    return this.source.schema;
  }

  /** Every column of every table and view of the schema, in table and column order. */
  async columns(): Promise<ColumnRow[]> {
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
    return rows;
  }

  /**
   * The foreign keys between tables of the schema (not to other schemas), their columns in
   * constraint order, by constraint name.
   */
  async foreignKeys(): Promise<ForeignKeyRow[]> {
    const { rows } = await this.source.pool.query<ForeignKeyRow>(
      `select c.conname::text as name, src.relname::text as table_name, dst.relname::text as referenced_table,
              array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, i)
                      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
                     order by k.i) as columns,
              array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, i)
                      join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum
                     order by k.i) as referenced_columns
         from pg_constraint c
         join pg_class src on src.oid = c.conrelid
         join pg_class dst on dst.oid = c.confrelid
         join pg_namespace n on n.oid = src.relnamespace
        where c.contype = 'f' and n.nspname = $1 and dst.relnamespace = n.oid
        order by c.conname`,
      [this.source.schema],
    );
    return rows;
  }
}
