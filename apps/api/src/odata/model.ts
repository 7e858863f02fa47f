import type { CatalogTable } from '@feedpass/contracts';
import type { EntitySetModel } from './query/edm.js';
import { withRelationships, type RelationshipModel } from './relationships.js';

/** A published table as an entity set: its properties, key, no relationships yet. */
export function setOf(table: CatalogTable): EntitySetModel {
  return {
    name: table.entitySet,
    key: table.key,
    properties: table.columns.map((c) => ({
      name: c.name,
      column: c.column,
      type: c.type,
      nullable: c.nullable,
    })),
  };
}

/**
 * The entity sets of the published tables, related by their foreign keys. A foreign key to a
 * table the data source does not publish adds nothing.
 */
export function modelOf(tables: CatalogTable[]): EntitySetModel[] {
  const setNames = new Map(tables.map((t) => [t.table, t.entitySet]));
  const sets = tables.map(setOf);
  const relationships: RelationshipModel[] = tables.flatMap((t) =>
    t.foreignKeys
      .filter((fk) => setNames.has(fk.referencedTable))
      .map((fk) => ({
        name: fk.name,
        from: t.entitySet,
        fromProperties: fk.columns,
        to: setNames.get(fk.referencedTable)!,
        toProperties: fk.referencedColumns,
      })),
  );
  return withRelationships(sets, relationships);
}
