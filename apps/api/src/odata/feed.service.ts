import { Injectable } from '@nestjs/common';
import type { CatalogTable } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { CatalogService } from '../data-sources/catalog.service.js';
import { DataSourceRepository } from '../data-sources/data-source.repository.js';
import { ODataException } from './odata-error.js';
import type { EntitySetModel } from './query/edm.js';
import { withRelationships, type RelationshipModel } from './relationships.js';

/** One data source as a feed: its entity sets and where each one's rows live. */
export interface Feed {
  key: string;
  sets: EntitySetModel[];
  source: Map<string, { table: string; uniqueKey: boolean }>;
}

/**
 * Opens the data source behind `/odata/{key}/` for a caller. An unknown key — or one
 * of another tenant, whose existence is not leaked — is `404`; a data source of the same
 * tenant that the token's owner neither owns nor was shared is `403`.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly sources: DataSourceRepository,
    private readonly catalog: CatalogService,
  ) {}

  async open(key: string, caller: Caller): Promise<Feed> {
    const source = /^[0-9A-Za-z]{1,32}$/.test(key) ? await this.sources.findByKey(key) : null;
    if (!source || source.tenant.id !== caller.tenantId) {
      throw new ODataException(404, 'not_found', 'No data source at this address');
    }
    if (
      source.owner.id !== caller.userId &&
      !(await this.sources.isSharedWith(source.id, caller.userId))
    ) {
      throw new ODataException(
        403,
        'forbidden',
        'This data source is not shared with you; ask its owner to share it',
      );
    }
    const byTable = new Map((await this.catalog.catalog()).tables.map((t) => [t.table, t]));
    const tables = source.tables.map((t) => byTable.get(t)).filter((t): t is CatalogTable => !!t);
    return {
      key,
      sets: modelOf(tables),
      source: new Map(
        tables.map((t) => [t.entitySet, { table: t.table, uniqueKey: t.kind === 'table' }]),
      ),
    };
  }
}

/**
 * The entity sets of the published tables, related by their foreign keys. A foreign key to a
 * table the data source does not publish adds nothing.
 */
export function modelOf(tables: CatalogTable[]): EntitySetModel[] {
  const setOf = new Map(tables.map((t) => [t.table, t.entitySet]));
  const sets = tables.map((t) => ({
    name: t.entitySet,
    key: t.key,
    properties: t.columns.map((c) => ({
      name: c.name,
      column: c.column,
      type: c.type,
      nullable: c.nullable,
    })),
  }));
  const relationships: RelationshipModel[] = tables.flatMap((t) =>
    t.foreignKeys
      .filter((fk) => setOf.has(fk.referencedTable))
      .map((fk) => ({
        name: fk.name,
        from: t.entitySet,
        fromProperties: fk.columns,
        to: setOf.get(fk.referencedTable)!,
        toProperties: fk.referencedColumns,
      })),
  );
  return withRelationships(sets, relationships);
}
