import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  HISTORY_PAGE_DEFAULT,
  type EventType,
  type HistoryEvent as HistoryEventView,
  type HistoryPage,
} from '@feedpass/contracts';
import type { HistoryEvent, User } from '@feedpass/domain';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import { toUserRef } from '../common/user-ref.js';
import { csvLine } from './csv.js';
import type { AdminHistoryQueryDto } from './dto/history-query.dto.js';
import { HistoryRepository } from './history.repository.js';

/** Whose events: the tenant's, and optionally only those about one user. */
export interface HistoryScope {
  tenantId: string;
  subjectUserId?: string;
}

const isPosition = (v: unknown[]): v is [number] => v.length === 1 && Number.isSafeInteger(v[0]);
const CSV_BATCH = 1000;
const CSV_HEADER = ['time', 'type', 'actor', 'user', 'token_id', 'token_label', 'details'];

/**
 * Reads the audit trail, newest first. Paging follows the insertion sequence, so new
 * events arriving between pages neither shift nor repeat the rows that follow.
 */
@Injectable()
export class HistoryService {
  constructor(
    private readonly em: EntityManager,
    private readonly events: HistoryRepository,
  ) {}

  async page(scope: HistoryScope, query: AdminHistoryQueryDto): Promise<HistoryPage> {
    const limit = query.limit ?? HISTORY_PAGE_DEFAULT;
    const before = query.cursor ? decodeCursor(query.cursor, isPosition)[0] : undefined;
    const rows = await this.fetch(this.em, scope, query, limit + 1, before);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].seq]) : null,
    };
  }

  /** The same filter as `page`, every matching row, as CSV lines (header first), in batches. */
  async *csv(scope: HistoryScope, query: AdminHistoryQueryDto): AsyncGenerator<string> {
    const em = this.em.fork();
    yield csvLine(CSV_HEADER);
    let before: number | undefined;
    for (;;) {
      const rows = await this.fetch(em, scope, query, CSV_BATCH, before);
      for (const row of rows) {
        const view = toView(row);
        yield csvLine([
          view.occurredAt,
          view.type,
          view.actor?.username ?? 'system',
          view.subjectUser?.username ?? '',
          view.token?.id ?? '',
          view.token?.label ?? '',
          JSON.stringify(view.details),
        ]);
      }
      if (rows.length < CSV_BATCH) return;
      before = rows[rows.length - 1].seq;
      em.clear();
    }
  }

  private fetch(
    em: EntityManager,
    scope: HistoryScope,
    query: AdminHistoryQueryDto,
    limit: number,
    before?: number,
  ): Promise<HistoryEvent[]> {
    const filter = {
      tenantId: scope.tenantId,
      subjectUserId: scope.subjectUserId ?? query.userId,
      type: query.type,
      tokenId: query.tokenId,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      beforeSeq: before,
    };
    return this.events.find(filter, limit, em);
  }
}

function toView(row: HistoryEvent): HistoryEventView {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    type: row.type as EventType,
    actor: row.actor ? toUserRef(row.actor as User) : null,
    subjectUser: row.subjectUser ? toUserRef(row.subjectUser as User) : null,
    token: row.tokenId ? { id: row.tokenId, label: row.tokenLabel ?? '' } : null,
    details: row.details,
  };
}
