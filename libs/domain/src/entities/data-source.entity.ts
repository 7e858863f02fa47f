import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

/**
 * A set of source tables published as one OData service at `/odata/{key}/`. The key is
 * random and unguessable; it names the feed, it does not grant access (tokens do).
 */
export const DataSource = defineEntity({
  name: 'DataSource',
  tableName: 'data_source',
  properties: {
    ...baseProperties,
    tenant: () => p.manyToOne(Tenant),
    owner: () => p.manyToOne(User),
    name: p.string().length(100),
    key: p.string().length(32).unique(),
    tables: p.json<string[]>(),
    /** Source table → OData `$filter` expression ANDed into every feed query of its set. */
    rowFilters: p
      .json<Record<string, string>>()
      .default('{}')
      .onCreate(() => ({})),
    /** The last feed read, written at most once a minute per data source. */
    lastReadAt: p.datetime().nullable(),
    lastReadBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
  },
  indexes: [{ name: 'data_source_owner_index', properties: ['owner'] }],
});

export type DataSource = InferEntity<typeof DataSource>;

/** A data source shared with another user of the same tenant. */
export const DataSourceShare = defineEntity({
  name: 'DataSourceShare',
  tableName: 'data_source_share',
  properties: {
    ...baseProperties,
    dataSource: () => p.manyToOne(DataSource).deleteRule('cascade'),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
  },
  uniques: [{ name: 'data_source_share_unique', properties: ['dataSource', 'user'] }],
});

export type DataSourceShare = InferEntity<typeof DataSourceShare>;
