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

/** What the source schema holds, from information_schema on the read-only connection. */
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
}
