import { Injectable } from '@nestjs/common';
import type { Catalog, CatalogTable } from '@feedpass/contracts';
import type { DataSource } from '@feedpass/domain';
import type { Caller } from '../auth/caller.js';
import { Clock } from '../common/clock.js';
import { CatalogService } from '../data-sources/catalog.service.js';
import {
  DataSourceRepository,
  type FeedSourceRow,
} from '../data-sources/data-source.repository.js';
import { toDate } from '../database/sql.js';
import { AccessTokenRepository } from '../tokens/access-token.repository.js';
import { modelOf } from './model.js';
import { ODataException } from './odata-error.js';
import type { EntitySetModel } from './query/edm.js';
import { parseFilter, type FilterNode } from './query/filter-parser.js';
import { compileFilterAst } from './query/sql-compiler.js';

/** One data source as a feed: its entity sets and where each one's rows live. */
export interface Feed {
  key: string;
  sets: EntitySetModel[];
  source: Map<string, { table: string; uniqueKey: boolean }>;
  /**
   * The owner's row filter of each set that has one: ANDed into every statement that reads
   * the set — rows, counts, keys, navigation, `$expand`, `$apply`, the portal's preview.
   */
  rowFilters: Map<string, FilterNode>;
}

/** "Last read" is written at most this often per data source. */
const READ_MARK_MS = 60_000;

/** A data source key as the feed's addresses carry it; anything else is a 404 without a query. */
const FEED_KEY = /^[0-9A-Za-z]{1,32}$/;

/** The key of a feed address, or null when it cannot name a data source. */
export function feedKeyOf(key: string | undefined): string | null {
  return key !== undefined && FEED_KEY.test(key) ? key : null;
}

/**
 * The data source a feed request's sign-in already read (`AccessTokenRepository.findForBasic`
 * reads it in the same statement as the token), by the caller that sign-in made: one
 * request's caller object, so the row lives as long as that request and is never shared.
 */
const signInReads = new WeakMap<Caller, { key: string; source: FeedSourceRow | null }>();

/** Keeps the data source row the sign-in of `caller`'s request read for `key`. */
export function rememberSignInRead(caller: Caller, key: string, source: FeedSourceRow | null) {
  signInReads.set(caller, { key, source });
}

/**
 * Opens the data source behind `/odata/{key}/` for a caller. An unknown key — or one
 * of another tenant, whose existence is not leaked — is `404`; a data source of the same
 * tenant that the token's owner neither owns nor was shared is `403`; one the owner can read
 * but a scoped token does not list is `403 out_of_scope`. The data source (and the token's
 * scope) is read on every request, so an edit (tables, row filters) applies to the very next
 * one, on every instance. A feed request signed in with a token has it from the sign-in's
 * statement (`rememberSignInRead`): one round trip per request for both.
 */
@Injectable()
export class FeedService {
  /** Models per catalog object (see `modelOf`). */
  private readonly models = new WeakMap<
    Catalog,
    { byTable: Map<string, CatalogTable>; byTables: Map<string, FeedModel> }
  >();

  constructor(
    private readonly sources: DataSourceRepository,
    private readonly tokens: AccessTokenRepository,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
  ) {}

  async open(key: string, caller: Caller): Promise<Feed> {
    const source = await this.source(key, caller);
    if (!source || source.tenant_id !== caller.tenantId) {
      throw new ODataException(404, 'not_found', 'No data source at this address');
    }
    if (source.owner_id !== caller.userId && !source.shared) {
      throw new ODataException(
        403,
        'forbidden',
        'This data source is not shared with you; ask its owner to share it',
      );
    }
    if (!source.in_scope) throw await this.outOfScope(caller.tokenId!);
    const feed = await this.feedOf({
      key: source.key,
      tables: source.tables,
      rowFilters: source.row_filters,
    });
    const now = this.clock.now();
    const lastRead = toDate(source.last_read_at);
    if (!lastRead || now.getTime() - lastRead.getTime() >= READ_MARK_MS) {
      // The condition keeps racing requests and instances to one write.
      await this.sources.markRead(
        source.id,
        caller.userId,
        now,
        new Date(now.getTime() - READ_MARK_MS),
      );
    }
    return feed;
  }

  /** The data source at `key` for the caller: the sign-in's read of it, else its own query. */
  private async source(key: string, caller: Caller): Promise<FeedSourceRow | undefined> {
    if (!feedKeyOf(key)) return undefined;
    const read = signInReads.get(caller);
    if (read?.key === key) return read.source ?? undefined;
    return this.sources.findForFeed(key, caller.userId, caller.tokenId ?? null);
  }

  /** The refusal of a scoped token's request for another data source, naming its scope. */
  private async outOfScope(tokenId: string): Promise<Error> {
    const listed = (await this.tokens.scopesOf([tokenId])).get(tokenId) ?? [];
    const names = listed.map((s) => s.name);
    return new ODataException(
      403,
      'out_of_scope',
      `This token may read only these data sources: ${names.length ? names.join(', ') : 'none left (they were deleted)'}.`,
    );
  }

  /** The feed model of a data source, with its row filters (for the feed and the preview). */
  async feedOf(source: Pick<DataSource, 'key' | 'tables' | 'rowFilters'>): Promise<Feed> {
    const { tables, sets, sourceOf } = this.modelOf(await this.catalog.catalog(), source.tables);
    const rowFilters = new Map<string, FilterNode>();
    for (const table of tables) {
      const text = source.rowFilters?.[table.table];
      if (text)
        rowFilters.set(
          table.entitySet,
          rowFilter(
            text,
            sets.find((s) => s.name === table.entitySet)!,
          ),
        );
    }
    return { key: source.key, sets, source: new Map(sourceOf), rowFilters };
  }

  /**
   * The entity sets of these tables in this catalog, made once per catalog and table list:
   * the catalog object is replaced whenever it is read again (`CatalogService`), which drops
   * its models with it, so an edit of the source schema shows as soon as the catalog does.
   * The sets are shared by every request, so they are frozen: nothing may change them.
   */
  private modelOf(catalog: Catalog, names: string[]): FeedModel {
    let models = this.models.get(catalog);
    if (!models) {
      models = { byTable: new Map(catalog.tables.map((t) => [t.table, t])), byTables: new Map() };
      this.models.set(catalog, models);
    }
    const id = names.join('\n');
    let model = models.byTables.get(id);
    if (!model) {
      const byTable = models.byTable;
      const tables = names.map((t) => byTable.get(t)).filter((t): t is CatalogTable => !!t);
      model = {
        tables,
        sets: deepFreeze(modelOf(tables)),
        sourceOf: tables.map((t) => [
          t.entitySet,
          { table: t.table, uniqueKey: t.kind === 'table' },
        ]),
      };
      models.byTables.set(id, model);
    }
    return model;
  }
}

/** The model of one table list in one catalog. */
interface FeedModel {
  tables: CatalogTable[];
  sets: EntitySetModel[];
  sourceOf: [string, { table: string; uniqueKey: boolean }][];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * A stored row filter, checked against today's columns. One that no longer fits (a column
 * was dropped from the source) fails closed: the set is refused rather than served unfiltered.
 */
function rowFilter(text: string, set: EntitySetModel): FilterNode {
  try {
    const node = parseFilter(text);
    compileFilterAst(node, set, []);
    return node;
  } catch {
    throw new ODataException(
      403,
      'forbidden',
      `The row filter of ${set.name} no longer fits its columns; ask the data source's owner to fix it`,
    );
  }
}
