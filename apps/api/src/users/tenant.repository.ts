import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { slugFromName, Tenant } from '@feedpass/domain';

/** Tenants: created (with a free slug) and found by name from the CLI. */
@Injectable()
export class TenantRepository {
  constructor(private readonly em: EntityManager) {}

  /** A new tenant; its slug is the name's, with the first free `-2`, `-3`… when taken. */
  async create(name: string): Promise<Tenant> {
    const base = slugFromName(name);
    const taken = new Set(
      (await this.em.find(Tenant, { slug: { $like: `${base}%` } }, { fields: ['slug'] })).map(
        (t) => t.slug,
      ),
    );
    let slug = base;
    for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
    const tenant = this.em.create(Tenant, { name, slug });
    await this.em.flush();
    return tenant;
  }

  findByName(name: string): Promise<Tenant | null> {
    return this.em.findOne(Tenant, { name });
  }
}
