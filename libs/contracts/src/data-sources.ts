import type { UserRef } from './tokens.js';

/** OData v4 primitive types a source column maps to. */
export type EdmTypeName =
  | 'Edm.String'
  | 'Edm.Boolean'
  | 'Edm.Int16'
  | 'Edm.Int32'
  | 'Edm.Int64'
  | 'Edm.Decimal'
  | 'Edm.Double'
  | 'Edm.Single'
  | 'Edm.Date'
  | 'Edm.DateTimeOffset'
  | 'Edm.TimeOfDay'
  | 'Edm.Guid';

export interface CatalogColumn {
  /** The source column. */
  column: string;
  /** The OData property name (PascalCase). */
  name: string;
  type: EdmTypeName;
  nullable: boolean;
}

/** A table or view of the source schema that a data source can expose. */
export interface CatalogTable {
  /** The source table or view name. */
  table: string;
  kind: 'table' | 'view';
  /** The OData entity set name (PascalCase). */
  entitySet: string;
  columns: CatalogColumn[];
  /** OData property names of the key. */
  key: string[];
  /** Foreign keys to other tables of the schema: the feed's relationships. */
  foreignKeys: CatalogForeignKey[];
}

/** `columns` (OData names, in order) reference `referencedColumns` of `referencedTable`. */
export interface CatalogForeignKey {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
}

export interface Catalog {
  schema: string;
  tables: CatalogTable[];
}

export interface DataSource {
  id: string;
  name: string;
  /** Source tables exposed as entity sets. */
  tables: string[];
  owner: UserRef;
  /** True when the caller owns it; false when it was shared with them. */
  owned: boolean;
  /** The feed for Power BI's OData connector: `{PUBLIC_URL}/odata/{key}/`. */
  odataUrl: string;
  /** Users it is shared with (only shown to the owner; empty for recipients). */
  sharedWith: UserRef[];
  /**
   * Row filters by source table, in OData `$filter` syntax over that table's properties
   * (`Stage eq 'Won' and Amount gt 1000`). Only the owner sees them: `{}` for recipients.
   */
  rowFilters: RowFilters;
  /** When the feed was last read (by anyone), at most a minute stale; null if never. */
  lastReadAt: string | null;
  createdAt: string;
}

/** Source table → `$filter` expression; a table without a filter has no entry. */
export type RowFilters = Record<string, string>;

export interface DataSourceList {
  items: DataSource[];
}

/** `GET /api/data-sources?q=&scope=`: search by name (case-insensitive), whose. */
export const DATA_SOURCE_SCOPES = ['all', 'owned', 'shared'] as const;
export type DataSourceScope = (typeof DATA_SOURCE_SCOPES)[number];

/**
 * `PATCH /api/data-sources/:id` (owner): any of name, published tables and row filters.
 * `rowFilters` replaces the whole map; a filter for a table that is not published is a 400.
 * The OData URL never changes.
 */
export interface UpdateDataSourceRequest {
  name?: string;
  tables?: string[];
  rowFilters?: RowFilters;
}

/** `POST /api/data-sources/:id/clone` (owner or recipient): a new data source of the caller's. */
export interface CloneDataSourceRequest {
  name: string;
}

/** `POST /api/data-sources/:id/transfer` (owner or admin): to an active user of the tenant. */
export interface TransferDataSourceRequest {
  userId?: string;
  username?: string;
}

/**
 * `GET /api/data-sources/:id/preview?table=&top=` (owner or recipient): the first rows of a
 * published table as the feed serves them — row filter applied, in key order, Int64 and
 * Decimal as strings (IEEE754Compatible), at most 100.
 */
export interface DataSourcePreview {
  table: string;
  entitySet: string;
  columns: CatalogColumn[];
  /** Keyed by OData property name. */
  rows: Record<string, string | number | boolean | null>[];
  /** Whether a row filter narrowed the rows (the expression itself only for the owner). */
  filtered: boolean;
  /** The row filter applied; null for recipients and for unfiltered tables. */
  rowFilter: string | null;
}

export const PREVIEW_ROWS_MAX = 100;
export const PREVIEW_ROWS_DEFAULT = 20;

/** One row of the admin data source inventory (`GET /api/admin/data-sources?ownerId=&q=`). */
export interface AdminDataSource {
  id: string;
  name: string;
  owner: UserRef;
  /** The owner is deactivated: the feed keeps working for recipients; transfer it. */
  ownerDeactivated: boolean;
  sharedWith: UserRef[];
  tables: string[];
  /** The published tables that have a row filter. */
  filteredTables: string[];
  lastReadAt: string | null;
  /** Who read it last through the feed. */
  lastReadBy: UserRef | null;
  odataUrl: string;
  createdAt: string;
}

export interface AdminDataSourceList {
  items: AdminDataSource[];
}

/** `POST /api/data-sources`. */
export interface CreateDataSourceRequest {
  name: string;
  tables: string[];
}

/** `POST /api/data-sources/:id/shares`: a user of the same tenant, by id or username. */
export interface ShareDataSourceRequest {
  userId?: string;
  username?: string;
}

export const DATA_SOURCE_NAME_MAX = 100;
/** Longest row filter accepted, in characters. */
export const ROW_FILTER_MAX = 4000;
