import { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Tenant, TenantSso, User, UserIdentity } from '@feedpass/domain';

/**
 * A tenant's SSO settings and its users' provider identities. Registered by the AuthModule
 * (password sign-in asks whether the tenant still allows passwords).
 */
@Injectable()
export class TenantSsoRepository {
  constructor(private readonly em: EntityManager) {}

  findByTenant(tenantId: string, withSecret = false): Promise<TenantSso | null> {
    return this.em.findOne(
      TenantSso,
      { tenant: tenantId },
      withSecret ? { populate: ['clientSecretEncrypted'] } : {},
    );
  }

  findTenantBySlug(slug: string): Promise<Tenant | null> {
    return this.em.findOne(Tenant, { slug: slug.toLowerCase() });
  }

  /** Whether the tenant's users may sign in with a password (no SSO row: yes). */
  async passwordSignInAllowed(tenantId: string): Promise<boolean> {
    const row = await this.em.findOne(
      TenantSso,
      { tenant: tenantId },
      { fields: ['passwordSignIn', 'enabled'] },
    );
    return !row || !row.enabled || row.passwordSignIn;
  }

  upsert(
    em: EntityManager,
    tenantId: string,
    existing: TenantSso | null,
    values: Partial<TenantSso>,
  ): TenantSso {
    if (existing) {
      em.assign(existing, values);
      return existing;
    }
    return em.create(TenantSso, { tenant: tenantId, ...values } as never);
  }

  findIdentity(
    em: EntityManager,
    tenantId: string,
    issuer: string,
    subject: string,
  ): Promise<UserIdentity | null> {
    return em.findOne(UserIdentity, { tenant: tenantId, issuer, subject }, { populate: ['user'] });
  }

  hasIdentityAt(em: EntityManager, userId: string, issuer: string): Promise<number> {
    return em.count(UserIdentity, { user: userId, issuer });
  }

  /** The tenant's users with this e-mail address, ignoring case (linking needs exactly one). */
  usersByEmail(em: EntityManager, tenantId: string, email: string): Promise<User[]> {
    return em.find(
      User,
      { tenant: tenantId, [sql.lower('email')]: email.toLowerCase() },
      { limit: 2 },
    );
  }

  usernameTaken(em: EntityManager, username: string): Promise<number> {
    return em.count(User, { [sql.lower('username')]: username.toLowerCase() });
  }

  addIdentity(
    em: EntityManager,
    values: {
      tenantId: string;
      userId: string;
      issuer: string;
      subject: string;
      email: string | null;
      at: Date;
    },
  ): void {
    em.create(UserIdentity, {
      tenant: values.tenantId,
      user: values.userId,
      issuer: values.issuer,
      subject: values.subject,
      email: values.email,
      lastSignInAt: values.at,
    });
  }
}
