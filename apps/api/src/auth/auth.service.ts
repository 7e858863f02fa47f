import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { CurrentUser, SignInMethod } from '@feedpass/contracts';
import type { Tenant, User } from '@feedpass/domain';
import { ApiException, tooManyRequests, unauthenticated } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { toUserProfile } from '../common/user-ref.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Caller } from './caller.js';
import type { SignInThrottle } from '../common/failure-throttle.js';
import { LOGIN_THROTTLE } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { SessionsService } from './sessions.service.js';
import { UserRepository } from '../users/user.repository.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { TenantSsoRepository } from '../sso/tenant-sso.repository.js';

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
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    @Inject(LOGIN_THROTTLE) private readonly throttle: SignInThrottle,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly em: EntityManager,
    private readonly history: HistoryRecorder,
    private readonly sso: TenantSsoRepository,
  ) {}

  /** Checks the password and starts a session; returns the cookie secret and the user. */
  async login(attempt: LoginAttempt): Promise<{ secret: string; user: CurrentUser }> {
    const now = this.clock.now().getTime();
    const wait = this.throttle.retryAfter(attempt.username, attempt.ip, now);
    if (wait > 0) {
      throw tooManyRequests(
        wait,
        `Too many failed sign-in attempts. Try again in ${wait} seconds.`,
      );
    }
    const user = await this.users.findForSignIn(attempt.username);
    const passwordOk = await this.passwords.verify(user?.passwordHash, attempt.password);
    if (!user || !passwordOk) {
      this.throttle.failed(attempt.username, attempt.ip, now);
      this.metrics.authFailures.inc({ kind: 'login' });
      throw new ApiException(401, 'invalid_credentials', 'Wrong username or password');
    }
    if (user.status !== 'active') {
      throw new ApiException(
        401,
        'account_deactivated',
        'This account is deactivated; ask your admin',
      );
    }
    // Asked only after the password is right, so it tells a guesser nothing new.
    if (!(await this.sso.passwordSignInAllowed(user.tenant.id))) {
      throw new ApiException(
        401,
        'sso_required',
        'Your organisation signs in through single sign-on; use its sign-in button',
      );
    }
    this.throttle.succeeded(attempt.username, attempt.ip);
    const secret = await this.startSession(user, attempt, 'password');
    return { secret, user: toCurrentUser(user) };
  }

  /**
   * What every sign-in ends with (password or SSO): the browser's previous session ended,
   * a new one started, the `user.signed_in` event. Returns the cookie secret.
   */
  async startSession(
    user: User,
    meta: { ip: string; userAgent?: string; previousSecret?: string },
    method: SignInMethod,
  ): Promise<string> {
    if (meta.previousSecret) await this.sessions.end(meta.previousSecret);
    const secret = await this.sessions.start(user.id, { ip: meta.ip, userAgent: meta.userAgent });
    await this.recordSignIn(user, method);
    return secret;
  }

  /** A `user.signed_in` event for a user who just got a session. */
  async recordSignIn(user: User, method: SignInMethod = 'password'): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      this.history.record(em, {
        tenantId: user.tenant.id,
        type: 'user.signed_in',
        actorId: user.id,
        subjectUserId: user.id,
        details: { method },
      });
    });
  }

  async me(auth: Caller): Promise<CurrentUser> {
    const user = await this.users.findInTenant(auth.tenantId, auth.userId);
    if (!user) throw unauthenticated();
    return toCurrentUser(user);
  }
}

export function toCurrentUser(user: User): CurrentUser {
  const tenant = user.tenant as Tenant;
  return {
    ...toUserProfile(user),
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
  };
}
