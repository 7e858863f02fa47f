import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import type { DataSourceScope } from '@feedpass/contracts';
import { DataSource, DataSourceShare } from '@feedpass/domain';
import { runPrepared, type PreparedStatement } from '../database/prepared.js';
import { execute } from '../database/sql.js';

/** A data source as the feed reads it (raw: no entity on the hot path). */
export interface FeedSourceRow {
  id: string;
  key: string;
  tenant_id: string;
  owner_id: string;
  tables: string[];
  row_filters: Record<string, string>;
  last_read_at: Date | string | null;
  shared: boolean;
  /** False when the reading token is scoped and this data source is not in its scope. */
  in_scope: boolean;
}

/**
 * SQL: the data source `d` is readable by a user — they own it or it was shared with them.
 * Takes the user id twice as parameters.
 */
const readableBySql = (d: string) =>
  `(${d}.owner_id = ? or exists (select 1 from data_source_share s where s.data_source_id = ${d}.id and s.user_id = ?))`;

/** A case-insensitive substring match on the name; LIKE's wildcards in `q` match themselves. */
function nameContains(q: string | undefined) {
  if (!q) return {};
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  return { name: { $ilike: `%${escaped}%` } };
}

/**
 * SQL: the columns of a {@link FeedSourceRow} for the data source `d`, as the user
 * `readerSql` reads it with the token `tokenSql` (SQL expressions: parameters or columns),
 * each named `${prefix}${column}`. The one wording of what the feed checks: shared with the
 * reader, and in the token's scope (always, for an unscoped token or none). Used by
 * `findForFeed` and, in the same round trip as the token, by `AccessTokenRepository.findForBasic`.
 */
export function feedSourceColumnsSql(
  d: string,
  readerSql: string,
  tokenSql: string,
  prefix = '',
): string {
  const columns = ['id', 'key', 'tenant_id', 'owner_id', 'tables', 'row_filters', 'last_read_at'];
  return [
    ...columns.map((c) => `${d}.${c} as ${prefix}${c}`),
    `exists (select 1 from data_source_share s
              where s.data_source_id = ${d}.id and s.user_id = ${readerSql}) as ${prefix}shared`,
    `not exists (select 1 from access_token st
                  where st.id = ${tokenSql} and st.scoped
                    and not exists (select 1 from access_token_scope ts
                                     where ts.token_id = st.id and ts.data_source_id = ${d}.id)) as ${prefix}in_scope`,
  ].join(',\n       ');
}

/** `findForFeed`'s statement, prepared once per pooled connection (`database/prepared.ts`). */
const SOURCE_FOR_FEED: PreparedStatement = {
  name: 'feedpass_source_for_feed',
  text: `select ${feedSourceColumnsSql('d', '$1', '$2')} from data_source d where d.key = $3`,
};

