import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Tenant } from '@feedpass/domain';

/** Tenants: created and found by name from the CLI. */
@Injectable()
export class TenantRepository {
  constructor(private readonly em: EntityManager) {}

  async create(name: string): Promise<Tenant> {
    const tenant = this.em.create(Tenant, { name });
    await this.em.flush();
    return tenant;
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.em.findOne(Tenant, { name });
  }
}
