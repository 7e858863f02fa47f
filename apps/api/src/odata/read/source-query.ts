import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SourceDatabase } from '../../data-sources/source-database.js';
import { ODataException } from '../odata-error.js';
import { quoteIdentifier } from '../query/edm.js';
import { ODataQueryError } from '../query/odata-query-error.js';

type Row = Record<string, unknown>;

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
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('22')) {
        throw new ODataQueryError(
          400,
          `A value in the query cannot be used: ${(error as Error).message}`,
        );
      }
      if (code === '57014') {
        throw new ODataException(
          503,
          'timeout',
          'The query took too long; narrow it with $filter or $top',
        );
      }
      throw error;
    }
  };
}