/** Data sources and their shares with users of the same tenant. */
@Injectable()
export class DataSourceRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * What the user owns or was shared, in the tenant, by name, with owners; narrowed to what
   * they own or what was shared with them, and to names containing `q` (any case).
   */
  async listVisible(
    tenantId: string,
    userId: string,
    filter: { q?: string; scope?: DataSourceScope } = {},
  ): Promise<DataSource[]> {
    const shared = await this.em.find(
      DataSourceShare,
      { user: userId },
      { fields: ['dataSource'] },
    );
    const sharedIds = shared.map((s) => s.dataSource.id);
    const whose =
      filter.scope === 'owned'
        ? { owner: userId }
        : filter.scope === 'shared'
          ? { id: { $in: sharedIds } }
          : { $or: [{ owner: userId }, { id: { $in: sharedIds } }] };
    return this.em.find(
      DataSource,
      { tenant: tenantId, ...whose, ...nameContains(filter.q) },
      { populate: ['owner'], orderBy: { name: 'asc', id: 'asc' } },
    );
  }

  /** Every data source of the tenant, for its admins: owner, last reader; by name. */
  listTenant(tenantId: string, filter: { ownerId?: string; q?: string }): Promise<DataSource[]> {
    return this.em.find(
      DataSource,
      {
        tenant: tenantId,
        ...(filter.ownerId ? { owner: filter.ownerId } : {}),
        ...nameContains(filter.q),
      },
      { populate: ['owner', 'lastReadBy'], orderBy: { name: 'asc', id: 'asc' } },
    );
  }

  /** One of the tenant's data sources that the user owns or was shared; null otherwise. */
  async findReadable(
    em: EntityManager,
    tenantId: string,
    userId: string,
    id: string,
  ): Promise<DataSource | null> {
    const source = await em.findOne(DataSource, { id, tenant: tenantId }, { populate: ['owner'] });
    if (!source) return null;
    if (source.owner.id === userId) return source;
    return (await em.count(DataSourceShare, { dataSource: id, user: userId })) ? source : null;
  }

  /**
   * Those of `ids` that are the tenant's data sources the user can read (owns or was shared),
   * by name. Each is key-share locked, so it cannot be deleted before the caller's
   * transaction, which is about to reference it, commits.
   */
  readableAmong(
    em: EntityManager,
    tenantId: string,
    userId: string,
    ids: string[],
  ): Promise<{ id: string; name: string }[]> {
    return execute<{ id: string; name: string }>(
      em,
      `select d.id, d.name from data_source d
        where d.tenant_id = ? and d.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
          and ${readableBySql('d')}
        order by d.name, d.id
        for key share of d`,
      [tenantId, JSON.stringify(ids), userId, userId],
    );
  }

  /** One of the tenant's data sources, locked for a change of owner. */
  findInTenantForUpdate(
    em: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<DataSource | null> {
    return em.findOne(
      DataSource,
      { id, tenant: tenantId },
      { populate: ['owner'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
  }

  /**
   * Records a feed read: at most one write a minute per data source, and the condition keeps
   * racing requests and instances to one.
   */
  async markRead(id: string, userId: string, now: Date, before: Date): Promise<void> {
    await this.em.nativeUpdate(
      DataSource,
      { id, $or: [{ lastReadAt: null }, { lastReadAt: { $lte: before } }] },
      { lastReadAt: now, lastReadBy: userId },
    );
  }

  /** The shares of these data sources, oldest first, with their users. */
  shares(sourceIds: string[], em: EntityManager = this.em): Promise<DataSourceShare[]> {
    return em.find(
      DataSourceShare,
      { dataSource: { $in: sourceIds } },
      { populate: ['user'], orderBy: { createdAt: 'asc' } },
    );
  }

  findOwned(
    em: EntityManager,
    tenantId: string,
    ownerId: string,
    id: string,
  ): Promise<DataSource | null> {
    return em.findOne(
      DataSource,
      { id, tenant: tenantId, owner: ownerId },
      { populate: ['owner'] },
    );
  }

  findShare(em: EntityManager, sourceId: string, userId: string): Promise<DataSourceShare | null> {
    return em.findOne(
      DataSourceShare,
      { dataSource: sourceId, user: userId },
      { populate: ['user'] },
    );
  }

  /** Shares it with the user unless it already is; true when a share was added. */
  async addShare(em: EntityManager, sourceId: string, userId: string): Promise<boolean> {
    if (await this.findShare(em, sourceId, userId)) return false;
    em.create(DataSourceShare, { dataSource: sourceId, user: userId });
    await em.flush();
    return true;
  }

  async removeShare(em: EntityManager, sourceId: string, userId: string): Promise<void> {
    await em.nativeDelete(DataSourceShare, { dataSource: sourceId, user: userId });
  }

  async deleteShares(em: EntityManager, sourceId: string): Promise<void> {
    await em.nativeDelete(DataSourceShare, { dataSource: sourceId });
  }

  /**
   * What the feed needs of the data source at `key`, whether it is shared with the reader,
   * and whether the reading token's scope allows it (always, for an unscoped token), in one
   * prepared statement. A feed request signed in with a token already has this row from the
   * sign-in's own statement (`AccessTokenRepository.findForBasic`); this is the other way.
   */
  async findForFeed(
    key: string,
    readerId: string,
    tokenId: string | null,
  ): Promise<FeedSourceRow | undefined> {
    const [row] = await runPrepared<FeedSourceRow>(this.em, SOURCE_FOR_FEED, [
      readerId,
      tokenId,
      key,
    ]);
    return row;
  }
}
