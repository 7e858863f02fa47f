import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ROLES } from '@feedpass/contracts';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';

/**
 * A tenant's OpenID Connect single sign-on (SPEC 13). The client secret is stored only as
 * AES-256-GCM ciphertext under the key from `SSO_SECRET_KEY`; the plaintext is never stored.
 */
export const TenantSso = defineEntity({
  name: 'TenantSso',
  tableName: 'tenant_sso',
  properties: {
    ...baseProperties,
    tenant: () => p.oneToOne(Tenant).owner().unique().deleteRule('cascade'),
    issuer: p.string().length(500),
    clientId: p.string().length(255),
    /** base64url(iv ‖ ciphertext ‖ tag); null until an admin sets a secret. */
    clientSecretEncrypted: p.text().nullable().hidden().lazy(),
    displayName: p.string().length(60),
    allowedDomains: p.json<string[]>().onCreate(() => []),
    autoCreate: p.boolean().default(false),
    defaultRole: p.enum(ROLES).default('user'),
    passwordSignIn: p.boolean().default(true),
    enabled: p.boolean().default(false),
  },
});

export type TenantSso = InferEntity<typeof TenantSso>;
