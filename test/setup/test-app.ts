import { MikroORM } from '@mikro-orm/postgresql';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Role } from '@feedpass/contracts';
import { Tenant } from '@feedpass/domain';
import { createApp, type CreateAppOptions } from '../../apps/api/src/app.factory';
import { FixedClock } from '../../apps/api/src/common/clock';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config';
import { runInContext } from '../../apps/api/src/database/run-in-context';
import { UsersService } from '../../apps/api/src/users/users.service';
import { createTestDatabase } from './test-database';
import { TEST_PASSWORD, testEnv } from './test-env';

export { TEST_PASSWORD };

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  databaseUrl: string;
  clock: FixedClock;
  orm: MikroORM;
  close(): Promise<void>;
}

/** The configuration every spec's app runs with, on the given database. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig(testEnv(databaseUrl, env));
}

/**
 * The real app on an EXISTING database, listening on a free loopback port: a spec's own
 * app, a second server process in a cluster, or the server coming back after a crash.
 */
export async function startAppOn(
  databaseUrl: string,
  env: Record<string, string> = {},
  clock = new FixedClock(new Date()),
  logger: CreateAppOptions['logger'] = ['error'],
): Promise<TestApp> {
  const app = await createApp(testConfig(databaseUrl, env), { clock, logger });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, baseUrl, databaseUrl, clock, orm: app.get(MikroORM), close: () => app.close() };
}

/** The real app on its own fresh database, listening on a free loopback port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startAppOn(await createTestDatabase(), env);
}

export interface SeededUser {
  id: string;
  username: string;
  password: string;
  role: Role;
  tenantId: string;
}

/** Creates a tenant with the named users (through the real service: hashed, audited). */
export async function seedTenant(
  test: TestApp,
  name: string,
  users: { username: string; role?: Role }[],
): Promise<{ tenantId: string; users: Record<string, SeededUser> }> {
  return runInContext(test.orm, async () => {
    const tenant = test.orm.em.create(Tenant, { name });
    await test.orm.em.flush();
    const created: Record<string, SeededUser> = {};
    for (const u of users) {
      const summary = await test.app.get(UsersService).create(
        { tenantId: tenant.id, userId: null },
        {
          username: u.username,
          email: `${u.username}@example.test`,
          displayName: u.username,
          role: u.role ?? 'user',
          password: TEST_PASSWORD,
        },
      );
      created[u.username] = {
        id: summary.id,
        username: summary.username,
        password: TEST_PASSWORD,
        role: summary.role,
        tenantId: tenant.id,
      };
    }
    return { tenantId: tenant.id, users: created };
  });
}
