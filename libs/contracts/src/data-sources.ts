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
  createdAt: string;
}

export interface DataSourceList {
  items: DataSource[];
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
