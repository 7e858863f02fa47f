import { SESSION_COOKIE, XSRF_COOKIE, XSRF_HEADER } from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { countRows, expectApiError, setCookieLine, signIn } from '../setup/e2e-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';

const newUser = (username: string) => ({
  username,
  email: `${username}@example.test`,
  displayName: username,
  role: 'user',
  password: 'a-long-enough-password',
});

describe('XSRF double-submit defence (SPEC 7)', () => {
  let test: TestApp;
  let bob: SeededUser;

  beforeAll(async () => {
    test = await startTestApp();
    ({ bob } = (
      await seedTenant(test, 'Acme', [{ username: 'alice', role: 'admin' }, { username: 'bob' }])
    ).users);
  });
  afterAll(() => test.close());

  /** A client whose unsafe requests carry no X-XSRF-TOKEN header, as a cross-site form post would. */
  function forging(client: ApiClient): ApiClient {
    client.sendXsrf = false;
    return client;
  }

  describe('hands out a readable XSRF-TOKEN cookie to any client lacking one', () => {
    it.each([
      ['GET /api/health (200)', '/api/health', 200],
      ['GET /api/auth/me (401)', '/api/auth/me', 401],
      ['GET of an unknown /api path (404)', '/api/no-such-thing', 404],
    ])('%s', async (_name, path, status) => {
      const res = await new ApiClient(test.baseUrl).get(path);

      expect(res.status).toBe(status);
      const cookie = setCookieLine(res, XSRF_COOKIE);
      expect(cookie).toBeDefined();
      expect(cookie).not.toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      expect(cookie!.split(';')[0].length).toBeGreaterThan(`${XSRF_COOKIE}=`.length + 16);
    });

    it('does not replace the cookie of a client that already has one', async () => {
      const client = new ApiClient(test.baseUrl);
      await client.primeXsrf();
      const res = await client.get('/api/health');

      expect(setCookieLine(res, XSRF_COOKIE)).toBeUndefined();
    });

    it('gives two clients different tokens', async () => {
      const a = new ApiClient(test.baseUrl);
      const b = new ApiClient(test.baseUrl);
      await a.primeXsrf();
      await b.primeXsrf();

      expect(a.cookies.get(XSRF_COOKIE)).not.toBe(b.cookies.get(XSRF_COOKIE));
    });
  });

  // These once answered 400 bad_request "The request body could not be read": the refusal went
  // to next(error) and the body parser's error handler, registered after it, swallowed it.
  describe('refuses a state-changing request without a matching X-XSRF-TOKEN header: 403 xsrf', () => {
    it('login without the header: 403 xsrf and no session is started', async () => {
      const client = forging(new ApiClient(test.baseUrl));
      await client.primeXsrf();
      const sessions = await countRows(test, 'session');

      const res = await client.post('/api/auth/login', {
        username: 'bob',
        password: TEST_PASSWORD,
      });

      expect(setCookieLine(res, SESSION_COOKIE)).toBeUndefined();
      expect(await countRows(test, 'session')).toBe(sessions);
      expectApiError(res, 403, 'xsrf');
    });

    it('login with a header that does not match the cookie: 403 xsrf', async () => {
      const client = forging(new ApiClient(test.baseUrl));
      await client.primeXsrf();

      const res = await client.post(
        '/api/auth/login',
        { username: 'bob', password: TEST_PASSWORD },
        { [XSRF_HEADER]: 'x'.repeat(client.cookies.get(XSRF_COOKIE)!.length) },
      );

      expect(setCookieLine(res, SESSION_COOKIE)).toBeUndefined();
      expectApiError(res, 403, 'xsrf');
    });

    it('login with a header but no XSRF cookie at all: 403 xsrf', async () => {
      const client = forging(new ApiClient(test.baseUrl));

      const res = await client.post(
        '/api/auth/login',
        { username: 'bob', password: TEST_PASSWORD },
        { [XSRF_HEADER]: 'a'.repeat(43) },
      );

      expectApiError(res, 403, 'xsrf');
    });

    it('logout without the header: 403 xsrf and the user stays signed in', async () => {
      const client = await signIn(test, 'bob', TEST_PASSWORD);
      forging(client);

      const res = await client.post('/api/auth/logout');

      expect((await client.get('/api/auth/me')).status).toBe(200);
      expectApiError(res, 403, 'xsrf');
    });

    it('admin user create without the header: 403 xsrf and no user is created', async () => {
      const admin = await signIn(test, 'alice', TEST_PASSWORD);
      const users = await countRows(test, 'app_user');
      forging(admin);

      const res = await admin.post('/api/admin/users', newUser('forged-user'));

      expect(await countRows(test, 'app_user')).toBe(users);
      const list = await admin.get<{ items: { username: string }[] }>('/api/admin/users');
      expect(list.body.items.map((u) => u.username)).not.toContain('forged-user');
      expectApiError(res, 403, 'xsrf');
    });

    it('admin deactivate with a mismatched header: 403 xsrf and the user stays active', async () => {
      const admin = await signIn(test, 'alice', TEST_PASSWORD);
      const victim = await signIn(test, 'bob', TEST_PASSWORD);
      forging(admin);

      const res = await admin.post(`/api/admin/users/${bob.id}/deactivate`, undefined, {
        [XSRF_HEADER]: 'not-the-token-at-all-0123456789',
      });

      expect((await victim.get('/api/auth/me')).status).toBe(200);
      expectApiError(res, 403, 'xsrf');
    });

    it.each(['PUT', 'PATCH', 'DELETE'])(
      '%s to /api without the header: 403 xsrf (before any routing)',
      async (method) => {
        const client = await signIn(test, 'alice', TEST_PASSWORD);
        forging(client);

        expectApiError(await client.request(method, '/api/admin/users', {}), 403, 'xsrf');
      },
    );

    // APP BUG (open): Express routes case-insensitively, but the middleware only checks paths
    // starting with exactly "/api/", so "/API/..." reaches the controllers unchecked.
    it('cannot be dodged by spelling /api in capitals: POST /API/auth/login without the header → 403 xsrf, no session', async () => {
      const client = forging(new ApiClient(test.baseUrl));
      await client.primeXsrf();
      const sessions = await countRows(test, 'session');

      const res = await client.post('/API/auth/login', {
        username: 'bob',
        password: TEST_PASSWORD,
      });

      expect(setCookieLine(res, SESSION_COOKIE)).toBeUndefined();
      expect(await countRows(test, 'session')).toBe(sessions);
      expectApiError(res, 403, 'xsrf');
    });

    // APP BUG (open): same cause as above.
    it('cannot be dodged by spelling /api in mixed case: POST /Api/admin/users without the header → 403 xsrf, no user', async () => {
      const admin = await signIn(test, 'alice', TEST_PASSWORD);
      const users = await countRows(test, 'app_user');
      forging(admin);

      const res = await admin.post('/Api/admin/users', newUser('case-forged'));

      expect(await countRows(test, 'app_user')).toBe(users);
      expectApiError(res, 403, 'xsrf');
    });

    it('a short token echoed in both cookie and header is not accepted', async () => {
      const client = forging(new ApiClient(test.baseUrl));
      client.cookies.set(XSRF_COOKIE, 'abc');

      const res = await client.post(
        '/api/auth/login',
        { username: 'bob', password: TEST_PASSWORD },
        { [XSRF_HEADER]: 'abc' },
      );

      expectApiError(res, 403, 'xsrf');
    });
  });

  describe('accepts the matching pair', () => {
    it('login, an admin action and logout all work with the header', async () => {
      const admin = new ApiClient(test.baseUrl);
      expect((await admin.login('alice', TEST_PASSWORD)).status).toBe(200);
      expect((await admin.post('/api/admin/users', newUser('xsrf-ok'))).status).toBe(201);
      expect((await admin.post('/api/auth/logout')).status).toBe(204);
    });

    it('issues a fresh XSRF token at sign-in, and the new one is what later requests must carry', async () => {
      const client = new ApiClient(test.baseUrl);
      await client.primeXsrf();
      const before = client.cookies.get(XSRF_COOKIE)!;

      const res = await client.post('/api/auth/login', {
        username: 'bob',
        password: TEST_PASSWORD,
      });
      expect(res.status).toBe(200);
      const line = setCookieLine(res, XSRF_COOKIE);
      expect(line).toBeDefined();
      expect(line).not.toMatch(/HttpOnly/i);
      const after = client.cookies.get(XSRF_COOKIE)!;
      expect(after).not.toBe(before);

      // The pre-login token no longer matches the cookie the browser now holds.
      client.sendXsrf = false;
      expectApiError(
        await client.post('/api/auth/logout', undefined, { [XSRF_HEADER]: before }),
        403,
        'xsrf',
      );
      expect(
        (await client.post('/api/auth/logout', undefined, { [XSRF_HEADER]: after })).status,
      ).toBe(204);
    });

    it('GET needs no header', async () => {
      const client = await signIn(test, 'bob', TEST_PASSWORD);
      forging(client);

      expect((await client.get('/api/auth/me')).status).toBe(200);
    });
  });
});
