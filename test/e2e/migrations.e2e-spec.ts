import { MikroORM } from '@mikro-orm/postgresql';
import { MIGRATIONS, ormConfig } from '@feedpass/domain';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ApiClient } from '../setup/api-client';
import { startTestApp } from '../setup/test-app';
import { createTestDatabase } from '../setup/test-database';

/**
 * Migrations (issue 8): forward-only, from an empty database to exactly the entities'
 * schema, and from the previous release's schema with data in it.
 */
async function emptyDatabase(): Promise<string> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL!;
  const name = `feedpass_empty_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('database migrations', () => {
  it('take an empty database to exactly the schema the entities describe', async () => {
    const orm = await MikroORM.init(ormConfig({ clientUrl: await emptyDatabase(), poolMax: 2 }));
    try {
      const applied = await orm.migrator.up();
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
      expect(await orm.migrator.getPending()).toEqual([]);
    } finally {
      await orm.close(true);
    }
  });

  it('upgrade the previous release’s schema with data in it, keeping that data usable', async () => {
    const databaseUrl = await emptyDatabase();
    const previous = MIGRATIONS[MIGRATIONS.length - 2].name;
    const orm = await MikroORM.init(ormConfig({ clientUrl: databaseUrl, poolMax: 2 }));
    try {
      await orm.migrator.up({ to: previous });
      // Data written by the previous release, in its own schema (raw SQL: today's entities
      // may have columns it did not).
      const connection = orm.em.getConnection();
      await connection.execute(
        `insert into tenant (id, created_at, updated_at, name, slug) values (gen_random_uuid(), now(), now(), 'Legacy', 'legacy')`,
      );
      const [{ id: tenantId }] = await connection.execute<{ id: string }[]>(
        `select id from tenant where name = 'Legacy'`,
      );
      await connection.execute(
        `insert into app_user (id, created_at, updated_at, tenant_id, username, email, display_name, role, status, time_zone, password_hash)
         values (gen_random_uuid(), now(), now(), ?, 'legacy', 'legacy@example.test', 'Legacy', 'admin', 'active', 'UTC', 'x')`,
        [tenantId],
      );
      await connection.execute(
        `insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, revoked_at, revoke_reason)
         select gen_random_uuid(), now(), now(), tenant_id, id, 'Legacy refresh', repeat('a', 64), now(), 'rotated'
           from app_user where username = 'legacy'`,
      );
      const pending = await orm.migrator.up();
      expect(pending.map((m) => m.name)).toEqual([MIGRATIONS[MIGRATIONS.length - 1].name]);
      const [user] = await connection.execute<{ username: string }[]>(
        `select username from app_user where tenant_id = ?`,
        [tenantId],
      );
      expect(user.username).toBe('legacy');
      const [token] = await connection.execute<
        { label: string; scoped: boolean; revoke_reason: string }[]
      >(`select label, scoped, revoke_reason from access_token where tenant_id = ?`, [tenantId]);
      expect(token).toEqual({ label: 'Legacy refresh', scoped: false, revoke_reason: 'rotated' });
    } finally {
      await orm.close(true);
    }
  });

  it('leave a fresh test database fully migrated for the app (the template every spec clones)', async () => {
    const url = await createTestDatabase();
    const orm = await MikroORM.init(ormConfig({ clientUrl: url, poolMax: 1 }));
    try {
      expect(await orm.migrator.getPending()).toEqual([]);
    } finally {
      await orm.close(true);
    }
    const test = await startTestApp();
    try {
      expect((await new ApiClient(test.baseUrl).get('/api/health/ready')).status).toBe(200);
    } finally {
      await test.close();
    }
  });
});
