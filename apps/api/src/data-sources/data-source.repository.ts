import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DataSource, DataSourceShare } from '@feedpass/domain';

/** Data sources and their shares with users of the same tenant. */
@Injectable()
export class DataSourceRepository {
  constructor(private readonly em: EntityManager) {}

  /** What the user owns or was shared, in the tenant, by name, with owners. */
  async listVisible(tenantId: string, userId: string): Promise<DataSource[]> {
    const shared = await this.em.find(
      DataSourceShare,
      { user: userId },
      { fields: ['dataSource'] },
    );
    return this.em.find(
      DataSource,
      {
        tenant: tenantId,
        $or: [{ owner: userId }, { id: { $in: shared.map((s) => s.dataSource.id) } }],
      },
      { populate: ['owner'], orderBy: { name: 'asc', id: 'asc' } },
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

  async deleteShares(em: EntityManager, sourceId: string): Promise<void> {
    await em.nativeDelete(DataSourceShare, { dataSource: sourceId });
  }

  findByKey(key: string): Promise<DataSource | null> {
    return this.em.findOne(DataSource, { key });
  }

  async isSharedWith(sourceId: string, userId: string): Promise<boolean> {
    return (await this.em.count(DataSourceShare, { dataSource: sourceId, user: userId })) > 0;
  }
}
