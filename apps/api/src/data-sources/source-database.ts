import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RowTapClient } from './row-tap.js';

/** int8, numeric, date, time, timestamp, timestamptz. */
const RAW_TYPES = new Set([20, 1700, 1082, 1083, 1114, 1184]);
const raw = (value: string) => value;

/**
 * How the source connection parses a column's text: exact values as text — 64-bit integers,
 * decimals, dates and times are written to OData JSON as PostgreSQL prints them, never
 * through a lossy JS number or Date — and pg's parsers for the rest.
 */
export function sourceTypeParser(oid: number): (text: string) => unknown {
  return RAW_TYPES.has(oid) ? raw : pg.types.getTypeParser(oid, 'text');
}

/** pg's parser for a type it has none for (text, varchar, uuid, …): the text as it is. */
const NO_PARSER = pg.types.getTypeParser(pg.types.builtins.TEXT, 'text');

/** One column of a statement's result: its type, and how the source connection parses it. */
export interface SourceColumn {
  oid: number;
  parse: (text: string) => unknown;
  /** The parsed value is the text itself (no type parser, or one of the raw types). */
  keepsText: boolean;
}

export function sourceColumn(oid: number): SourceColumn {
  const parse = sourceTypeParser(oid);
  return { oid, parse, keepsText: parse === raw || parse === NO_PARSER };
}

/**
 * The read-only connection data sources are served from (the customer's database): every
 * transaction on it is READ ONLY, and statements time out, whatever a query asks for.
 */
@Injectable()
export class SourceDatabase implements OnModuleDestroy {
  readonly pool: pg.Pool;
  readonly schema: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.schema = config.sourceSchema;
    this.pool = new pg.Pool({
      connectionString: config.sourceDatabaseUrl,
      max: 10,
      options: '-c default_transaction_read_only=on -c statement_timeout=60000 -c timezone=UTC',
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          format === 'binary' ? pg.types.getTypeParser(oid, format) : sourceTypeParser(oid),
      },
      // Its clients can hand a statement's rows over as bytes (the feed's pages).
      Client: RowTapClient,
      application_name: 'feedpass-odata',
    });
    // An idle client that loses its server must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
