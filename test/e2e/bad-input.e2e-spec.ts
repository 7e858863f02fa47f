import type { ErrorCode } from '@feedpass/contracts';
import type { ApiClient } from '../setup/api-client';
import { countRows, expectApiError, signIn } from '../setup/e2e-helpers';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

interface BadInput {
  name: string;
  /** A value to send as JSON, or a string sent as the raw body. */
  body: unknown;
  code: ErrorCode;
  /** What the message must name, so a user can tell what to fix. */
  names: RegExp;
}

const ONE_MB = 'x'.repeat(1024 * 1024);
const json = (value: unknown) => JSON.stringify(value);

const validUser = {
  username: 'new-user',
  email: 'new-user@example.test',
  displayName: 'New User',
  role: 'user',
  password: 'a-long-enough-password',
};

const LOGIN_CASES: BadInput[] = [
  {
    name: 'an empty object',
    body: {},
    code: 'validation_failed',
    names: /username[\s\S]*password|password[\s\S]*username/,
  },
  {
    name: 'a missing password',
    body: { username: 'alice' },
    code: 'validation_failed',
    names: /password/,
  },
  {
    name: 'a number for username',
    body: { username: 123, password: TEST_PASSWORD },
    code: 'validation_failed',
    names: /username/,
  },
  {
    name: 'an object for password',
    body: { username: 'alice', password: { $ne: '' } },
    code: 'validation_failed',
    names: /password/,
  },
  {
    name: 'an unknown field',
    body: { username: 'alice', password: TEST_PASSWORD, rememberMe: true },
    code: 'validation_failed',
    names: /rememberMe/,
  },
  {
    name: 'a 1 MB body',
    body: { username: 'alice', password: ONE_MB },
    code: 'payload_too_large',
    names: /large|size|limit|100\s?kb/i,
  },
  {
    name: 'malformed JSON',
    body: '{"username": "alice", "password": ',
    code: 'malformed_json',
    names: /JSON/,
  },
  {
    name: 'a JSON array',
    body: json([{ username: 'alice', password: TEST_PASSWORD }]),
    code: 'validation_failed',
    names: /object/,
  },
  {
    name: 'a __proto__ key',
    body: '{"username":"alice","password":"x","__proto__":{"role":"admin"}}',
    code: 'validation_failed',
    names: /__proto__/,
  },
  {
    name: 'a nested constructor key',
    body: '{"username":"alice","password":"x","extra":{"constructor":{"prototype":{}}}}',
    code: 'validation_failed',
    names: /constructor|extra/,
  },
  {
    name: 'an empty username',
    body: { username: '', password: TEST_PASSWORD },
    code: 'validation_failed',
    names: /username/,
  },
];

const CREATE_CASES: BadInput[] = [
  { name: 'an empty object', body: {}, code: 'validation_failed', names: /username/ },
  {
    name: 'a missing email',
    body: { ...validUser, email: undefined },
    code: 'validation_failed',
    names: /email/,
  },
  {
    name: 'a number for username',
    body: { ...validUser, username: 42 },
    code: 'validation_failed',
    names: /username/,
  },
  {
    name: 'an unknown field (tenantId)',
    body: { ...validUser, tenantId: '00000000-0000-4000-8000-000000000000' },
    code: 'validation_failed',
    names: /tenantId/,
  },
  {
    name: 'an unknown field (status)',
    body: { ...validUser, status: 'deactivated' },
    code: 'validation_failed',
    names: /status/,
  },
  {
    name: 'a role that does not exist',
    body: { ...validUser, role: 'superuser' },
    code: 'validation_failed',
    names: /role/,
  },
  {
    name: 'an invalid time zone',
    body: { ...validUser, timeZone: 'Mars/Olympus_Mons' },
    code: 'validation_failed',
    names: /timeZone/,
  },
  {
    name: 'a short password',
    body: { ...validUser, password: 'short' },
    code: 'validation_failed',
    names: /password.*12/,
  },
  {
    name: 'an invalid email',
    body: { ...validUser, email: 'not-an-email' },
    code: 'validation_failed',
    names: /email/,
  },
  {
    name: 'a username with spaces',
    body: { ...validUser, username: 'new user' },
    code: 'validation_failed',
    names: /username/,
  },
  {
    name: 'a 1 MB body',
    body: { ...validUser, displayName: ONE_MB },
    code: 'payload_too_large',
    names: /large|size|limit|100\s?kb/i,
  },
  {
    name: 'malformed JSON',
    body: '{"username": "new-user",',
    code: 'malformed_json',
    names: /JSON/,
  },
  { name: 'a JSON array', body: json([validUser]), code: 'validation_failed', names: /object/ },
  {
    name: 'a __proto__ key',
    body: json(validUser).replace(/}$/, ',"__proto__":{"role":"admin"}}'),
    code: 'validation_failed',
    names: /__proto__/,
  },
];

