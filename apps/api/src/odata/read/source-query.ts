import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SourceDatabase } from '../../data-sources/source-database.js';
import { ODataException } from '../odata-error.js';
import { quoteIdentifier } from '../query/edm.js';
import { ODataQueryError } from '../query/odata-query-error.js';

type Row = Record<string, unknown>;

/** `SourceQuery.stream`: each row as an array of column values, as it arrives. */
export type StreamQuery = (
  text: string,
  values: unknown[],
  onRow: (row: unknown[]) => void,
) => Promise<number>;

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
   * Runs a statement and hands each row to `onRow` as it arrives, as an array of column
   * values in select order (no object per row, nothing accumulated): the page is written
   * while PostgreSQL is still sending it. Resolves with the number of rows once all came.
   */
  readonly stream: StreamQuery = async (text, values, onRow) => {
    const client = await this.source.pool.connect();
    let failure: unknown = null;
    let rows = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        // rowMode is pg's documented option; its typings only list it for Client.query.
        const config: pg.QueryArrayConfig = { text, values, rowMode: 'array' };
        const query = client.query(new pg.Query(config));
        query.on('row', (row: unknown[]) => {
          if (failure) return;
          try {
            rows++;
            onRow(row);
          } catch (error) {
            // Thrown inside pg's parser it would break the connection: keep it for the end.
            failure = error;
          }
        });
        query.on('end', () => resolve());
        query.on('error', reject);
      });
    } catch (error) {
      // A statement PostgreSQL refused leaves the connection usable; any other failure does not.
      client.release((error as { code?: string }).code ? undefined : true);
      throw translated(error);
    }
    client.release();
    if (failure) throw failure;
    return rows;
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
