import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Session, User } from '@feedpass/domain';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import type { AuthContext } from './auth-context.js';

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');
const MINUTE = 60_000;

/** Server-side sessions in PostgreSQL, so every API instance sees the same ones. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a session and returns the secret for the cookie (never stored). */
  async start(userId: string, meta: { userAgent?: string; ip?: string }): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    this.em.create(Session, {
      secretHash: digest(secret),
      user: userId,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionIdleMinutes * MINUTE),
      absoluteExpiresAt: new Date(now.getTime() + this.config.sessionMaxDays * 24 * 60 * MINUTE),
      userAgent: meta.userAgent?.slice(0, 255) ?? null,
      ip: meta.ip?.slice(0, 64) ?? null,
    });
    await this.em.flush();
    return secret;
  }

  /**
   * The caller behind a cookie secret, or null when the session is unknown, expired, or
   * its user is deactivated. Slides the idle expiry at most once a minute.
   */
  async resolve(secret: string): Promise<AuthContext | null> {
    const now = this.clock.now();
    const session = await this.em.findOne(
      Session,
      {
        secretHash: digest(secret),
        expiresAt: { $gt: now },
        absoluteExpiresAt: { $gt: now },
        user: { status: 'active' },
      },
      { populate: ['user'] },
    );
    if (!session) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > MINUTE) {
      const idle = new Date(now.getTime() + this.config.sessionIdleMinutes * MINUTE);
      await this.em.nativeUpdate(
        Session,
        { id: session.id },
        { lastSeenAt: now, expiresAt: idle < session.absoluteExpiresAt ? idle : session.absoluteExpiresAt },
      );
    }
    const user = session.user as User;
    return {
      userId: user.id,
      tenantId: typeof user.tenant === 'string' ? user.tenant : user.tenant.id,
      username: user.username,
      role: user.role,
      sessionId: session.id,
    };
  }

  async end(secret: string): Promise<void> {
    await this.em.nativeDelete(Session, { secretHash: digest(secret) });
  }

  /** Signs a user out everywhere (deactivation). Runs inside the caller's transaction. */
  async endAllFor(em: EntityManager, userId: string): Promise<number> {
    return em.nativeDelete(Session, { user: userId });
  }

  /** Housekeeping: forget sessions that can no longer be used. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    return this.em.nativeDelete(Session, { $or: [{ expiresAt: { $lte: now } }, { absoluteExpiresAt: { $lte: now } }] });
  }
}
