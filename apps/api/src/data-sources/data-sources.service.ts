import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import {
  type CloneDataSourceRequest,
  type CreateDataSourceRequest,
  type DataSource as DataSourceView,
  type DataSourceList,
  type DataSourceScope,
  type RowFilters,
  type ShareDataSourceRequest,
  type TransferDataSourceRequest,
  type UpdateDataSourceRequest,
} from '@feedpass/contracts';
import { DataSource, DataSourceShare, randomBase62, type User } from '@feedpass/domain';
import type { Caller } from '../auth/caller.js';
import { ApiException, notFound } from '../common/api-exception.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { UserRepository } from '../users/user.repository.js';
import { CatalogService } from './catalog.service.js';
import { toDataSourceView } from './data-source.mapper.js';
import { DataSourceRepository } from './data-source.repository.js';
import { checkRowFilters, keepPublished } from './row-filters.js';

const invalid = (message: string) => new ApiException(400, 'invalid_data_source', message);
const noSuchUser = () =>
  new ApiException(
    404,
    'not_found',
    'No user of your tenant has that name; data sources stay within a tenant',
  );

/**
 * Data sources a user owns or has been shared: tables of the source schema served as one
 * OData feed. Only the owner edits, shares or deletes one; owner and recipients preview and
 * clone it; the owner or a tenant admin hands it to someone else. All within the tenant.
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

  async list(
    auth: Caller,
    filter: { q?: string; scope?: DataSourceScope } = {},
  ): Promise<DataSourceList> {
    const sources = await this.sources.listVisible(auth.tenantId, auth.userId, filter);
    const owned = sources.filter((s) => (s.owner as User).id === auth.userId).map((s) => s.id);
    const shares = await this.sources.shares(owned);
    return { items: sources.map((s) => this.view(s, auth, shares)) };
  }

  /** `input`: validated by the request's DTO (name trimmed, tables distinct). */
  async create(auth: Caller, input: CreateDataSourceRequest): Promise<DataSourceView> {
    const { name, tables } = input;
    await this.checkTables(tables);
    return this.em.transactional(async (em) => {
      const source = await this.insert(em, auth, { name, tables, rowFilters: {} });
      this.history.recordBy(em, auth, {
        type: 'data_source.created',
        subjectUserId: auth.userId,
        details: { dataSourceId: source.id, name, tables },
      });
      return this.view(source, auth, []);
    });
  }

  /**
   * The owner's edit of name, tables and row filters; the key, and so the URL every Power BI
   * report uses, stays. A removed table takes its filter with it. One event lists each change.
   */
  async update(auth: Caller, id: string, input: UpdateDataSourceRequest): Promise<DataSourceView> {
    if (input.tables) await this.checkTables(input.tables);
    const catalog = await this.catalog.catalog();
    return this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      const tables = input.tables ?? source.tables;
      const rowFilters = input.rowFilters
        ? checkRowFilters(input.rowFilters, tables, catalog)
        : keepPublished(source.rowFilters ?? {}, tables);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (input.name !== undefined && input.name !== source.name) {
        changes.name = { from: source.name, to: input.name };
      }
      if (!sameList(tables, source.tables)) changes.tables = { from: source.tables, to: tables };
      if (!sameFilters(rowFilters, source.rowFilters ?? {})) {
        changes.rowFilters = { from: source.rowFilters ?? {}, to: rowFilters };
      }
      if (Object.keys(changes).length) {
        this.history.recordBy(em, auth, {
          type: 'data_source.updated',
          subjectUserId: auth.userId,
          details: { dataSourceId: source.id, name: input.name ?? source.name, changes },
        });
        source.name = input.name ?? source.name;
        source.tables = tables;
        source.rowFilters = rowFilters;
      }
      const shares = await this.sources.shares([source.id], em);
      return this.view(source, auth, shares);
    });
  }

  /** A copy of the caller's own, with the same tables and row filters, a new URL, no shares. */
  async clone(auth: Caller, id: string, input: CloneDataSourceRequest): Promise<DataSourceView> {
    return this.em.transactional(async (em) => {
      const original = await this.sources.findReadable(em, auth.tenantId, auth.userId, id);
      if (!original) throw notFound('Data source');
      const copy = await this.insert(em, auth, {
        name: input.name,
        tables: [...original.tables],
        rowFilters: { ...(original.rowFilters ?? {}) },
      });
      this.history.recordBy(em, auth, {
        type: 'data_source.cloned',
        subjectUserId: auth.userId,
        details: {
          dataSourceId: copy.id,
          name: copy.name,
          from: { dataSourceId: original.id, name: original.name },
        },
      });
      return this.view(copy, auth, []);
    });
  }

  /**
   * Hands a data source to another active user of the tenant (by its owner, or an admin). The
   * previous owner keeps reading it as a recipient unless deactivated; the new owner's share,
   * if any, is no longer needed. The URL stays, so reports keep working.
   */
  async transfer(
    auth: Caller,
    id: string,
    input: TransferDataSourceRequest,
  ): Promise<DataSourceView> {
    if (!input.userId === !input.username) throw invalid('Give exactly one of userId or username');
    return this.em.transactional(async (em) => {
      const source = await this.sources.findInTenantForUpdate(em, auth.tenantId, id);
      const previous = source?.owner as User | undefined;
      if (!source || (previous!.id !== auth.userId && auth.role !== 'admin')) {
        throw notFound('Data source');
      }
      const next = await this.users.findRecipient(em, auth.tenantId, input);
      if (!next) throw noSuchUser();
      if (next.id === previous!.id) {
        throw new ApiException(
          400,
          'already_owner',
          `${next.username} owns this data source already`,
        );
      }
      if (next.status !== 'active') {
        throw new ApiException(
          400,
          'user_deactivated',
          `${next.username} is deactivated; transfer it to an active user`,
        );
      }
      await this.sources.removeShare(em, source.id, next.id);
      if (previous!.status === 'active') await this.sources.addShare(em, source.id, previous!.id);
      source.owner = next;
      this.history.recordBy(em, auth, {
        type: 'data_source.transferred',
        subjectUserId: next.id,
        details: {
          dataSourceId: source.id,
          name: source.name,
          from: previous!.username,
          to: next.username,
        },
      });
      await em.flush();
      const shares = await this.sources.shares([source.id], em);
      return this.view(source, auth, shares);
    });
  }

  async share(auth: Caller, id: string, input: ShareDataSourceRequest): Promise<DataSourceView> {
    if (!input.userId === !input.username) throw invalid('Give exactly one of userId or username');
    return this.em.transactional(async (em) => {
      const source = await this.findOwned(em, auth, id);
      // Only users of the caller's tenant can be found: another tenant's user is "not found"
      // exactly like a name nobody has (another tenant's users are never revealed).
      const recipient = await this.users.findRecipient(em, auth.tenantId, input);
      if (!recipient) throw noSuchUser();
      if (recipient.id === auth.userId)
        throw new ApiException(400, 'cannot_share_with_self', 'You own this data source already');
      if (await this.sources.addShare(em, source.id, recipient.id)) {
        this.history.recordBy(em, auth, {
          type: 'data_source.shared',
          subjectUserId: recipient.id,
          details: { dataSourceId: source.id, name: source.name, with: recipient.username },
        });
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
      this.history.recordBy(em, auth, {
        type: 'data_source.unshared',
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
      this.history.recordBy(em, auth, {
        type: 'data_source.deleted',
        subjectUserId: auth.userId,
        details: { dataSourceId: source.id, name: source.name },
      });
      await this.sources.deleteShares(em, source.id);
      em.remove(source);
    });
  }

  odataUrl(key: string): string {
    return `${this.config.publicUrl}/odata/${key}/`;
  }

  private async insert(
    em: EntityManager,
    auth: Caller,
    fields: { name: string; tables: string[]; rowFilters: RowFilters },
  ): Promise<DataSource> {
    const source = em.create(DataSource, {
      tenant: auth.tenantId,
      owner: auth.userId,
      key: randomBase62(24),
      ...fields,
    });
    await em.flush();
    await em.populate(source, ['owner']);
    return source;
  }

  private async checkTables(tables: string[]): Promise<void> {
    const known = new Set((await this.catalog.catalog()).tables.map((t) => t.table));
    const unknown = tables.filter((t) => !known.has(t));
    if (unknown.length) throw invalid(`Not in the catalog: ${unknown.join(', ')}`);
  }

  private async findOwned(em: EntityManager, auth: Caller, id: string): Promise<DataSource> {
    const source = await this.sources.findOwned(em, auth.tenantId, auth.userId, id);
    if (!source) throw notFound('Data source');
    return source;
  }

  private view(source: DataSource, auth: Caller, shares: DataSourceShare[]): DataSourceView {
    return toDataSourceView(source, auth.userId, shares, this.odataUrl(source.key));
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameFilters(a: RowFilters, b: RowFilters): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
