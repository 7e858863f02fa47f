import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { POLICY_MODES } from '@feedpass/contracts';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

/** A tenant's token expiry policy (none, fixed or max lifetime; notice days). No row means the default. */
export const TokenPolicy = defineEntity({
  name: 'TokenPolicy',
  tableName: 'token_policy',
  properties: {
    ...baseProperties,
    tenant: () => p.manyToOne(Tenant).unique(),
    mode: p.enum(POLICY_MODES),
    lifetimeDays: p.integer().nullable(),
    notifyDaysBefore: p.json<number[]>(),
    /** Active tokens unused for this many days are revoked (reason `unused`); null: never. */
    revokeUnusedAfterDays: p.integer().nullable(),
    updatedBy: () => p.manyToOne(User).nullable(),
  },
});

export type TokenPolicy = InferEntity<typeof TokenPolicy>;
