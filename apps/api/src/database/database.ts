import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any entity list
export type AnyOrm = MikroORM<any, any>;
import type { Logger } from '@nestjs/common';

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: AnyOrm, logger?: Logger): Promise<string[]> {
  const applied = await orm.migrator.up();
  if (applied.length) logger?.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  return applied.map((m) => m.name);
}

/** Migrations that exist in the code but not yet in the database. */
export async function pendingMigrations(orm: AnyOrm): Promise<string[]> {
  return (await orm.migrator.getPending()).map((m) => m.name);
}

/** The cheapest round trip to the database: resolves when it answers. */
export async function ping(em: EntityManager): Promise<void> {
  await em.getConnection().execute('select 1');
}
