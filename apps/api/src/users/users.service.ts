import { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type {
  CreateUserRequest,
  PendingInvitation,
  UpdateUserRequest,
  UserList,
  UserSummary,
} from '@feedpass/contracts';
import { User } from '@feedpass/domain';
import { AccountLinksService } from '../accounts/account-links.service.js';
import { AccountService, changesOf } from '../accounts/account.service.js';
import { ApiException, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { toUserProfile } from '../common/user-ref.js';
import type { Caller, SystemCaller } from '../auth/caller.js';
import { PasswordService } from '../auth/password.service.js';
import { SessionsService } from '../auth/sessions.service.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { UserRepository } from './user.repository.js';

const lastAdmin = (what: string) =>
  new ApiException(
    400,
    'last_admin',
    `This is the last active admin of the tenant and cannot be ${what}: make someone else an admin first`,
  );

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly history: HistoryRecorder,
    private readonly links: AccountLinksService,
    private readonly account: AccountService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Caller): Promise<UserList> {
    const users = await this.users.list(actor.tenantId);
    const invitations = await this.links.pendingInvitations(actor.tenantId);
    return { items: users.map((u) => toUserSummary(u, invitations.get(u.id))) };
  }

  /**
   * By an admin, or by the system (CLI, demo seed: no actor in the history). With
   * `invite`, the user has no password until they follow the emailed link.
   */
  async create(actor: Caller | SystemCaller, input: CreateUserRequest): Promise<UserSummary> {
    const passwordHash = input.invite ? null : await this.passwords.hash(input.password!);
    try {
      const user = await this.em.transactional(async (em) => {
        const created = em.create(User, {
          tenant: actor.tenantId,
          username: input.username.trim(),
          email: input.email.trim(),
          displayName: input.displayName.trim(),
          role: input.role,
          timeZone: input.timeZone ?? 'UTC',
          passwordHash,
          status: 'active',
        });
        await em.flush();
        this.history.recordBy(em, actor, {
          type: 'user.created',
          subjectUserId: created.id,
          details: { username: created.username, role: created.role },
        });
        if (input.invite) await this.invite(em, actor, created, false);
        return created;
      });
      if (input.invite) this.links.send();
      return this.summaryOf(actor.tenantId, user);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ApiException(
          409,
          'username_taken',
          `The username "${input.username}" is already taken`,
        );
      }
      throw error;
    }
  }

  /** Edits a user; a role change or deactivation never leaves the tenant without an active admin. */
  async update(actor: Caller, userId: string, input: UpdateUserRequest): Promise<UserSummary> {
    const user = await this.em.transactional(async (em) => {
      if (input.role !== undefined) await this.users.lockTenantAdmins(em, actor.tenantId);
      const user = await this.users.findInTenantForUpdate(em, actor.tenantId, userId);
      if (!user) throw notFound('User');
      const changes = changesOf(user, {
        displayName: input.displayName?.trim(),
        email: input.email?.trim(),
        role: input.role,
        timeZone: input.timeZone,
      });
      if (!Object.keys(changes).length) return user;
      if (changes.role && user.role === 'admin' && user.status === 'active') {
        if ((await this.users.otherActiveAdmins(em, actor.tenantId, user.id)) === 0)
          throw lastAdmin('demoted');
      }
      Object.assign(user, Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])));
      this.history.recordBy(em, actor, {
        type: 'user.updated',
        subjectUserId: user.id,
        details: { username: user.username, changes },
      });
      return user;
    });
    return this.summaryOf(actor.tenantId, user);
  }

  /** Deactivation signs the user out everywhere in the same transaction. */
  async deactivate(actor: Caller, userId: string): Promise<UserSummary> {
    if (userId === actor.userId) {
      throw new ApiException(
        400,
        'cannot_deactivate_self',
        'You cannot deactivate your own account',
      );
    }
    return this.setStatus(actor, userId, 'deactivated');
  }

  reactivate(actor: Caller, userId: string): Promise<UserSummary> {
    return this.setStatus(actor, userId, 'active');
  }

  /** A new invitation link for a user who has not set a password yet; the old link stops working. */
  async resendInvitation(actor: Caller, userId: string): Promise<UserSummary> {
    const user = await this.em.transactional(async (em) => {
      const user = await this.pendingInvitee(em, actor, userId);
      await this.invite(em, actor, user, true);
      return user;
    });
    this.links.send();
    return this.summaryOf(actor.tenantId, user);
  }

  /**
   * Withdraws an invitation: the link stops working, an unsent email is cancelled, and the
   * account (which never had a password) is deactivated.
   */
  async cancelInvitation(actor: Caller, userId: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const user = await this.pendingInvitee(em, actor, userId);
      await this.links.revoke(em, user.id, 'invitation');
      await this.links.revoke(em, user.id, 'password_reset');
      user.status = 'deactivated';
      user.deactivatedAt = this.clock.now();
      this.history.recordBy(em, actor, {
        type: 'user.deactivated',
        subjectUserId: user.id,
        details: { username: user.username, reason: 'invitation_cancelled' },
      });
    });
  }

  /** Emails the user a password-reset link. */
  async sendPasswordReset(actor: Caller, userId: string): Promise<void> {
    const user = await this.users.findInTenant(actor.tenantId, userId);
    if (!user) throw notFound('User');
    if (user.status !== 'active') {
      throw new ApiException(400, 'user_deactivated', 'This user is deactivated');
    }
    await this.account.sendResetLink(user.id, actor.tenantId);
  }

  private async invite(
    em: EntityManager,
    actor: Caller | SystemCaller,
    user: User,
    resent: boolean,
  ): Promise<void> {
    await this.links.issue(em, { id: user.id, tenantId: actor.tenantId }, 'invitation');
    this.history.recordBy(em, actor, {
      type: 'user.invited',
      subjectUserId: user.id,
      details: { username: user.username, email: user.email, resent },
    });
  }

  /** An active user of the tenant who never set a password (locked), else 404 / 400. */
  private async pendingInvitee(em: EntityManager, actor: Caller, userId: string): Promise<User> {
    const user = await this.users.findInTenantForUpdate(em, actor.tenantId, userId);
    if (!user) throw notFound('User');
    const withPassword = await this.users.findWithPassword(actor.tenantId, userId);
    if (user.status !== 'active' || withPassword?.passwordHash) {
      throw new ApiException(
        400,
        'no_pending_invitation',
        'This user has no pending invitation: they have set a password or are deactivated',
      );
    }
    return user;
  }

  private async setStatus(
    actor: Caller,
    userId: string,
    status: User['status'],
  ): Promise<UserSummary> {
    const user = await this.em.transactional(async (em) => {
      if (status === 'deactivated') await this.users.lockTenantAdmins(em, actor.tenantId);
      const user = await this.users.findInTenantForUpdate(em, actor.tenantId, userId);
      if (!user) throw notFound('User');
      if (user.status === status) return user;
      if (status === 'deactivated' && user.role === 'admin') {
        if ((await this.users.otherActiveAdmins(em, actor.tenantId, user.id)) === 0)
          throw lastAdmin('deactivated');
      }
      user.status = status;
      user.deactivatedAt = status === 'deactivated' ? this.clock.now() : null;
      if (status === 'deactivated') await this.sessions.endAllFor(em, user.id);
      this.history.recordBy(em, actor, {
        type: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
        subjectUserId: user.id,
        details: { username: user.username },
      });
      return user;
    });
    return this.summaryOf(actor.tenantId, user);
  }

  private async summaryOf(tenantId: string, user: User): Promise<UserSummary> {
    const invitations = await this.links.pendingInvitations(tenantId, user.id);
    return toUserSummary(user, invitations.get(user.id));
  }
}

export function toUserSummary(user: User, invitation?: PendingInvitation): UserSummary {
  return {
    ...toUserProfile(user),
    status: user.status,
    createdAt: user.createdAt.toISOString(),
    deactivatedAt: user.deactivatedAt ? user.deactivatedAt.toISOString() : null,
    invitation: invitation ?? null,
  };
}
