import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { User } from './user.entity.js';

/**
 * A signed-in browser. The cookie carries a random secret; only its SHA-256 digest is
 * stored, so a database dump cannot be replayed as a session.
 */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'session',
  properties: {
    ...baseProperties,
    secretHash: p.string().length(64).unique().hidden(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    lastSeenAt: p.datetime(),
    /** Sliding idle expiry, capped by `absoluteExpiresAt`. */
    expiresAt: p.datetime(),
    absoluteExpiresAt: p.datetime(),
    userAgent: p.string().length(255).nullable(),
    ip: p.string().length(64).nullable(),
  },
});

export type Session = InferEntity<typeof Session>;
