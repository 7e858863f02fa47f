import { EntityManager } from '@mikro-orm/postgresql';
import { LockMode, sql } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { User } from '@feedpass/domain';
import { execute } from '../database/sql.js';

/**
 * Users of a tenant. Registered by the AuthModule (sign-in needs it and every feature
 * module imports auth), so the users, tokens and data-source modules share one instance.
 */
@Injectable()
export class UserRepository {
  constructor(private readonly em: EntityManager) {}

  /** Sign-in: usernames are unique ignoring case, across tenants. */
  findForSignIn(username: string): Promise<User | null> {
    return this.em.findOne(
      User,
      { [sql.lower('username')]: username.trim().toLowerCase() },
      { populate: ['passwordHash', 'tenant'] },
    );
  }

  findInTenant(tenantId: string, userId: string): Promise<User | null> {
    return this.em.findOne(User, { id: userId, tenant: tenantId }, { populate: ['tenant'] });
  }

  /** A user of the tenant by id or by username (ignoring case); another tenant's is null. */
  findRecipient(
    em: EntityManager,
    tenantId: string,
    by: { userId?: string; username?: string },
  ): Promise<User | null> {
    return em.findOne(User, {
      tenant: tenantId,
      ...(by.userId
        ? { id: by.userId }
        : { [sql.lower('username')]: by.username!.trim().toLowerCase() }),
    });
  }

  /** The user with their password hash (a password change checks the current one). */
  findWithPassword(tenantId: string, userId: string): Promise<User | null> {
    return this.em.findOne(
      User,
      { id: userId, tenant: tenantId },
      { populate: ['passwordHash', 'tenant'] },
    );
  }

  async setPassword(em: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await em.nativeUpdate(User, { id: userId }, { passwordHash });
  }

  /**
   * Every change that could leave a tenant without an active admin takes this lock first,
   * before any user row: two concurrent demotions are serialised, and the second one's
   * count sees the first.
   */
  async lockTenantAdmins(em: EntityManager, tenantId: string): Promise<void> {
    await execute(em, 'select id from tenant where id = ? for no key update', [tenantId]);
  }

  /** The tenant's active admins other than `exceptUserId` (under `lockTenantAdmins`). */
  async otherActiveAdmins(
    em: EntityManager,
    tenantId: string,
    exceptUserId: string,
  ): Promise<number> {
    const [row] = await execute<{ n: number }>(
      em,
      `select count(*)::int as n from app_user
        where tenant_id = ? and role = 'admin' and status = 'active' and id <> ?`,
      [tenantId, exceptUserId],
    );
    return row.n;
  }

  list(tenantId: string): Promise<User[]> {
    return this.em.find(User, { tenant: tenantId }, { orderBy: { username: 'asc' } });
  }

  /** Row lock: two admins changing one user at once record one change, not two. */
  findInTenantForUpdate(em: EntityManager, tenantId: string, userId: string): Promise<User | null> {
    return em.findOne(
      User,
      { id: userId, tenant: tenantId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
  }

  /**
   * Serialises one user's token mints and rotations; false when there is no such user.
   * `FOR NO KEY UPDATE`, not `FOR UPDATE`: the history rows other token changes insert
   * take a `FOR KEY SHARE` lock on the same user through their foreign keys, and a full
   * update lock would deadlock with them.
   */
  async lockForTokenChange(em: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    const rows = await execute<{ id: string }>(
      em,
      'select id from app_user where id = ? and tenant_id = ? for no key update',
      [userId, tenantId],
    );
    return rows.length > 0;
  }
}
