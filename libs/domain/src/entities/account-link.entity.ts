import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

export const ACCOUNT_LINK_PURPOSES = ['invitation', 'password_reset'] as const;
export type AccountLinkPurpose = (typeof ACCOUNT_LINK_PURPOSES)[number];

/**
 * A one-time link emailed to a user: an invitation to set a first password, or a password
 * reset. Only the SHA-256 digest of its secret is stored; the secret travels in the URL
 * fragment. A link works once (`usedAt`) and until `expiresAt`; issuing a new one of the
 * same purpose deletes the older ones, so only the newest link works.
 */
export const AccountLink = defineEntity({
  name: 'AccountLink',
  tableName: 'account_link',
  properties: {
    ...baseProperties,
    tenant: () => p.manyToOne(Tenant),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    purpose: p.enum(ACCOUNT_LINK_PURPOSES),
    secretHash: p.string().length(64).unique().hidden(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});

export type AccountLink = InferEntity<typeof AccountLink>;
