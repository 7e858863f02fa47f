import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { slugFromName } from '../rules/tenant-slug.js';
import { baseProperties } from './base.js';

export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  properties: {
    ...baseProperties,
    name: p.string().length(100).unique(),
    /** Lowercase and unique: the tenant's sign-in page is `/t/{slug}` (SPEC 13). */
    slug: p
      .string()
      .length(63)
      .unique()
      .onCreate((tenant: { name: string }) => slugFromName(tenant.name)),
  },
});

export type Tenant = InferEntity<typeof Tenant>;
