import {
  SESSION_COOKIE,
  XSRF_COOKIE,
  type CurrentUser,
  type LoginResponse,
} from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import {
  countRows,
  DAY,
  expectApiError,
  HOUR,
  MINUTE,
  setCookieLine,
  signIn,
  sql,
  withSessionCookie,
} from '../setup/e2e-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';

describe('sign-in, sessions and sign-out (SPEC 7)', () => {
  let test: TestApp;
  let tenantId: string;
  let alice: SeededUser;
  let bob: SeededUser;

  beforeAll(async () => {
    test = await startTestApp();
    const seeded = await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: 'bob' },
    ]);
    tenantId = seeded.tenantId;
    ({ alice, bob } = seeded.users);
  });
  afterAll(() => test.close());

  const expectedAlice = (): CurrentUser => ({
    id: alice.id,
    username: 'alice',
    email: 'alice@example.test',
    displayName: 'alice',
    role: 'admin',
    timeZone: 'UTC',
    tenant: { id: tenantId, name: 'Acme', slug: 'acme' },
  });

  describe('POST /api/auth/login', () => {
    it('answers 200 {user} with the current user and sets an httpOnly SameSite=Lax fp_session cookie', async () => {
      const client = new ApiClient(test.baseUrl);
      const res = await client.login('alice', TEST_PASSWORD);

      expect(res.status).toBe(200);
      expect(res.body).toEqual<LoginResponse>({ user: expectedAlice() });
      const cookie = setCookieLine(res, SESSION_COOKIE);
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      expect(client.cookies.get(SESSION_COOKIE)!.length).toBeGreaterThanOrEqual(32);
    });

    it('compares the username case-insensitively: "ALICE" signs in alice', async () => {
      const client = new ApiClient(test.baseUrl);
      const res = await client.login('ALICE', TEST_PASSWORD);

      expect(res.status).toBe(200);
      expect((res.body as LoginResponse).user.id).toBe(alice.id);
      expect((await client.get<CurrentUser>('/api/auth/me')).body.username).toBe('alice');
    });

    it('refuses a wrong password and an unknown user alike: 401 invalid_credentials, same message, no cookie', async () => {
      const wrongPassword = await new ApiClient(test.baseUrl).login('bob', 'not-the-password');
      const unknownUser = await new ApiClient(test.baseUrl).login('nobody-here', TEST_PASSWORD);

      const a = expectApiError(wrongPassword, 401, 'invalid_credentials');
      const b = expectApiError(unknownUser, 401, 'invalid_credentials');
      expect(a.message).toBe(b.message);
      expect(setCookieLine(wrongPassword, SESSION_COOKIE)).toBeUndefined();
      expect(setCookieLine(unknownUser, SESSION_COOKIE)).toBeUndefined();
    });

    it('does not store the cookie secret: no session row contains it', async () => {
      const client = await signIn(test, 'bob', TEST_PASSWORD);
      const secret = client.cookies.get(SESSION_COOKIE)!;

      const rows = await sql<{ row: string }>(
        test,
        `select row_to_json(s)::text as row from "session" s where s.user_id = ?`,
        [bob.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const { row } of rows) expect(row).not.toContain(secret);
      const [hit] = await sql<{ n: string }>(
        test,
        `select count(*) as n from "session" s where row_to_json(s)::text like ?`,
        [`%${secret}%`],
      );
      expect(Number(hit.n)).toBe(0);
    });

    it('stores passwords as argon2id hashes, never in clear', async () => {
      const rows = await sql<{ username: string; password_hash: string }>(
        test,
        `select username, password_hash from app_user`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) {
        expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
        expect(row.password_hash).not.toContain(TEST_PASSWORD);
      }
    });

    it('changes the session id at every sign-in: the cookie before and after a second sign-in differ, and the first stops working', async () => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);
      const first = client.cookies.get(SESSION_COOKIE)!;

      const again = await client.post('/api/auth/login', {
        username: 'alice',
        password: TEST_PASSWORD,
      });
      expect(again.status).toBe(200);
      const second = client.cookies.get(SESSION_COOKIE)!;

      expect(second).not.toBe(first);
      expect((await client.get('/api/auth/me')).status).toBe(200);
      expectApiError(
        await withSessionCookie(test, first).get('/api/auth/me'),
        401,
        'unauthenticated',
      );
    });
  });

  describe('GET /api/auth/me', () => {
    it('answers 200 with {id, username, email, displayName, role, timeZone, tenant:{id,name}}', async () => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);
      const me = await client.get('/api/auth/me');

      expect(me.status).toBe(200);
      expect(me.body).toEqual(expectedAlice());
    });

    it('answers 401 unauthenticated without a session', async () => {
      expectApiError(await new ApiClient(test.baseUrl).get('/api/auth/me'), 401, 'unauthenticated');
    });

    it('answers 401 unauthenticated for a made-up session cookie', async () => {
      const forged = withSessionCookie(test, 'A'.repeat(43));
      expectApiError(await forged.get('/api/auth/me'), 401, 'unauthenticated');
    });
  });

  describe('POST /api/auth/logout', () => {
    it('answers 204, after which /me is 401 and the old cookie no longer works even if replayed', async () => {
      const client = await signIn(test, 'bob', TEST_PASSWORD);
      const secret = client.cookies.get(SESSION_COOKIE)!;
      const sessionsBefore = await countRows(test, 'session');

      const out = await client.post('/api/auth/logout');
      expect(out.status).toBe(204);
      expect(out.text).toBe('');
      // The browser is told to drop the cookie too.
      expect(setCookieLine(out, SESSION_COOKIE)).toMatch(
        /^fp_session=;.*Expires=Thu, 01 Jan 1970/i,
      );

      expectApiError(await client.get('/api/auth/me'), 401, 'unauthenticated');
      expectApiError(
        await withSessionCookie(test, secret).get('/api/auth/me'),
        401,
        'unauthenticated',
      );
      expect(await countRows(test, 'session')).toBe(sessionsBefore - 1);
    });

    it('only ends the session it is called from: the same user signed in elsewhere stays signed in', async () => {
      const laptop = await signIn(test, 'bob', TEST_PASSWORD);
      const phone = await signIn(test, 'bob', TEST_PASSWORD);

      expect((await laptop.post('/api/auth/logout')).status).toBe(204);

      expect((await phone.get('/api/auth/me')).status).toBe(200);
    });

    it('answers 401 unauthenticated when nobody is signed in', async () => {
      const client = new ApiClient(test.baseUrl);
      await client.primeXsrf();
      expectApiError(await client.post('/api/auth/logout'), 401, 'unauthenticated');
    });
  });

  describe('session expiry (SESSION_IDLE_MINUTES, default 12 h; SESSION_MAX_DAYS, default 7)', () => {
    it('signs out a session left idle past 12 hours', async () => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);
      expect((await client.get('/api/auth/me')).status).toBe(200);
      test.clock.advance(12 * HOUR + MINUTE);

      expectApiError(await client.get('/api/auth/me'), 401, 'unauthenticated');
    });

    it('keeps a session alive while it is used (the idle timeout slides)', async () => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);
      for (let i = 0; i < 3; i++) {
        test.clock.advance(11 * HOUR);
        expect((await client.get('/api/auth/me')).status).toBe(200);
      }
      test.clock.advance(12 * HOUR + MINUTE);

      expectApiError(await client.get('/api/auth/me'), 401, 'unauthenticated');
    });

    it('ends even a busy session after 7 days', async () => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);
      let elapsed = 0;
      while (elapsed + 11 * HOUR < 7 * DAY) {
        test.clock.advance(11 * HOUR);
        elapsed += 11 * HOUR;
        expect((await client.get('/api/auth/me')).status).toBe(200);
      }
      test.clock.advance(7 * DAY - elapsed + MINUTE);

      expectApiError(await client.get('/api/auth/me'), 401, 'unauthenticated');
    });
  });
});

describe('cookies behind https (PUBLIC_URL https://...)', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ PUBLIC_URL: 'https://feeds.example.com' });
    await seedTenant(test, 'Acme', [{ username: 'alice' }]);
  });
  afterAll(() => test.close());

  it('marks the session and XSRF cookies Secure', async () => {
    const client = new ApiClient(test.baseUrl);
    const first = await client.get('/api/health');
    expect(setCookieLine(first, XSRF_COOKIE)).toMatch(/;\s*Secure/i);

    const login = await client.post('/api/auth/login', {
      username: 'alice',
      password: TEST_PASSWORD,
    });

    expect(login.status).toBe(200);
    expect(setCookieLine(login, SESSION_COOKIE)).toMatch(/;\s*Secure/i);
    expect(setCookieLine(login, XSRF_COOKIE)).toMatch(/;\s*Secure/i);
  });
});