describe('bad input is a 400 that names the problem, never a 500, and writes nothing (SPEC 7)', () => {
  let test: TestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    test = await startTestApp();
    await seedTenant(test, 'Acme', [{ username: 'alice', role: 'admin' }]);
    admin = await signIn(test, 'alice', TEST_PASSWORD);
  });
  afterAll(() => test.close());

  describe('POST /api/auth/login', () => {
    it.each(LOGIN_CASES)('$name → 400 $code', async ({ body, code, names }) => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);
      const sessions = await countRows(test, 'session');

      const res = await client.post('/api/auth/login', body);

      const error = expectApiError(res, 400, code);
      expect(error.message).toMatch(names);
      expect(await countRows(test, 'session')).toBe(sessions);
      // The failed attempt did not end the session the browser already had.
      expect((await client.get('/api/auth/me')).status).toBe(200);
    });

    it('no body at all → 400 validation_failed naming the fields', async () => {
      const client = await signIn(test, 'alice', TEST_PASSWORD);

      const res = await client.request('POST', '/api/auth/login');

      expect(expectApiError(res, 400, 'validation_failed').message).toMatch(/username/);
    });
  });

  describe('POST /api/admin/users', () => {
    it.each(CREATE_CASES)(
      '$name → 400 $code and no user created',
      async ({ body, code, names }) => {
        const users = await countRows(test, 'app_user');
        const events = await countRows(test, 'history_event');

        const res = await admin.post('/api/admin/users', body);

        const error = expectApiError(res, 400, code);
        expect(error.message).toMatch(names);
        expect(await countRows(test, 'app_user')).toBe(users);
        expect(await countRows(test, 'history_event')).toBe(events);
      },
    );

    it('names every problem of a body with several at once', async () => {
      const res = await admin.post('/api/admin/users', {
        ...validUser,
        email: 'nope',
        timeZone: 'Nowhere/City',
        password: 'short',
      });

      const { message } = expectApiError(res, 400, 'validation_failed');
      expect(message).toMatch(/email/);
      expect(message).toMatch(/timeZone/);
      expect(message).toMatch(/password/);
    });

    it('the valid body of these cases is accepted (so the cases above fail only for their one flaw)', async () => {
      const res = await admin.post('/api/admin/users', validUser);

      expect(res.status).toBe(201);
    });
  });

  describe('errors everywhere are {statusCode, code, message}', () => {
    it.each([
      ['GET', '/api/no-such-route'],
      ['GET', '/api/auth'],
      ['POST', '/api/no-such-route'],
      ['DELETE', '/api/auth/me'],
    ])('%s %s (unknown route) → 404 not_found', async (method, path) => {
      const res = await admin.request(method, path);

      expectApiError(res, 404, 'not_found');
    });

    it('never leaks a stack trace or framework detail in an error', async () => {
      const res = await admin.post('/api/admin/users', '{"broken');

      expect(res.text).not.toMatch(/at \w+ \(|node_modules|SyntaxError|<html|<pre>/i);
    });
  });
});
