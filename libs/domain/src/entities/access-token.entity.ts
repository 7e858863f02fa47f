import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { REVOKE_REASONS } from '@feedpass/contracts';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';
import { DataSource } from './data-source.entity.js';

/**
 * A personal access token: a user's credential for OData feeds. Only the SHA-256 digest of the value is
 * stored. Status is derived from `revokedAt` and `expiresAt` against "now" (see
 * rules/token-status.ts), so a token is expired the instant its time passes.
 */
export const AccessToken = defineEntity({
  name: 'AccessToken',
  tableName: 'access_token',
  properties: {
    ...baseProperties,
    tenant: () => p.manyToOne(Tenant),
    owner: () => p.manyToOne(User),
    label: p.string().length(100),
    digest: p.string().length(64).unique().hidden(),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    revokeReason: p.enum(REVOKE_REASONS).nullable(),
    lastUsedAt: p.datetime().nullable(),
    /** The client address of the last use (written with `lastUsedAt`, and when it changes). */
    lastUsedIp: p.string().length(45).nullable(),
    /** The User-Agent of the last use, at most 200 characters. */
    lastUsedClient: p.string().length(200).nullable(),
    /** The last authentication attempt with this token after it stopped being active. */
    lastRejectedAt: p.datetime().nullable(),
    lastRejectedIp: p.string().length(45).nullable(),
    lastRejectedClient: p.string().length(200).nullable(),
    /**
     * False: the token reads every data source its owner can. True: only those listed in
     * access_token_scope (a deleted data source drops out of the list, so the scope narrows).
     */
    scoped: p.boolean().default(false),
    /** When the expiry job recorded the expiry (status is expired from `expiresAt` on). */
    expiredAt: p.datetime().nullable(),
    /** When the next expiry notice falls due (rules/notices.ts); null when none will. */
    nextNoticeAt: p.datetime().nullable(),
    /** The token this one replaced by rotation. */
    rotatedFrom: p.uuid().nullable(),
  },
  indexes: [
    { name: 'access_token_owner_created_index', properties: ['owner', 'createdAt'] },
    { name: 'access_token_tenant_created_index', properties: ['tenant', 'createdAt'] },
    {
      // Counting and finding a user's unrevoked tokens (the 5-active limit) stays cheap.
      name: 'access_token_owner_unrevoked_index',
      expression:
        'create index "access_token_owner_unrevoked_index" on "access_token" ("owner_id", "expires_at") where "revoked_at" is null',
    },
    {
      // The expiry job's candidates: unrevoked tokens with an expiry it has not handled.
      name: 'access_token_expiry_due_index',
      expression:
        'create index "access_token_expiry_due_index" on "access_token" ("expires_at") where "revoked_at" is null and "expired_at" is null and "expires_at" is not null',
    },
    {
      name: 'access_token_next_notice_index',
      expression:
        'create index "access_token_next_notice_index" on "access_token" ("next_notice_at") where "next_notice_at" is not null',
    },
    {
      // The unused-token sweep: active tokens of a tenant by their last use (or minting).
      name: 'access_token_unused_index',
      expression:
        'create index "access_token_unused_index" on "access_token" ("tenant_id", (coalesce("last_used_at", "created_at"))) where "revoked_at" is null and "expired_at" is null',
    },
  ],
});

export type AccessToken = InferEntity<typeof AccessToken>;

/** One data source a scoped token may read (see `AccessToken.scoped`). */
export const AccessTokenScope = defineEntity({
  name: 'AccessTokenScope',
  tableName: 'access_token_scope',
  properties: {
    token: () => p.manyToOne(AccessToken).primary().deleteRule('cascade'),
    dataSource: () => p.manyToOne(DataSource).primary().deleteRule('cascade').index(),
  },
});

export type AccessTokenScope = InferEntity<typeof AccessTokenScope>;
