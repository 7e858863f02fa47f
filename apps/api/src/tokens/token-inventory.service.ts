import { EntityManager } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { InventoryPage } from '@feedpass/contracts';
import { AccessToken } from '@feedpass/domain';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor } from '../common/cursor.js';
import type { InventoryQueryDto } from './dto/inventory-query.dto.js';
import { toInventoryToken } from './token.mapper.js';
import { activeAt } from './tokens.service.js';

const isPosition = (v: unknown[]): v is [string, string] =>
  v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/.test(v[1]);

/** The tenant's tokens for its admins: metadata and owner, never a value (SPEC.md 7). */
@Injectable()
export class TokenInventoryService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  async list(tenantId: string, query: InventoryQueryDto): Promise<InventoryPage> {
    const now = this.clock.now();
    const limit = query.limit ?? 50;
    const where: FilterQuery<AccessToken>[] = [{ tenant: tenantId }];
    if (query.userId) where.push({ owner: query.userId });
    if (query.status === 'active') where.push(activeAt(now));
    if (query.status === 'expired') where.push({ revokedAt: null, expiresAt: { $lte: now } });
    if (query.status === 'revoked') where.push({ revokedAt: { $ne: null } });
    if (query.expiresBefore) where.push({ expiresAt: { $lt: new Date(query.expiresBefore) } });
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, isPosition);
      const at = new Date(createdAt);
      where.push({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }] });
    }
    const rows = await this.em.find(AccessToken, { $and: where }, {
      populate: ['owner'],
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((t) => toInventoryToken(t, now)),
      nextCursor: rows.length > limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }
}
