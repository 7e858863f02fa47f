import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Session } from '@feedpass/domain';

/** Portal sessions, found by the digest of their cookie secret. */
@Injectable()
export class SessionRepository {
  constructor(private readonly em: EntityManager) {}

  async add(data: {
    secretHash: string;
    userId: string;
    lastSeenAt: Date;
    expiresAt: Date;
    absoluteExpiresAt: Date;
    userAgent: string | null;
    ip: string | null;
  }): Promise<void> {
    const { userId, ...rest } = data;
    this.em.create(Session, { ...rest, user: userId });
    await this.em.flush();
  }

  /** A session still usable at `now`, of an active user (populated). */
  findLive(secretHash: string, now: Date): Promise<Session | null> {
    return this.em.findOne(
      Session,
      {
        secretHash,
        expiresAt: { $gt: now },
        absoluteExpiresAt: { $gt: now },
        user: { status: 'active' },
      },
      { populate: ['user'] },
    );
  }

  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.em.nativeUpdate(Session, { id }, { lastSeenAt, expiresAt });
  }

  async deleteBySecret(secretHash: string): Promise<void> {
    await this.em.nativeDelete(Session, { secretHash });
  }

  deleteForUser(em: EntityManager, userId: string): Promise<number> {
    return em.nativeDelete(Session, { user: userId });
  }

  /** The user's sessions still usable at `now`, most recently seen first. */
  listLive(userId: string, now: Date): Promise<Session[]> {
    return this.em.find(
      Session,
      { user: userId, expiresAt: { $gt: now }, absoluteExpiresAt: { $gt: now } },
      { orderBy: { lastSeenAt: 'desc', id: 'asc' } },
    );
  }

  /** Ends one session of the user's own; false when the user has no such session. */
  async deleteOwn(userId: string, id: string): Promise<boolean> {
    return (await this.em.nativeDelete(Session, { id, user: userId })) > 0;
  }

  /** Ends every session of the user but `keepId` (a password change keeps the caller's). */
  deleteOthers(em: EntityManager, userId: string, keepId: string | undefined): Promise<number> {
    return em.nativeDelete(
      Session,
      keepId ? { user: userId, id: { $ne: keepId } } : { user: userId },
    );
  }

  deleteExpired(now: Date): Promise<number> {
    return this.em.nativeDelete(Session, {
      $or: [{ expiresAt: { $lte: now } }, { absoluteExpiresAt: { $lte: now } }],
    });
  }
}
