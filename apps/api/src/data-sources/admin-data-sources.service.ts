import { Inject, Injectable } from '@nestjs/common';
import type { AdminDataSourceList } from '@feedpass/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { toAdminDataSource } from './data-source.mapper.js';
import { DataSourceRepository } from './data-source.repository.js';

/**
 * Every data source of a tenant, for its admins: who owns it (and whether they have left),
 * whom it is shared with, what it publishes and filters, and when it was last read and by
 * whom. Transfer is the data sources' own `POST /api/data-sources/:id/transfer`.
 */
@Injectable()
export class AdminDataSourcesService {
  constructor(
    private readonly sources: DataSourceRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(
    tenantId: string,
    filter: { ownerId?: string; q?: string },
  ): Promise<AdminDataSourceList> {
    const sources = await this.sources.listTenant(tenantId, filter);
    const shares = await this.sources.shares(sources.map((s) => s.id));
    return {
      items: sources.map((s) =>
        toAdminDataSource(s, shares, `${this.config.publicUrl}/odata/${s.key}/`),
      ),
    };
  }
}
