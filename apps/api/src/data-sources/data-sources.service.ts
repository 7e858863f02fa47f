import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateDataSourceRequest,
  type DataSource as DataSourceView,
  type DataSourceList,
  type ShareDataSourceRequest,
} from '@feedpass/contracts';
import { DataSource, DataSourceShare, randomBase62, type User } from '@feedpass/domain';
import type { Caller } from '../auth/caller.js';
import { ApiException, notFound } from '../common/api-exception.js';
import { toUserRef } from '../common/user-ref.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { UserRepository } from '../users/user.repository.js';
import { CatalogService } from './catalog.service.js';
import { DataSourceRepository } from './data-source.repository.js';

const invalid = (message: string) => new ApiException(400, 'invalid_data_source', message);

/**
 * Data sources a user owns or has been shared: tables of the source schema served as one
 * OData feed. Only the owner changes or shares one, and only within the tenant.
 */
@Injectable()
export class DataSourcesService {
  constructor(
    private readonly em: EntityManager,
    private readonly sources: DataSourceRepository,
    private readonly users: UserRepository,
    private readonly catalog: CatalogService,
    private readonly history: HistoryRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(auth: Caller): Promise<DataSourceList> {
    const sources = await this.sources.listVisible(auth.tenantId, auth.userId);
    const owned = sources.filter((s) => (s.owner as User).id === auth.userId).map((s) => s.id);
    const shares = await this.sources.shares(owned);
    return { items: sources.map((s) => this.view(s, auth, shares)) };
  }

  /** `input`: validated by the request's DTO (name trimmed, tables distinct). */
  async create(auth: Caller, input: CreateDataSourceRequest): Promise<DataSourceView> {
    const { name, tables } = input;
    const known = new Set((await this.catalog.catalog()).tables.map((t) => t.table));
    const unknown = tables.filter((t) => !known.has(t));
    if (unknown.length) throw invalid(`Not in the catalog: ${unknown.join(', ')}`);
    return this.em.transactional(async (em) => {
      const source = em.create(DataSource, {
        tenant: auth.tenantId,
        owner: auth.userId,
        name,
        key: randomBase62(24),
        tables,
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

  async share(auth: Caller, id: string, input: ShareDataSourceRequest): Promise<DataSourceView> {
    if (!input.userId === !input.username) throw invalid('Give exactly one of userId or username');
    return this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      // Only users of the caller's tenant can be found: another tenant's user is "not found"
      // exactly like a name nobody has (another tenant's users are never revealed).
      const recipient = await this.users.findRecipient(em, auth.tenantId, input);
      if (!recipient)
        throw new ApiException(
          404,
          'not_found',
          'No user of your tenant has that name; data sources are shared within a tenant only',
        );
      if (recipient.id === auth.userId)
        throw new ApiException(400, 'cannot_share_with_self', 'You own this data source already');
      const existing = await this.sources.findShare(em, source.id, recipient.id);
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
      const shares = await this.sources.shares([source.id], em);
      return this.view(source, auth, shares);
    });
  }

  async unshare(auth: Caller, id: string, userId: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      const share = await this.sources.findShare(em, source.id, userId);
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

  async remove(auth: Caller, id: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      this.history.record(em, {
        tenantId: auth.tenantId,
        type: 'data_source.deleted',
        actorId: auth.userId,
        subjectUserId: auth.userId,
        details: { dataSourceId: source.id, name: source.name },
      });
      await this.sources.deleteShares(em, source.id);
      em.remove(source);
    });
  }

  private async findOwned(em: EntityManager, auth: Caller, id: string): Promise<DataSource> {
    const source = await this.sources.findOwned(em, auth.tenantId, auth.userId, id);
    if (!source) throw notFound('Data source');
    return source;
  }

  odataUrl(key: string): string {
    return `${this.config.publicUrl}/odata/${key}/`;
  }

  private view(source: DataSource, auth: Caller, shares: DataSourceShare[]): DataSourceView {
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
