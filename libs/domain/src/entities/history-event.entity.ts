import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

/**
 * One line of the append-only audit trail (SPEC.md section 4). Rows are only ever
 * inserted; `actor` null means the system did it.
 */
export const HistoryEvent = defineEntity({
  name: 'HistoryEvent',
  tableName: 'history_event',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    tenant: () => p.manyToOne(Tenant),
    occurredAt: p.datetime(),
    type: p.string().length(64),
    actor: () => p.manyToOne(User).nullable(),
    subjectUser: () => p.manyToOne(User).nullable(),
    details: p.json<Record<string, unknown>>().default('{}'),
  },
  indexes: [{ properties: ['tenant', 'occurredAt', 'id'] }, { properties: ['subjectUser', 'occurredAt', 'id'] }],
});

export type HistoryEvent = InferEntity<typeof HistoryEvent>;
