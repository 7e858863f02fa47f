import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { resolve } from 'node:path';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** Where `migration:create` writes new migrations: the source folder, never dist/. */
export const MIGRATIONS_SOURCE_DIR = resolve(process.cwd(), 'libs/domain/src/migrations');

export interface OrmSettings {
  clientUrl: string;
  debug?: boolean;
  /** Connection pool size per process. */
  poolMax?: number;
}

/** The one MikroORM configuration every part of feedpass uses (API, CLI, tests). */
export function ormConfig(settings: OrmSettings): Options {
  return defineConfig({
    clientUrl: settings.clientUrl,
    entities: ENTITIES,
    debug: settings.debug ?? false,
    pool: { min: 0, max: settings.poolMax ?? 10 },
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: MIGRATIONS_SOURCE_DIR,
      pathTs: MIGRATIONS_SOURCE_DIR,
      emit: 'ts',
      snapshot: true,
      // One committed snapshot, written only by `migration:create`, whatever the database name.
      snapshotName: '.snapshot-feedpass',
      snapshotOnMigrate: false,
      transactional: true,
      allOrNothing: true,
      migrationsList: MIGRATIONS,
    },
    // Timestamps are always UTC in the database and on the wire.
    forceUtcTimezone: true,
    allowGlobalContext: false,
  });
}
