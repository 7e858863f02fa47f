import { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import {
  DATA_SOURCE_NAME_MAX,
  type CreateDataSourceRequest,
  type DataSource as DataSourceView,
  type DataSourceList,
  type ShareDataSourceRequest,
} from '@feedpass/contracts';
import { DataSource, DataSourceShare, normalizeLabel, randomBase62, User } from '@feedpass/domain';
import type { AuthContext } from '../auth/auth-context.js';
import { ApiException, notFound } from '../common/api-exception.js';
import { toUserRef } from '../common/user-ref.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { CatalogService } from './catalog.service.js';

const invalid = (message: string) => new ApiException(400, 'invalid_data_source', message);

/** Data sources a user owns or has been shared (SPEC.md sections 6 and 7). */
@Injectable()
export class DataSourcesService {
  constructor(
    private readonly em: EntityManager,
    private readonly catalog: CatalogService,
    private readonly history: HistoryRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(auth: AuthContext): Promise<DataSourceList> {
    const shared = await this.em.find(
      DataSourceShare,
      { user: auth.userId },
      { fields: ['dataSource'] },
    );
    const sources = await this.em.find(
      DataSource,
      {
        tenant: auth.tenantId,
        $or: [
          { owner: auth.userId },
          { id: { $in: shared.map((s) => (s.dataSource as DataSource).id) } },
        ],
      },
      { populate: ['owner'], orderBy: { name: 'asc', id: 'asc' } },
    );
    const shares = await this.em.find(
      DataSourceShare,
      {
        dataSource: {
          $in: sources.filter((s) => (s.owner as User).id === auth.userId).map((s) => s.id),
        },
      },
      { populate: ['user'], orderBy: { createdAt: 'asc' } },
    );
    return { items: sources.map((s) => this.view(s, auth, shares)) };
  }

  async create(auth: AuthContext, input: CreateDataSourceRequest): Promise<DataSourceView> {
    const name =
      typeof input.name === 'string' ? normalizeLabel(input.name, DATA_SOURCE_NAME_MAX) : null;
    if (!name) throw invalid(`name must be text of 1 to ${DATA_SOURCE_NAME_MAX} characters`);
    const tables = input.tables as unknown;
    if (
      !Array.isArray(tables) ||
      !tables.length ||
      tables.some((t) => typeof t !== 'string') ||
      new Set(tables).size !== tables.length
    ) {
      throw invalid('tables must be a non-empty list of distinct table names from the catalog');
    }
    const known = new Set((await this.catalog.catalog()).tables.map((t) => t.table));
    const unknown = (tables as string[]).filter((t) => !known.has(t));
    if (unknown.length) throw invalid(`Not in the catalog: ${unknown.join(', ')}`);
    return this.em.transactional(async (em) => {
      const source = em.create(DataSource, {
        tenant: auth.tenantId,
        owner: auth.userId,
        name,
        key: randomBase62(24),
        tables: tables as string[],
      });
      this.history.record(em, {
        tenantId: auth.tenantId,
        type: 'data_source.created',
        actorId: auth.userId,
        subjectUserId: auth.userId,
        details: { dataSourceId: source.id, name, tables },
      });
      await em.flush();
      await em.populate(source, ['owner']);
      return this.view(source, auth, []);
    });
  }

  async share(
    auth: AuthContext,
    id: string,
    input: ShareDataSourceRequest,
  ): Promise<DataSourceView> {
    if (!input.userId === !input.username) throw invalid('Give exactly one of userId or username');
    return this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      // Only users of the caller's tenant can be found: another tenant's user is "not found"
      // exactly like a name nobody has (SPEC.md 7: existence is not leaked).
      const recipient = await em.findOne(User, {
        tenant: auth.tenantId,
        ...(input.userId
          ? { id: input.userId }
          : { [sql.lower('username')]: input.username!.trim().toLowerCase() }),
      });
      if (!recipient)
        throw new ApiException(
          404,
          'not_found',
          'No user of your tenant has that name; data sources are shared within a tenant only',
        );
      if (recipient.id === auth.userId)
        throw new ApiException(400, 'cannot_share_with_self', 'You own this data source already');
      const existing = await em.findOne(DataSourceShare, {
        dataSource: source.id,
        user: recipient.id,
      });
      if (!existing) {
        em.create(DataSourceShare, { dataSource: source.id, user: recipient.id });
        this.history.record(em, {
          tenantId: auth.tenantId,
          type: 'data_source.shared',
          actorId: auth.userId,
          subjectUserId: recipient.id,
          details: { dataSourceId: source.id, name: source.name, with: recipient.username },
        });
        await em.flush();
      }
      const shares = await em.find(
        DataSourceShare,
        { dataSource: source.id },
        { populate: ['user'], orderBy: { createdAt: 'asc' } },
      );
      return this.view(source, auth, shares);
    });
  }

  async unshare(auth: AuthContext, id: string, userId: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      const share = await em.findOne(
        DataSourceShare,
        { dataSource: source.id, user: userId },
        { populate: ['user'] },
      );
      if (!share) return;
      em.remove(share);
      this.history.record(em, {
        tenantId: auth.tenantId,
        type: 'data_source.unshared',
        actorId: auth.userId,
        subjectUserId: userId,
        details: {
          dataSourceId: source.id,
          name: source.name,
          with: (share.user as User).username,
        },
      });
    });
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      this.history.record(em, {
        tenantId: auth.tenantId,
        type: 'data_source.deleted',
        actorId: auth.userId,
        subjectUserId: auth.userId,
        details: { dataSourceId: source.id, name: source.name },
      });
      await em.nativeDelete(DataSourceShare, { dataSource: source.id });
      em.remove(source);
    });
  }

  private async findOwned(em: EntityManager, auth: AuthContext, id: string): Promise<DataSource> {
    const source = await em.findOne(
      DataSource,
      { id, tenant: auth.tenantId, owner: auth.userId },
      { populate: ['owner'] },
    );
    if (!source) throw notFound('Data source');
    return source;
  }

  odataUrl(key: string): string {
    return `${this.config.publicUrl}/odata/${key}/`;
  }

  private view(source: DataSource, auth: AuthContext, shares: DataSourceShare[]): DataSourceView {
    const owner = source.owner as User;
    const owned = owner.id === auth.userId;
    return {
      id: source.id,
      name: source.name,
      tables: source.tables,
      owner: toUserRef(owner),
      owned,
      odataUrl: this.odataUrl(source.key),
      sharedWith: owned
        ? shares
            .filter((s) => (s.dataSource as DataSource).id === source.id)
            .map((s) => toUserRef(s.user as User))
        : [],
      createdAt: source.createdAt.toISOString(),
    };
  }
}
