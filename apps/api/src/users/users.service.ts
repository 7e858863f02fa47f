import { EntityManager } from '@mikro-orm/postgresql';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { CreateUserRequest, UserList, UserSummary } from '@feedpass/contracts';
import { User } from '@feedpass/domain';
import { ApiException, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import type { AuthContext } from '../auth/auth-context.js';
import { PasswordService } from '../auth/password.service.js';
import { SessionsService } from '../auth/sessions.service.js';
import { HistoryRecorder } from '../history/history.recorder.js';

/** Who is doing it: an admin of the tenant, or the system (CLI, demo seed). */
export interface Actor {
  tenantId: string;
  userId: string | null;
}

export const actorOf = (auth: AuthContext): Actor => ({ tenantId: auth.tenantId, userId: auth.userId });

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor): Promise<UserList> {
    const users = await this.em.find(User, { tenant: actor.tenantId }, { orderBy: { username: 'asc' } });
    return { items: users.map(toUserSummary) };
  }

  async create(actor: Actor, input: CreateUserRequest): Promise<UserSummary> {
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
        this.history.record(em, {
          tenantId: actor.tenantId,
          type: 'user.created',
          actorId: actor.userId,
          subjectUserId: created.id,
          details: { username: created.username, role: created.role },
        });
        return created;
      });
      return toUserSummary(user);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ApiException(409, 'username_taken', `The username "${input.username}" is already taken`);
      }
      throw error;
    }
  }

  /** Deactivation signs the user out everywhere in the same transaction. */
  async deactivate(actor: Actor, userId: string): Promise<UserSummary> {
    if (userId === actor.userId) {
      throw new ApiException(400, 'cannot_deactivate_self', 'You cannot deactivate your own account');
    }
    return this.setStatus(actor, userId, 'deactivated');
  }

  reactivate(actor: Actor, userId: string): Promise<UserSummary> {
    return this.setStatus(actor, userId, 'active');
  }

  private async setStatus(actor: Actor, userId: string, status: User['status']): Promise<UserSummary> {
    return this.em.transactional(async (em) => {
      // Row lock: two admins clicking at once record one change, not two.
      const user = await em.findOne(User, { id: userId, tenant: actor.tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw notFound('User');
      if (user.status === status) return toUserSummary(user);
      user.status = status;
      user.deactivatedAt = status === 'deactivated' ? this.clock.now() : null;
      if (status === 'deactivated') await this.sessions.endAllFor(em, user.id);
      this.history.record(em, {
        tenantId: actor.tenantId,
        type: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
        actorId: actor.userId,
        subjectUserId: user.id,
        details: { username: user.username },
      });
      return toUserSummary(user);
    });
  }
}

export function toUserSummary(user: User): UserSummary {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    status: user.status,
    timeZone: user.timeZone,
    createdAt: user.createdAt.toISOString(),
    deactivatedAt: user.deactivatedAt ? user.deactivatedAt.toISOString() : null,
  };
}
