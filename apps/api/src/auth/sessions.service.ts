import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { User } from '@feedpass/domain';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import type { Caller } from './caller.js';
import { SessionRepository } from './session.repository.js';

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');
const MINUTE = 60_000;

/** Server-side sessions in PostgreSQL, so every API instance sees the same ones. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a session and returns the secret for the cookie (never stored). */
  async start(userId: string, meta: { userAgent?: string; ip?: string }): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.sessions.add({
      secretHash: digest(secret),
      userId,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionIdleMinutes * MINUTE),
      absoluteExpiresAt: new Date(now.getTime() + this.config.sessionMaxDays * 24 * 60 * MINUTE),
      userAgent: meta.userAgent?.slice(0, 255) ?? null,
      ip: meta.ip?.slice(0, 64) ?? null,
    });
    return secret;
  }

  /**
   * The caller behind a cookie secret, or null when the session is unknown, expired, or
   * its user is deactivated. Slides the idle expiry at most once a minute.
   */
  async resolve(secret: string): Promise<Caller | null> {
    const now = this.clock.now();
    const session = await this.sessions.findLive(digest(secret), now);
    if (!session) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > MINUTE) {
      const idle = new Date(now.getTime() + this.config.sessionIdleMinutes * MINUTE);
      const expiresAt = idle < session.absoluteExpiresAt ? idle : session.absoluteExpiresAt;
      await this.sessions.touch(session.id, now, expiresAt);
    }
    const user = session.user as User;
    return {
      userId: user.id,
      tenantId: user.tenant.id,
      username: user.username,
      role: user.role,
      sessionId: session.id,
    };
  }

  async end(secret: string): Promise<void> {
    await this.sessions.deleteBySecret(digest(secret));
  }

  /** Signs a user out everywhere (deactivation). Runs inside the caller's transaction. */
  async endAllFor(em: EntityManager, userId: string): Promise<number> {
    return this.sessions.deleteForUser(em, userId);
  }

  /** Housekeeping: forget sessions that can no longer be used. */
  async purgeExpired(): Promise<number> {
    return this.sessions.deleteExpired(this.clock.now());
  }
}
