import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { PREVIEW_ROWS_DEFAULT, type DataSourcePreview } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { ApiException, notFound } from '../common/api-exception.js';
import { CatalogService } from '../data-sources/catalog.service.js';
import { DataSourceRepository } from '../data-sources/data-source.repository.js';
import { FeedService } from './feed.service.js';
import { readFirstRows } from './read/collection-reader.js';
import { scopeOf } from './read/scope.js';
import { SourceQuery } from './read/source-query.js';
import { rowWriter } from './serialize.js';

/**
 * The first rows of a published table exactly as the feed serves them — the same model,
 * the same row filter, the same serialisation (Int64 and Decimal as strings, as with
 * `IEEE754Compatible=true`, so the portal shows every digit) — for its owner and recipients.
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly em: EntityManager,
    private readonly sources: DataSourceRepository,
    private readonly catalog: CatalogService,
    private readonly feeds: FeedService,
    private readonly source: SourceQuery,
  ) {}

  async preview(
    caller: Caller,
    id: string,
    query: { table: string; top?: number },
  ): Promise<DataSourcePreview> {
    const source = await this.sources.findReadable(this.em, caller.tenantId, caller.userId, id);
    if (!source) throw notFound('Data source');
    if (!source.tables.includes(query.table)) {
      throw new ApiException(
        400,
        'invalid_data_source',
        `${query.table} is not published by this data source; choose one of ${source.tables.join(', ')}`,
      );
    }
    const table = (await this.catalog.catalog()).tables.find((t) => t.table === query.table);
    if (!table)
      throw new ApiException(400, 'invalid_data_source', `${query.table} is not in the catalog`);
    const feed = await this.feeds.feedOf(source);
    const set = feed.sets.find((s) => s.name === table.entitySet)!;
    const rows = await readFirstRows(
      scopeOf(feed, set, this.source),
      query.top ?? PREVIEW_ROWS_DEFAULT,
      this.source.query,
    );
    const write = rowWriter(set.properties, { ieee754: true });
    const owned = source.owner.id === caller.userId;
    const filter = source.rowFilters?.[query.table] ?? null;
    return {
      table: table.table,
      entitySet: table.entitySet,
      columns: table.columns,
      rows: rows.map((row) => JSON.parse(write(row)) as DataSourcePreview['rows'][number]),
      filtered: filter !== null,
      rowFilter: owned ? filter : null,
    };
  }
}
