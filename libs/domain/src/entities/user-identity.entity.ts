import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

/**
 * A user's account at an OpenID provider: signing in through the tenant's SSO matches the
 * user by `(issuer, subject)` within the tenant (a shared issuer such as Google's serves
 * many tenants, so the same subject may have one user in each).
 */
export const UserIdentity = defineEntity({
  name: 'UserIdentity',
  tableName: 'user_identity',
  properties: {
    ...baseProperties,
    tenant: () => p.manyToOne(Tenant),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    issuer: p.string().length(500),
    subject: p.string().length(255),
    /** The e-mail the provider last said, for admins; never used to match. */
    email: p.string().length(254).nullable(),
    lastSignInAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'user_identity_tenant_issuer_subject_unique',
      properties: ['tenant', 'issuer', 'subject'],
    },
    { name: 'user_identity_user_issuer_unique', properties: ['user', 'issuer'] },
  ],
});

export type UserIdentity = InferEntity<typeof UserIdentity>;
