import { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { CreateUserRequest, UserList, UserSummary } from '@feedpass/contracts';
import { User } from '@feedpass/domain';
import { ApiException, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { toUserProfile } from '../common/user-ref.js';
import type { Caller, SystemCaller } from '../auth/caller.js';
import { PasswordService } from '../auth/password.service.js';
import { SessionsService } from '../auth/sessions.service.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { UserRepository } from './user.repository.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
  ) {}

  async list(actor: Caller): Promise<UserList> {
    const users = await this.users.list(actor.tenantId);
    return { items: users.map(toUserSummary) };
  }

  /** By an admin, or by the system (CLI, demo seed: no actor in the history). */
  async create(actor: Caller | SystemCaller, input: CreateUserRequest): Promise<UserSummary> {
    const passwordHash = await this.passwords.hash(input.password);
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
        return created;
      });
      return toUserSummary(user);
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

  private async setStatus(
    actor: Caller,
    userId: string,
    status: User['status'],
  ): Promise<UserSummary> {
    return this.em.transactional(async (em) => {
      const user = await this.users.findInTenantForUpdate(em, actor.tenantId, userId);
      if (!user) throw notFound('User');
      if (user.status === status) return toUserSummary(user);
      user.status = status;
      user.deactivatedAt = status === 'deactivated' ? this.clock.now() : null;
      if (status === 'deactivated') await this.sessions.endAllFor(em, user.id);
      this.history.recordBy(em, actor, {
        type: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
        subjectUserId: user.id,
        details: { username: user.username },
      });
      return toUserSummary(user);
    });
  }
}

export function toUserSummary(user: User): UserSummary {
  return {
    ...toUserProfile(user),
    status: user.status,
    createdAt: user.createdAt.toISOString(),
    deactivatedAt: user.deactivatedAt ? user.deactivatedAt.toISOString() : null,
  };
}
