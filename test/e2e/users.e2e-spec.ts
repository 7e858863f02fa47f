import type { CurrentUser, UserList, UserSummary } from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { countRows, expectApiError, signIn, sql } from '../setup/e2e-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';

interface HistoryRow {
  type: string;
  tenant_id: string;
  actor_id: string | null;
  subject_user_id: string | null;
  details: Record<string, unknown>;
}

const NEW_PASSWORD = 'a-brand-new-password';

function newUser(username: string, extra: Record<string, unknown> = {}) {
  return {
    username,
    email: `${username}@example.test`,
    displayName: `User ${username}`,
    role: 'user',
    password: NEW_PASSWORD,
    ...extra,
  };
}

describe('user management: /api/admin/users (SPEC 1, 7)', () => {
  let test: TestApp;
  let acme: { tenantId: string; users: Record<string, SeededUser> };
  let globex: { tenantId: string; users: Record<string, SeededUser> };
  let acmeAdmin: ApiClient;
  let globexAdmin: ApiClient;

  beforeAll(async () => {
    test = await startTestApp();
    acme = await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: 'bob' },
      { username: 'carol' },
      { username: 'dora' },
      { username: 'ivan' },
      { username: 'judy' },
      { username: 'kim' },
    ]);
    globex = await seedTenant(test, 'Globex', [
      { username: 'gina', role: 'admin' },
      { username: 'hank' },
    ]);
    acmeAdmin = await signIn(test, 'alice', TEST_PASSWORD);
    globexAdmin = await signIn(test, 'gina', TEST_PASSWORD);
  });
  afterAll(() => test.close());

  const history = (type: string, subjectId: string) =>
    sql<HistoryRow>(
      test,
      `select type, tenant_id, actor_id, subject_user_id, details from history_event where type = ? and subject_user_id = ?`,
      [type, subjectId],
    );

  describe('GET /api/admin/users', () => {
    it("lists the users of the admin's tenant, with their status", async () => {
      const res = await acmeAdmin.get<UserList>('/api/admin/users');

      expect(res.status).toBe(200);
      const bob = res.body.items.find((u) => u.username === 'bob');
      expect(bob).toEqual<UserSummary>({
        id: acme.users.bob.id,
        username: 'bob',
        email: 'bob@example.test',
        displayName: 'bob',
        role: 'user',
        status: 'active',
        timeZone: 'UTC',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        deactivatedAt: null,
        invitation: null,
      });
    });

    it("admin of tenant A sees only tenant A's users, never tenant B's", async () => {
      const acmeList = await acmeAdmin.get<UserList>('/api/admin/users');
      const globexList = await globexAdmin.get<UserList>('/api/admin/users');

      const acmeNames = acmeList.body.items.map((u) => u.username);
      const globexNames = globexList.body.items.map((u) => u.username);
      expect(acmeNames).toEqual(expect.arrayContaining(['alice', 'bob', 'carol', 'dora']));
      expect(acmeNames).not.toContain('gina');
      expect(acmeNames).not.toContain('hank');
      expect([...globexNames].sort()).toEqual(['gina', 'hank']);
    });
  });

  describe('who may call it', () => {
    const bobId = () => acme.users.bob.id;
    const routes: [string, string, () => string, unknown][] = [
      ['GET /api/admin/users', 'GET', () => '/api/admin/users', undefined],
      ['POST /api/admin/users', 'POST', () => '/api/admin/users', newUser('sneaky')],
      [
        'POST /api/admin/users/:id/deactivate',
        'POST',
        () => `/api/admin/users/${bobId()}/deactivate`,
        undefined,
      ],
      [
        'POST /api/admin/users/:id/reactivate',
        'POST',
        () => `/api/admin/users/${bobId()}/reactivate`,
        undefined,
      ],
    ];

    it.each(routes)(
      'a signed-in non-admin gets 403 forbidden on %s',
      async (_name, method, path, body) => {
        const user = await signIn(test, 'carol', TEST_PASSWORD);
        const users = await countRows(test, 'app_user');

        expectApiError(await user.request(method, path(), body), 403, 'forbidden');
        expect(await countRows(test, 'app_user')).toBe(users);
      },
    );

    it.each(routes)(
      'nobody signed in gets 401 unauthenticated on %s',
      async (_name, method, path, body) => {
        const anonymous = new ApiClient(test.baseUrl);
        await anonymous.primeXsrf();

        expectApiError(await anonymous.request(method, path(), body), 401, 'unauthenticated');
      },
    );

    it('a non-admin cannot deactivate another user: the target stays signed in', async () => {
      const carol = await signIn(test, 'carol', TEST_PASSWORD);
      const bob = await signIn(test, 'bob', TEST_PASSWORD);

      expectApiError(
        await carol.post(`/api/admin/users/${acme.users.bob.id}/deactivate`),
        403,
        'forbidden',
      );
      expect((await bob.get('/api/auth/me')).status).toBe(200);
    });
  });

  describe('POST /api/admin/users', () => {
    it("creates a user (201) who can then sign in, in the admin's tenant, and records user.created", async () => {
      const res = await acmeAdmin.post<UserSummary>(
        '/api/admin/users',
        newUser('erik', { timeZone: 'Europe/Berlin', displayName: 'Erik E.' }),
      );

      expect(res.status).toBe(201);
      expect(res.body).toEqual<UserSummary>({
        id: expect.any(String),
        username: 'erik',
        email: 'erik@example.test',
        displayName: 'Erik E.',
        role: 'user',
        status: 'active',
        timeZone: 'Europe/Berlin',
        createdAt: expect.any(String),
        deactivatedAt: null,
        invitation: null,
      });

      const erik = new ApiClient(test.baseUrl);
      expect((await erik.login('erik', NEW_PASSWORD)).status).toBe(200);
      const me = await erik.get<CurrentUser>('/api/auth/me');
      expect(me.body).toMatchObject({
        id: res.body.id,
        role: 'user',
        timeZone: 'Europe/Berlin',
        tenant: { id: acme.tenantId, name: 'Acme' },
      });

      const listed = await acmeAdmin.get<UserList>('/api/admin/users');
      expect(listed.body.items.map((u) => u.username)).toContain('erik');

      const rows = await history('user.created', res.body.id);
      expect(rows).toEqual([
        expect.objectContaining({
          tenant_id: acme.tenantId,
          actor_id: acme.users.alice.id,
          subject_user_id: res.body.id,
        }),
      ]);
      expect(JSON.stringify(rows[0].details)).not.toContain(NEW_PASSWORD);
    });

    it('defaults the time zone to UTC', async () => {
      const res = await acmeAdmin.post<UserSummary>('/api/admin/users', newUser('utc-user'));

      expect(res.status).toBe(201);
      expect(res.body.timeZone).toBe('UTC');
    });

    it('can create another admin, who can then manage users', async () => {
      expect(
        (await acmeAdmin.post('/api/admin/users', newUser('second-admin', { role: 'admin' })))
          .status,
      ).toBe(201);

      const admin2 = await signIn(test, 'second-admin', NEW_PASSWORD);

      expect((await admin2.get('/api/admin/users')).status).toBe(200);
    });

    it("stores the new user's password as an argon2id hash", async () => {
      await acmeAdmin.post('/api/admin/users', newUser('hash-check'));

      const [row] = await sql<{ password_hash: string }>(
        test,
        `select password_hash from app_user where username = ?`,
        ['hash-check'],
      );
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('refuses a username already taken, compared case-insensitively: 409 username_taken and nothing written', async () => {
      const users = await countRows(test, 'app_user');

      expectApiError(
        await acmeAdmin.post('/api/admin/users', newUser('BOB')),
        409,
        'username_taken',
      );
      expect(await countRows(test, 'app_user')).toBe(users);
    });

    it('two admins creating the same username at once: one 201, one 409 username_taken, never a 500', async () => {
      const [a, b] = await Promise.all([
        acmeAdmin.post('/api/admin/users', newUser('race-user')),
        globexAdmin.post('/api/admin/users', newUser('RACE-USER')),
      ]);

      expect([a.status, b.status].sort()).toEqual([201, 409]);
      expectApiError(a.status === 409 ? a : b, 409, 'username_taken');
      const [row] = await sql<{ n: string }>(
        test,
        `select count(*) as n from app_user where lower(username) = 'race-user'`,
      );
      expect(Number(row.n)).toBe(1);
    });

    it('refuses a username taken in another tenant (usernames are unique deployment-wide)', async () => {
      const users = await countRows(test, 'app_user');

      expectApiError(
        await globexAdmin.post('/api/admin/users', newUser('Alice')),
        409,
        'username_taken',
      );
      expect(await countRows(test, 'app_user')).toBe(users);
    });
  });

  describe('deactivation and reactivation', () => {
    it('deactivating a user answers 200 status deactivated, ends their open session at once, and blocks sign-in', async () => {
      const bob = await signIn(test, 'bob', TEST_PASSWORD);
      const bobOnPhone = await signIn(test, 'bob', TEST_PASSWORD);

      const res = await acmeAdmin.post<UserSummary>(
        `/api/admin/users/${acme.users.bob.id}/deactivate`,
      );

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: acme.users.bob.id,
        username: 'bob',
        status: 'deactivated',
        deactivatedAt: expect.any(String),
      });
      expectApiError(await bob.get('/api/auth/me'), 401, 'unauthenticated');
      expectApiError(await bobOnPhone.get('/api/auth/me'), 401, 'unauthenticated');
      const [sessions] = await sql<{ n: string }>(
        test,
        `select count(*) as n from "session" where user_id = ?`,
        [acme.users.bob.id],
      );
      expect(Number(sessions.n)).toBe(0);
      expectApiError(
        await new ApiClient(test.baseUrl).login('bob', TEST_PASSWORD),
        401,
        'account_deactivated',
      );

      const listed = await acmeAdmin.get<UserList>('/api/admin/users');
      expect(listed.body.items.find((u) => u.username === 'bob')?.status).toBe('deactivated');

      const rows = await history('user.deactivated', acme.users.bob.id);
      expect(rows).toEqual([
        expect.objectContaining({ tenant_id: acme.tenantId, actor_id: acme.users.alice.id }),
      ]);
    });

    it('a deactivated user with a wrong password still gets invalid_credentials (status is not revealed to guessers)', async () => {
      expect(
        (await acmeAdmin.post(`/api/admin/users/${acme.users.ivan.id}/deactivate`)).status,
      ).toBe(200);

      expectApiError(
        await new ApiClient(test.baseUrl).login('ivan', 'wrong-password'),
        401,
        'invalid_credentials',
      );
    });

    it('reactivating lets them sign in again, and records user.reactivated', async () => {
      const judyId = acme.users.judy.id;
      expect((await acmeAdmin.post(`/api/admin/users/${judyId}/deactivate`)).status).toBe(200);
      expectApiError(
        await new ApiClient(test.baseUrl).login('judy', TEST_PASSWORD),
        401,
        'account_deactivated',
      );

      const res = await acmeAdmin.post<UserSummary>(`/api/admin/users/${judyId}/reactivate`);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: judyId, status: 'active', deactivatedAt: null });
      const judy = new ApiClient(test.baseUrl);
      expect((await judy.login('judy', TEST_PASSWORD)).status).toBe(200);
      expect((await judy.get('/api/auth/me')).status).toBe(200);

      const rows = await history('user.reactivated', judyId);
      expect(rows).toEqual([
        expect.objectContaining({ tenant_id: acme.tenantId, actor_id: acme.users.alice.id }),
      ]);
    });

    it('repeating a deactivation is harmless and records one event, not two', async () => {
      const first = await acmeAdmin.post<UserSummary>(
        `/api/admin/users/${acme.users.dora.id}/deactivate`,
      );
      const second = await acmeAdmin.post<UserSummary>(
        `/api/admin/users/${acme.users.dora.id}/deactivate`,
      );

      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.status).toBe('deactivated');
      expect(await history('user.deactivated', acme.users.dora.id)).toHaveLength(1);
    });

    it('two admins deactivating the same user at once record one user.deactivated event, not two', async () => {
      const secondAdmin = await signIn(test, 'alice', TEST_PASSWORD);
      const target = acme.users.kim.id;

      const results = await Promise.all([
        acmeAdmin.post<UserSummary>(`/api/admin/users/${target}/deactivate`),
        secondAdmin.post<UserSummary>(`/api/admin/users/${target}/deactivate`),
      ]);

      expect(results.map((r) => [r.status, r.body.status])).toEqual([
        [200, 'deactivated'],
        [200, 'deactivated'],
      ]);
      expect(await history('user.deactivated', target)).toHaveLength(1);
    });

    it('an admin cannot deactivate themselves: 400 cannot_deactivate_self and they stay signed in', async () => {
      expectApiError(
        await acmeAdmin.post(`/api/admin/users/${acme.users.alice.id}/deactivate`),
        400,
        'cannot_deactivate_self',
      );

      expect((await acmeAdmin.get('/api/auth/me')).status).toBe(200);
      expect(await history('user.deactivated', acme.users.alice.id)).toHaveLength(0);
    });

    it("admin of tenant A cannot deactivate tenant B's user: 404 not_found and the victim stays active and signed in", async () => {
      const hank = await signIn(test, 'hank', TEST_PASSWORD);

      expectApiError(
        await acmeAdmin.post(`/api/admin/users/${globex.users.hank.id}/deactivate`),
        404,
        'not_found',
      );

      expect((await hank.get('/api/auth/me')).status).toBe(200);
      const list = await globexAdmin.get<UserList>('/api/admin/users');
      expect(list.body.items.find((u) => u.username === 'hank')?.status).toBe('active');
      expect(await history('user.deactivated', globex.users.hank.id)).toHaveLength(0);
    });

    it("admin of tenant A cannot deactivate tenant B's admin either", async () => {
      expectApiError(
        await acmeAdmin.post(`/api/admin/users/${globex.users.gina.id}/deactivate`),
        404,
        'not_found',
      );

      expect((await globexAdmin.get('/api/auth/me')).status).toBe(200);
    });

    it("admin of tenant A cannot reactivate tenant B's deactivated user: 404 not_found and they stay deactivated", async () => {
      expect(
        (await globexAdmin.post(`/api/admin/users/${globex.users.hank.id}/deactivate`)).status,
      ).toBe(200);

      expectApiError(
        await acmeAdmin.post(`/api/admin/users/${globex.users.hank.id}/reactivate`),
        404,
        'not_found',
      );

      expectApiError(
        await new ApiClient(test.baseUrl).login('hank', TEST_PASSWORD),
        401,
        'account_deactivated',
      );
      expect(await history('user.reactivated', globex.users.hank.id)).toHaveLength(0);
    });

    it('answers 404 not_found for a user id that is not a UUID, and for one that does not exist', async () => {
      expectApiError(
        await acmeAdmin.post('/api/admin/users/not-a-uuid/deactivate'),
        404,
        'not_found',
      );
      expectApiError(
        await acmeAdmin.post(
          `/api/admin/users/${encodeURIComponent("1'; drop table app_user; --")}/reactivate`,
        ),
        404,
        'not_found',
      );
      expectApiError(
        await acmeAdmin.post('/api/admin/users/00000000-0000-4000-8000-000000000000/deactivate'),
        404,
        'not_found',
      );
    });
  });
});
