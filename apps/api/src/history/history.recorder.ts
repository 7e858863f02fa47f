import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { EventType } from '@feedpass/contracts';
import type { Caller, SystemCaller } from '../auth/caller.js';
import { Clock } from '../common/clock.js';
import { HistoryRepository } from './history.repository.js';

export interface HistoryEntry {
  tenantId: string;
  type: EventType;
  /** The user who acted, or null for the system. */
  actorId: string | null;
  subjectUserId?: string | null;
  /** The token concerned and its label at this moment. */
  token?: { id: string; label: string } | null;
  details?: Record<string, unknown>;
}

/**
 * Appends audit events. Callers pass the EntityManager of their own transaction, so a
 * change and the event that records it commit or fail together. (Statements that produce
 * many events at once use `insertHistorySql` of the same repository.)
 */
@Injectable()
export class HistoryRecorder {
  constructor(
    private readonly events: HistoryRepository,
    private readonly clock: Clock,
  ) {}

  record(em: EntityManager, entry: HistoryEntry): void {
    this.events.add(em, {
      tenantId: entry.tenantId,
      occurredAt: this.clock.now(),
      type: entry.type,
      actorId: entry.actorId,
      subjectUserId: entry.subjectUserId ?? null,
      tokenId: entry.token?.id ?? null,
      tokenLabel: entry.token?.label ?? null,
      details: entry.details ?? {},
    });
  }

  /** An event the caller caused: in their tenant, with them as the actor. */
  recordBy(
    em: EntityManager,
    actor: Caller | SystemCaller,
    entry: Omit<HistoryEntry, 'tenantId' | 'actorId'>,
  ): void {
    this.record(em, { ...entry, tenantId: actor.tenantId, actorId: actor.userId });
  }
}
