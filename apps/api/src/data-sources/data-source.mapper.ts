import type { AdminDataSource, DataSource as DataSourceView } from '@feedpass/contracts';
import type { DataSource, DataSourceShare, User } from '@feedpass/domain';
import { toUserRef } from '../common/user-ref.js';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

function sharedWith(source: DataSource, shares: DataSourceShare[]) {
  return shares
    .filter((s) => (s.dataSource as DataSource).id === source.id)
    .map((s) => toUserRef(s.user as User));
}

/**
 * A data source as the caller sees it: the owner sees shares and row filters; a recipient
 * sees neither (a filter says what is hidden from them).
 */
export function toDataSourceView(
  source: DataSource,
  callerId: string,
  shares: DataSourceShare[],
  odataUrl: string,
): DataSourceView {
  const owner = source.owner as User;
  const owned = owner.id === callerId;
  return {
    id: source.id,
    name: source.name,
    tables: source.tables,
    owner: toUserRef(owner),
    owned,
    odataUrl,
    sharedWith: owned ? sharedWith(source, shares) : [],
    rowFilters: owned ? { ...(source.rowFilters ?? {}) } : {},
    lastReadAt: iso(source.lastReadAt),
    createdAt: source.createdAt.toISOString(),
  };
}

/** A row of the admin inventory: everything but the filter expressions themselves. */
export function toAdminDataSource(
  source: DataSource,
  shares: DataSourceShare[],
  odataUrl: string,
): AdminDataSource {
  const owner = source.owner as User;
  const reader = source.lastReadBy as User | null | undefined;
  return {
    id: source.id,
    name: source.name,
    owner: toUserRef(owner),
    ownerDeactivated: owner.status === 'deactivated',
    sharedWith: sharedWith(source, shares),
    tables: source.tables,
    filteredTables: Object.keys(source.rowFilters ?? {}).filter((t) => source.tables.includes(t)),
    lastReadAt: iso(source.lastReadAt),
    lastReadBy: reader ? toUserRef(reader) : null,
    odataUrl,
    createdAt: source.createdAt.toISOString(),
  };
}
