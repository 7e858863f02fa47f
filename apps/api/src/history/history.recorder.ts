import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { HistoryEvent } from '@feedpass/domain';
import { Clock } from '../common/clock.js';

export interface HistoryEntry {
  tenantId: string;
  type: string;
  /** The user who acted, or null for the system. */
  actorId: string | null;
  subjectUserId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends audit events. Callers pass the EntityManager of their own transaction, so a
 * change and the event that records it commit or fail together.
 */
@Injectable()
export class HistoryRecorder {
  constructor(private readonly clock: Clock) {}

  record(em: EntityManager, entry: HistoryEntry): void {
    em.create(HistoryEvent, {
      tenant: entry.tenantId,
      occurredAt: this.clock.now(),
      type: entry.type,
      actor: entry.actorId,
      subjectUser: entry.subjectUserId ?? null,
      details: entry.details ?? {},
    });
  }
}
