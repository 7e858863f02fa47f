import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { DISPLAY_NAME_MAX, ROLES, USER_STATUSES } from '@feedpass/contracts';
import { baseProperties } from './base.js';
import { Tenant } from './tenant.entity.js';

export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    ...baseProperties,
    tenant: () => p.manyToOne(Tenant).index(),
    /** Unique across the deployment, compared case-insensitively (index on lower(username)). */
    username: p.string().length(64),
    email: p.string().length(254),
    displayName: p.string().length(DISPLAY_NAME_MAX),
    role: p.enum(ROLES).default('user'),
    status: p.enum(USER_STATUSES).default('active'),
    timeZone: p.string().length(64).default('UTC'),
    /** Null until an invited user sets a password through their invitation link. */
    passwordHash: p.string().length(255).nullable().hidden().lazy(),
    deactivatedAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'app_user_username_lower_unique',
      expression:
        'create unique index "app_user_username_lower_unique" on "app_user" (lower("username"))',
    },
  ],
});

export type User = InferEntity<typeof User>;
