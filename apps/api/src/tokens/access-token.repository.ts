import { EntityManager } from '@mikro-orm/postgresql';
import { LockMode, type FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { TokenStatus } from '@feedpass/contracts';
import {
  AccessToken,
  activeTokenSql,
  activeTokenWhere,
  expiredTokenWhere,
  nextNoticeAtSql,
  revokedTokenWhere,
} from '@feedpass/domain';
import {
  feedSourceColumnsSql,
  type FeedSourceRow,
} from '../data-sources/data-source.repository.js';
import { BatchedRead } from '../database/batched-read.js';
import { runPrepared, type PreparedStatement } from '../database/prepared.js';
import { execute, executeNamed } from '../database/sql.js';
import type { RequestOrigin } from '../odata-auth/request-origin.js';

/** What the OData Basic check needs about a token and its owner, in one row. */
export interface TokenForBasicRow {
  id: string;
  label: string;
  tenant_id: string;
  owner_id: string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
  last_used_ip: string | null;
  last_used_client: string | null;
  username: string;
  role: string;
  user_status: string;
  /** The data source the feed request names, as the token's owner reads it; null if none. */
  source: FeedSourceRow | null;
}

export interface InventoryFilter {
  tenantId: string;
  ownerId?: string;
  status?: TokenStatus;
  expiresBefore?: Date;
  /** Keyset position: rows strictly after it in (createdAt, id) descending order. */
  after?: { createdAt: Date; id: string };
}

export interface ShortenedRow {
  id: string;
  label: string;
  owner_id: string;
  old_expires_at: Date | null;
}

/**
 * Tokens by their digests with their owners, and the data source each request names (if any)
 * as that token's owner reads it with that token: the feed's sign-ins and their data sources,
 * many requests in one round trip (`findForBasic`). `$1` and `$2` are parallel arrays of
 * digests and feed keys; `i` says which pair a row answers. The data source columns are
 * prefixed `source_` (and null when no key matched).
 */
const TOKENS_FOR_BASIC: PreparedStatement = {
  name: 'feedpass_tokens_for_basic',
  text: `select q.i::int as i, t.id, t.label, t.tenant_id, t.owner_id, t.expires_at, t.revoked_at,
                t.last_used_at, t.last_used_ip, t.last_used_client,
                u.username, u.role, u.status as user_status,
                ${feedSourceColumnsSql('d', 't.owner_id', 't.id', 'source_')}
           from unnest($1::text[], $2::text[]) with ordinality as q(digest, feed_key, i)
           join access_token t on t.digest = q.digest
           join app_user u on u.id = t.owner_id
           left join data_source d on d.key = q.feed_key`,
};

/** One feed sign-in's question: a token's digest and the data source key the request names. */
interface BasicKey {
  digest: string;
  feedKey: string | null;
}

type TokenForBasicResult = Omit<TokenForBasicRow, 'source'> & { i: number } & {
  [K in keyof FeedSourceRow as `source_${K}`]: FeedSourceRow[K] | null;
};

const STATUS_WHERE: Record<TokenStatus, (now: Date) => FilterQuery<AccessToken>> = {
  active: activeTokenWhere,
  expired: expiredTokenWhere,
  revoked: revokedTokenWhere,
};

/** Access tokens. Every method scoped to a tenant takes it explicitly. */
@Injectable()
export class AccessTokenRepository {
  constructor(private readonly em: EntityManager) {}

  /** Concurrent feed sign-ins, read together (`findForBasic`). */
  private readonly basicReads = new BatchedRead<BasicKey, TokenForBasicRow>(
    (keys) => this.findManyForBasic(keys),
    { idOf: basicKeyId, maxInFlight: 2, maxBatch: 100 },
  );

  listOwned(tenantId: string, ownerId: string): Promise<AccessToken[]> {
    return this.em.find(
      AccessToken,
      { owner: ownerId, tenant: tenantId },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
  }

  countActive(em: EntityManager, tenantId: string, ownerId: string, now: Date): Promise<number> {
    return em.count(AccessToken, { owner: ownerId, tenant: tenantId, ...activeTokenWhere(now) });
  }

  /** One of the owner's tokens, row-locked for the caller's transaction. */
  findOwnedForUpdate(
    em: EntityManager,
    tenantId: string,
    ownerId: string,
    id: string,
  ): Promise<AccessToken | null> {
    return em.findOne(
      AccessToken,
      { id, owner: ownerId, tenant: tenantId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
  }

  /** One statement revokes every active token of the owner; returns what it revoked. */
  revokeAllActive(
    em: EntityManager,
    tenantId: string,
    ownerId: string,
    now: Date,
  ): Promise<{ id: string; label: string }[]> {
    return execute<{ id: string; label: string }>(
      em,
      `update access_token set revoked_at = ?, revoke_reason = 'revoke_all', updated_at = ?, next_notice_at = null
        where owner_id = ? and tenant_id = ? and ${activeTokenSql('?')}
        returning id, label`,
      [now, now, ownerId, tenantId, now],
    );
  }

  /** The tenant's tokens with their owners, newest first, `limit` of them. */
  inventory(filter: InventoryFilter, now: Date, limit: number): Promise<AccessToken[]> {
    const where: FilterQuery<AccessToken>[] = [{ tenant: filter.tenantId }];
    if (filter.ownerId) where.push({ owner: filter.ownerId });
    if (filter.status) where.push(STATUS_WHERE[filter.status](now));
    if (filter.expiresBefore) where.push({ expiresAt: { $lt: filter.expiresBefore } });
    if (filter.after) {
      const { createdAt, id } = filter.after;
      where.push({ $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }] });
    }
    return this.em.find(
      AccessToken,
      { $and: where },
      { populate: ['owner'], orderBy: { createdAt: 'desc', id: 'desc' }, limit },
    );
  }

  /**
   * The data sources in the scopes of these tokens, by token id, each list by name; one
   * statement (none for no ids). A token without rows is absent from the map.
   */
  async scopesOf(
    tokenIds: string[],
    em: EntityManager = this.em,
  ): Promise<Map<string, { id: string; name: string }[]>> {
    const scopes = new Map<string, { id: string; name: string }[]>();
    if (!tokenIds.length) return scopes;
    const rows = await execute<{ token_id: string; id: string; name: string }>(
      em,
      `select ts.token_id, d.id, d.name
         from access_token_scope ts join data_source d on d.id = ts.data_source_id
        where ts.token_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
        order by d.name, d.id`,
      [JSON.stringify(tokenIds)],
    );
    for (const { token_id, id, name } of rows) {
      const list = scopes.get(token_id) ?? [];
      list.push({ id, name });
      scopes.set(token_id, list);
    }
    return scopes;
  }

  /** Lists these data sources in the scope of a (scoped, flushed) token. */
  async addScope(em: EntityManager, tokenId: string, dataSourceIds: string[]): Promise<void> {
    if (!dataSourceIds.length) return;
    await execute(
      em,
      `insert into access_token_scope (token_id, data_source_id)
       select ?, value::uuid from jsonb_array_elements_text(?::jsonb)`,
      [tokenId, JSON.stringify(dataSourceIds)],
    );
  }

  /**
   * Gives the token `to` the scope of `from` (rotation): the data sources still listed, each
   * key-share locked so that a data source deleted meanwhile is skipped, not a failure.
   */
  async copyScope(em: EntityManager, from: string, to: string): Promise<void> {
    await execute(
      em,
      `insert into access_token_scope (token_id, data_source_id)
       select ?, d.id from access_token_scope ts join data_source d on d.id = ts.data_source_id
        where ts.token_id = ?
        for key share of d`,
      [to, from],
    );
  }

  /**
   * The OData hot path: the token by the digest of its value, with what is needed to check
   * its owner, and the data source at `feedKey` as the token's owner may read it (see
   * `FeedSourceRow`), null when there is none. Read on every request, never cached:
   * revocation bites on the very next one. Concurrent sign-ins share a prepared statement
   * on the pg pool (`database/batched-read.ts`, `database/prepared.ts`), and each is answered
   * only by a statement sent after it asked.
   */
  findForBasic(
    digest: string,
    feedKey: string | null = null,
  ): Promise<TokenForBasicRow | undefined> {
    return this.basicReads.read({ digest, feedKey });
  }

  private async findManyForBasic(keys: BasicKey[]): Promise<Map<string, TokenForBasicRow>> {
    const rows = await runPrepared<TokenForBasicResult>(this.em, TOKENS_FOR_BASIC, [
      keys.map((k) => k.digest),
      keys.map((k) => k.feedKey),
    ]);
    // A digest is unique, so each pair has at most one row; `i` counts from 1.
    return new Map(rows.map((row) => [basicKeyId(keys[row.i - 1]!), basicRow(row)]));
  }

  /**
   * Records a use and where it came from, unless one at or after `notBefore` from the same
   * address and client is recorded: one conditional statement, so racing instances write once
   * (the rule is `isRecordDue` in odata-auth/request-origin.ts).
   */
  touchLastUsed(id: string, from: RequestOrigin, now: Date, notBefore: Date): Promise<void> {
    return this.touch('last_used', id, from, now, notBefore);
  }

  /**
   * Records an attempt to use a token that is no longer active, by the same rule as
   * `touchLastUsed`: at most once a minute unless the address or client changed.
   */
  touchLastRejected(id: string, from: RequestOrigin, now: Date, notBefore: Date): Promise<void> {
    return this.touch('last_rejected', id, from, now, notBefore);
  }

  private async touch(
    column: 'last_used' | 'last_rejected',
    id: string,
    from: RequestOrigin,
    now: Date,
    notBefore: Date,
  ): Promise<void> {
    const [at, ip, client] = [`${column}_at`, `${column}_ip`, `${column}_client`];
    await this.em.getConnection().execute(
      `update access_token set ${at} = ?, ${ip} = ?, ${client} = ?
        where id = ? and (${at} is null or ${at} <= ? or ${ip} is distinct from ? or ${client} is distinct from ?)`,
      [now, from.ip, from.client, id, notBefore, from.ip, from.client],
    );
  }

  /** One statement: every token of the tenant still active at `limit` now ends at it. */
  shortenActive(
    em: EntityManager,
    tenantId: string,
    limit: Date,
    now: Date,
  ): Promise<ShortenedRow[]> {
    return execute<ShortenedRow>(
      em,
      `with due as (
         select id, expires_at from access_token
          where tenant_id = ? and ${activeTokenSql('?')}
          for update
       )
       update access_token t set expires_at = ?, updated_at = ?
         from due where t.id = due.id
       returning t.id, t.label, t.owner_id, due.expires_at as old_expires_at`,
      [tenantId, limit, limit, now],
    );
  }

  /** Moves the next notice of every live token of the tenant after a policy change. */
  async rescheduleNotices(
    em: EntityManager,
    tenantId: string,
    notifyDaysBefore: number[],
    now: Date,
  ): Promise<void> {
    await executeNamed(
      em,
      `update access_token t set next_notice_at = ${nextNoticeAtSql(':thresholds::jsonb', ':now')}
        where t.tenant_id = :tenant and t.revoked_at is null and t.expired_at is null and t.expires_at is not null`,
      { thresholds: JSON.stringify(notifyDaysBefore), now, tenant: tenantId },
    );
  }
}

const basicKeyId = (key: BasicKey) => `${key.digest} ${key.feedKey ?? ''}`;

function basicRow(row: TokenForBasicResult): TokenForBasicRow {
  return {
    id: row.id,
    label: row.label,
    tenant_id: row.tenant_id,
    owner_id: row.owner_id,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    last_used_at: row.last_used_at,
    last_used_ip: row.last_used_ip,
    last_used_client: row.last_used_client,
    username: row.username,
    role: row.role,
    user_status: row.user_status,
    source:
      row.source_id === null
        ? null
        : {
            id: row.source_id,
            key: row.source_key!,
            tenant_id: row.source_tenant_id!,
            owner_id: row.source_owner_id!,
            tables: row.source_tables!,
            row_filters: row.source_row_filters!,
            last_read_at: row.source_last_read_at,
            shared: row.source_shared!,
            in_scope: row.source_in_scope!,
          },
  };
}
