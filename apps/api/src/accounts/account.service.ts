import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type {
  AcceptInvitationRequest,
  ChangePasswordRequest,
  CompletePasswordResetRequest,
  CurrentUser,
  SessionList,
  UpdateProfileRequest,
} from '@feedpass/contracts';
import {
  ApiException,
  notFound,
  tooManyRequests,
  unauthenticated,
} from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import type { SignInThrottle } from '../common/failure-throttle.js';
import { AuthService, toCurrentUser } from '../auth/auth.service.js';
import type { Caller } from '../auth/caller.js';
import { PasswordService } from '../auth/password.service.js';
import { SessionRepository } from '../auth/session.repository.js';
import { SessionsService } from '../auth/sessions.service.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { TenantSsoRepository } from '../sso/tenant-sso.repository.js';
import { UserRepository } from '../users/user.repository.js';
import { AccountLinksService } from './account-links.service.js';
import { PASSWORD_RESET_THROTTLE } from './password-reset-throttle.js';

/** The fields of a user that changed: `{field: {from, to}}`. */
export function changesOf<T extends object>(
  before: T,
  input: Partial<T>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(input)) {
    const from = before[key as keyof T];
    if (to !== undefined && to !== from) changes[key] = { from, to };
  }
  return changes;
}

/** One's own account: profile, password, sessions; and the token-less forgotten-password and invitation flows. */
@Injectable()
export class AccountService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly sessionRows: SessionRepository,
    private readonly links: AccountLinksService,
    private readonly history: HistoryRecorder,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    @Inject(PASSWORD_RESET_THROTTLE) private readonly resetThrottle: SignInThrottle,
    private readonly sso: TenantSsoRepository,
  ) {}

  async updateProfile(caller: Caller, input: UpdateProfileRequest): Promise<CurrentUser> {
    await this.em.transactional(async (em) => {
      const user = await this.users.findInTenantForUpdate(em, caller.tenantId, caller.userId);
      if (!user) throw unauthenticated();
      const changes = changesOf(user, {
        displayName: input.displayName?.trim(),
        timeZone: input.timeZone,
      });
      if (!Object.keys(changes).length) return;
      Object.assign(user, Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])));
      this.history.recordBy(em, caller, {
        type: 'user.updated',
        subjectUserId: user.id,
        details: { username: user.username, changes },
      });
    });
    this.em.clear();
    return this.auth.me(caller);
  }

  /** Checks the current password, sets the new one and ends every other session. */
  async changePassword(caller: Caller, input: ChangePasswordRequest): Promise<void> {
    const user = await this.users.findWithPassword(caller.tenantId, caller.userId);
    if (!user) throw unauthenticated();
    if (!(await this.passwords.verify(user.passwordHash, input.currentPassword))) {
      throw new ApiException(400, 'wrong_password', 'The current password is not right');
    }
    const hash = await this.passwords.hash(input.newPassword);
    await this.em.transactional(async (em) => {
      await this.users.setPassword(em, user.id, hash);
      const ended = await this.sessionRows.deleteOthers(em, user.id, caller.sessionId);
      await this.links.revoke(em, user.id, 'password_reset');
      this.history.recordBy(em, caller, {
        type: 'user.password_changed',
        subjectUserId: user.id,
        details: { username: user.username, sessionsEnded: ended },
      });
    });
  }

  async listSessions(caller: Caller): Promise<SessionList> {
    const rows = await this.sessionRows.listLive(caller.userId, this.clock.now());
    return {
      items: rows.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: (s.expiresAt < s.absoluteExpiresAt
          ? s.expiresAt
          : s.absoluteExpiresAt
        ).toISOString(),
        userAgent: s.userAgent ?? null,
        ip: s.ip ?? null,
        current: s.id === caller.sessionId,
      })),
    };
  }

  /** Ends one of the caller's own sessions; anyone else's is `404`, like one that does not exist. */
  async endSession(caller: Caller, sessionId: string): Promise<void> {
    if (!(await this.sessionRows.deleteOwn(caller.userId, sessionId))) throw notFound('Session');
  }

  /**
   * Emails a reset link to an active user of that name; does the same nothing otherwise, so
   * the answer (always 202) says nothing about which usernames exist. Every request counts
   * against the throttle.
   */
  async requestReset(username: string, ip: string): Promise<void> {
    const now = this.clock.now().getTime();
    const wait = this.resetThrottle.retryAfter(username, ip, now);
    if (wait > 0) {
      throw tooManyRequests(
        wait,
        `Too many password-reset requests. Try again in ${wait} seconds.`,
      );
    }
    this.resetThrottle.failed(username, ip, now);
    const user = await this.users.findForSignIn(username);
    if (!user || user.status !== 'active') return;
    await this.sendResetLink(user.id, user.tenant.id);
  }

  /** Queues a reset link for a user (the forgotten-password form, or an admin). */
  async sendResetLink(userId: string, tenantId: string): Promise<void> {
    await this.em.transactional((em) =>
      this.links.issue(em, { id: userId, tenantId }, 'password_reset'),
    );
    this.links.send();
  }

  /** Sets the new password from a reset link and ends every session of the user. */
  async completeReset(input: CompletePasswordResetRequest): Promise<void> {
    const hash = await this.passwords.hash(input.newPassword);
    await this.em.transactional(async (em) => {
      const { userId, tenantId } = await this.links.redeem(em, input.token, 'password_reset');
      await this.users.setPassword(em, userId, hash);
      const ended = await this.sessions.endAllFor(em, userId);
      await this.links.revoke(em, userId, 'password_reset');
      // An invited user who reset instead has a password now: the invitation is done.
      await this.links.revoke(em, userId, 'invitation');
      const user = await this.users.findInTenant(tenantId, userId);
      this.history.record(em, {
        tenantId,
        type: 'user.password_reset',
        actorId: userId,
        subjectUserId: userId,
        details: { username: user?.username, sessionsEnded: ended },
      });
    });
  }

  /** Sets the first password from an invitation link and signs the user in. */
  async acceptInvitation(
    input: AcceptInvitationRequest,
    meta: { ip: string; userAgent?: string },
  ): Promise<{ secret: string; user: CurrentUser }> {
    const hash = await this.passwords.hash(input.password);
    const { userId, tenantId } = await this.em.transactional(async (em) => {
      const redeemed = await this.links.redeem(em, input.token, 'invitation');
      // A tenant that signs in only through SSO: no password, and the link stays unused (the
      // transaction rolls back); the invitee signs in with the identity provider instead.
      if (!(await this.sso.passwordSignInAllowed(redeemed.tenantId))) {
        throw new ApiException(
          400,
          'sso_required',
          'Your organisation signs in through single sign-on; use its sign-in button instead',
        );
      }
      await this.users.setPassword(em, redeemed.userId, hash);
      const user = await this.users.findInTenant(redeemed.tenantId, redeemed.userId);
      this.history.record(em, {
        tenantId: redeemed.tenantId,
        type: 'user.password_changed',
        actorId: redeemed.userId,
        subjectUserId: redeemed.userId,
        details: { username: user?.username, via: 'invitation' },
      });
      return redeemed;
    });
    this.em.clear();
    const user = await this.users.findInTenant(tenantId, userId);
    if (!user) throw unauthenticated();
    const secret = await this.sessions.start(user.id, meta);
    await this.auth.recordSignIn(user);
    return { secret, user: toCurrentUser(user) };
  }
}
