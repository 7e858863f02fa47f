import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';

export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  properties: {
    ...baseProperties,
    name: p.string().length(100).unique(),
  },
});

export type Tenant = InferEntity<typeof Tenant>;
