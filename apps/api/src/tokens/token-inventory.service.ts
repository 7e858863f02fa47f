import { Injectable } from '@nestjs/common';
import type { InventoryPage } from '@feedpass/contracts';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { InventoryQueryDto } from './dto/inventory-query.dto.js';
import { toInventoryToken } from './token.mapper.js';
import { AccessTokenRepository } from './access-token.repository.js';

const isPosition = (v: unknown[]): v is [string, string] =>
  v.length === 2 &&
  typeof v[0] === 'string' &&
  !Number.isNaN(Date.parse(v[0])) &&
  typeof v[1] === 'string' &&
  /^[0-9a-f-]{36}$/.test(v[1]);

/** The tenant's tokens for its admins: metadata and owner, never a token's value. */
@Injectable()
export class TokenInventoryService {
  constructor(
    private readonly tokens: AccessTokenRepository,
    private readonly clock: Clock,
  ) {}

  async list(tenantId: string, query: InventoryQueryDto): Promise<InventoryPage> {
    const now = this.clock.now();
    const limit = query.limit ?? 50;
    const position = query.cursor ? decodeCursor(query.cursor, isPosition) : undefined;
    const rows = await this.tokens.inventory(
      {
        tenantId,
        ownerId: query.userId,
        status: query.status,
        expiresBefore: query.expiresBefore ? new Date(query.expiresBefore) : undefined,
        after: position && { createdAt: new Date(position[0]), id: position[1] },
      },
      now,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const scopes = await this.tokens.scopesOf(page.filter((t) => t.scoped).map((t) => t.id));
    return {
      items: page.map((t) => toInventoryToken(t, now, scopes)),
      nextCursor:
        rows.length > limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }
}
