import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { sql } from '@mikro-orm/core';
import type { CurrentUser } from '@feedpass/contracts';
import { Tenant, User } from '@feedpass/domain';
import { ApiException, tooManyRequests, unauthenticated } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { AuthContext } from './auth-context.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { SessionsService } from './sessions.service.js';

export interface LoginAttempt {
  username: string;
  password: string;
  ip: string;
  userAgent?: string;
  /** The session cookie the browser already had: ended, so the id always changes at sign-in. */
  previousSecret?: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /** Checks the password and starts a session; returns the cookie secret and the user. */
  async login(attempt: LoginAttempt): Promise<{ secret: string; user: CurrentUser }> {
    const now = this.clock.now().getTime();
    const wait = this.throttle.retryAfter(attempt.username, attempt.ip, now);
    if (wait > 0) {
      throw tooManyRequests(wait, `Too many failed sign-in attempts. Try again in ${wait} seconds.`);
    }
    const user = await this.em.findOne(
      User,
      { [sql.lower('username')]: attempt.username.trim().toLowerCase() },
      { populate: ['passwordHash', 'tenant'] },
    );
    const passwordOk = await this.passwords.verify(user?.passwordHash, attempt.password);
    if (!user || !passwordOk) {
      this.throttle.failed(attempt.username, attempt.ip, now);
      this.metrics.authFailures.inc({ kind: 'login' });
      throw new ApiException(401, 'invalid_credentials', 'Wrong username or password');
    }
    if (user.status !== 'active') {
      throw new ApiException(401, 'account_deactivated', 'This account is deactivated; ask your admin');
    }
    this.throttle.succeeded(attempt.username, attempt.ip);
    if (attempt.previousSecret) await this.sessions.end(attempt.previousSecret);
    const secret = await this.sessions.start(user.id, { ip: attempt.ip, userAgent: attempt.userAgent });
    return { secret, user: toCurrentUser(user) };
  }

  async me(auth: AuthContext): Promise<CurrentUser> {
    const user = await this.em.findOne(User, { id: auth.userId, tenant: auth.tenantId }, { populate: ['tenant'] });
    if (!user) throw unauthenticated();
    return toCurrentUser(user);
  }
}

export function toCurrentUser(user: User): CurrentUser {
  const tenant = user.tenant as Tenant;
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    timeZone: user.timeZone,
    tenant: { id: tenant.id, name: tenant.name },
  };
}
