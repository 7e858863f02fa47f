import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { RowTapClient } from '../../data-sources/row-tap.js';
import {
  SourceDatabase,
  sourceColumn,
  type SourceColumn,
} from '../../data-sources/source-database.js';
import { ODataException } from '../odata-error.js';
import { quoteIdentifier } from '../query/edm.js';
import { ODataQueryError } from '../query/odata-query-error.js';

type Row = Record<string, unknown>;

/**
 * `SourceQuery.stream`: the statement's columns (`describe`), then each row as the bytes of
 * its DataRow message, as it arrives (data-sources/row-tap.ts).
 */
export interface StreamSink {
  describe(columns: SourceColumn[]): void;
  row(bytes: Buffer, start: number, end: number): void;
}

/** Resolves once all rows came. */
export type StreamQuery = (text: string, values: unknown[], sink: StreamSink) => Promise<void>;

/**
 * The feed's statements against the read-only source connection. A value PostgreSQL cannot
 * take for its column (SQLSTATE class 22, e.g. a date out of range in a literal) is the
 * client's mistake: 400, not 500. A query that runs past the statement timeout is 503.
 */
@Injectable()
export class SourceQuery {
  readonly pageSize: number;

  constructor(
    private readonly source: SourceDatabase,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pageSize = config.odataPageSize;
  }

  /** The quoted, schema-qualified name of a source table. */
  table(name: string): string {
    return `${quoteIdentifier(this.source.schema)}.${quoteIdentifier(name)}`;
  }

  readonly query = async (text: string, values: unknown[]): Promise<Row[]> => {
    try {
      return (await this.source.pool.query<Row>({ text, values })).rows;
    } catch (error) {
      throw translated(error);
    }
  };

  /**
   * Runs a statement and hands each row to `sink` as it arrives, as PostgreSQL sent it (no
   * string per value, no object per row, nothing accumulated): the page is written while
   * PostgreSQL is still sending it. A sink that throws gets no more rows; its error is
   * thrown once the statement is over.
   */
  readonly stream: StreamQuery = async (text, values, sink) => {
    const client = (await this.source.pool.connect()) as pg.PoolClient & RowTapClient;
    try {
      await client.rawRows(text, values, {
        describe: (oids) => sink.describe(oids.map(sourceColumn)),
        row: (bytes, start, end) => sink.row(bytes, start, end),
      });
      client.release();
    } catch (error) {
      // A statement PostgreSQL refused leaves the connection usable; any other failure
      // (the sink's own, a lost connection) is not worth the risk.
      client.release((error as { code?: string }).code ? undefined : true);
      throw translated(error);
    }
  };
}

/** What a failed source statement means to the client. */
function translated(error: unknown): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('22')) {
    return new ODataQueryError(
      400,
      `A value in the query cannot be used: ${(error as Error).message}`,
    );
  }
  if (code === '57014') {
    return new ODataException(
      503,
      'timeout',
      'The query took too long; narrow it with $filter or $top',
    );
  }
  return error;
}
