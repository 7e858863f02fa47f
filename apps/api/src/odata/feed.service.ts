import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, DataSourceShare } from '@feedpass/domain';
import type { CatalogTable } from '@feedpass/contracts';
import type { ODataPrincipal } from '../odata-auth/odata-principal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CatalogService } from '../data-sources/catalog.service.js';
import { ODataException } from './odata-error.js';
import type { EntitySetModel } from './query/edm.js';

/** One data source as a feed: its entity sets and where each one's rows live. */
export interface Feed {
  key: string;
  sets: EntitySetModel[];
  source: Map<string, { table: string; uniqueKey: boolean }>;
}

/**
 * Opens the data source behind `/odata/{key}/` for a principal. An unknown key — or one
 * of another tenant, whose existence is not leaked — is `404`; a data source of the same
 * tenant that the token's owner neither owns nor was shared is `403`.
 */
@Injectable()
export class FeedService {
  constructor(
    private readonly em: EntityManager,
    private readonly catalog: CatalogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async open(key: string, principal: ODataPrincipal): Promise<Feed> {
    const source = /^[0-9A-Za-z]{1,32}$/.test(key) ? await this.em.findOne(DataSource, { key }) : null;
    const tenantId = source && (typeof source.tenant === 'string' ? source.tenant : source.tenant.id);
    if (!source || tenantId !== principal.tenantId) {
      throw new ODataException(404, 'not_found', 'No data source at this address');
    }
    const ownerId = typeof source.owner === 'string' ? source.owner : source.owner.id;
    if (ownerId !== principal.userId && !(await this.em.count(DataSourceShare, { dataSource: source.id, user: principal.userId }))) {
      throw new ODataException(403, 'forbidden', 'This data source is not shared with you; ask its owner to share it');
    }
    const byTable = new Map((await this.catalog.catalog()).tables.map((t) => [t.table, t]));
    const tables = source.tables.map((t) => byTable.get(t)).filter((t): t is CatalogTable => !!t);
    return {
      key,
      sets: tables.map((t) => ({
        name: t.entitySet,
        key: t.key,
        properties: t.columns.map((c) => ({ name: c.name, column: c.column, type: c.type, nullable: c.nullable })),
      })),
      source: new Map(tables.map((t) => [t.entitySet, { table: t.table, uniqueKey: t.kind === 'table' }])),
    };
  }

  get schema(): string {
    return this.config.sourceSchema;
  }
}
