import { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Tenant, TokenPolicy } from '@feedpass/domain';

/** A tenant's token policy row (none until an admin first saves one) and its tenant. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly em: EntityManager) {}

  find(em: EntityManager, tenantId: string, withUpdatedBy = false): Promise<TokenPolicy | null> {
    return em.findOne(
      TokenPolicy,
      { tenant: tenantId },
      withUpdatedBy ? { populate: ['updatedBy'] } : {},
    );
  }

  tenant(tenantId: string): Promise<Tenant> {
    return this.em.findOneOrFail(Tenant, { id: tenantId });
  }

  /** One policy change at a time per tenant: a row lock on the tenant. */
  async lockTenant(em: EntityManager, tenantId: string): Promise<void> {
    await em.findOneOrFail(Tenant, { id: tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }
}
