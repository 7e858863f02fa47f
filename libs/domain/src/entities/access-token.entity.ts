import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { REVOKE_REASONS } from '@feedpass/contracts';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

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
  ],
});

export type AccessToken = InferEntity<typeof AccessToken>;
