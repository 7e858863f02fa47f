import { EntityManager } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { EventType } from '@feedpass/contracts';
import { HistoryEvent } from '@feedpass/domain';
import { execute } from '../database/sql.js';

export interface HistoryFilter {
  tenantId: string;
  subjectUserId?: string;
  type?: EventType;
  tokenId?: string;
  from?: Date;
  to?: Date;
  /** Keyset: only events inserted before this sequence number. */
  beforeSeq?: number;
}

/**
 * The SQL that appends history events set-based, for the statements that produce many at
 * once (the expiry sweep, the outbox). `select` must yield the columns tenant_id,
 * occurred_at, type, actor_id, subject_user_id, token_id, token_label and details.
 */
export function insertHistorySql(select: string): string {
  return `insert into history_event (id, tenant_id, occurred_at, type, actor_id, subject_user_id, token_id, token_label, details)
    select gen_random_uuid(), e.tenant_id, e.occurred_at, e.type, e.actor_id, e.subject_user_id, e.token_id, e.token_label, e.details
      from (${select}) e`;
}

/** The audit trail: appended to, read newest first. */
@Injectable()
export class HistoryRepository {
  constructor(private readonly em: EntityManager) {}

  /** Adds an event to the transaction of `em`; it is written with the next flush. */
  add(
    em: EntityManager,
    event: {
      tenantId: string;
      occurredAt: Date;
      type: EventType;
      actorId: string | null;
      subjectUserId: string | null;
      tokenId: string | null;
      tokenLabel: string | null;
      details: Record<string, unknown>;
    },
  ): void {
    const { tenantId, actorId, subjectUserId, ...rest } = event;
    em.create(HistoryEvent, {
      ...rest,
      tenant: tenantId,
      actor: actorId,
      subjectUser: subjectUserId,
    });
  }

  /** Events matching the filter, newest first, with actor and subject user. */
  find(filter: HistoryFilter, limit: number, em: EntityManager = this.em): Promise<HistoryEvent[]> {
    const where: FilterQuery<HistoryEvent> = { tenant: filter.tenantId };
    if (filter.subjectUserId) where.subjectUser = filter.subjectUserId;
    if (filter.type) where.type = filter.type;
    if (filter.tokenId) where.tokenId = filter.tokenId;
    if (filter.from || filter.to) {
      where.occurredAt = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    }
    if (filter.beforeSeq !== undefined) where.seq = { $lt: filter.beforeSeq };
    return em.find(HistoryEvent, where, {
      populate: ['actor', 'subjectUser'],
      orderBy: { seq: 'desc' },
      limit,
    });
  }

  /**
   * Whether an event of `type` about the token was recorded after `since`. Takes a
   * transaction-scoped advisory lock on (type, token) first, so racing instances check
   * and insert one at a time.
   */
  async lockAndHasRecent(
    em: EntityManager,
    type: EventType,
    tokenId: string,
    since: Date,
  ): Promise<boolean> {
    await execute(em, `select pg_advisory_xact_lock(hashtext(? || ':' || ?))`, [type, tokenId]);
    const [recent] = await execute<{ n: number }>(
      em,
      `select count(*)::int as n from history_event where token_id = ? and type = ? and occurred_at > ?`,
      [tokenId, type, since],
    );
    return recent.n > 0;
  }
}
