import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Tenant } from './tenant.entity.js';
import { User } from './user.entity.js';

/**
 * One line of the append-only audit trail (what changed tokens, users, the policy and data sources, and which notices went out). Rows are only ever
 * inserted; `actor` null means the system did it.
 */
export const HistoryEvent = defineEntity({
  name: 'HistoryEvent',
  tableName: 'history_event',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** Insertion order: what "newest first" and the paging cursor follow. */
    seq: p.bigint('number').autoincrement(),
    tenant: () => p.manyToOne(Tenant),
    occurredAt: p.datetime(),
    type: p.string().length(64),
    actor: () => p.manyToOne(User).nullable(),
    subjectUser: () => p.manyToOne(User).nullable(),
    /** The token concerned and its label at that time (kept if the token row changes). */
    tokenId: p.uuid().nullable(),
    tokenLabel: p.string().length(100).nullable(),
    details: p.json<Record<string, unknown>>().default('{}'),
  },
  indexes: [
    { name: 'history_event_tenant_seq_index', properties: ['tenant', 'seq'] },
    { name: 'history_event_subject_seq_index', properties: ['subjectUser', 'seq'] },
    { name: 'history_event_token_seq_index', properties: ['tokenId', 'seq'] },
  ],
});

export type HistoryEvent = InferEntity<typeof HistoryEvent>;
