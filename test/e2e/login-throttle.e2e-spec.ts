import { SESSION_COOKIE } from '@feedpass/contracts';
import { ApiClient, type ApiResponse } from '../setup/api-client';
import { expectApiError, HOUR, MINUTE, setCookieLine } from '../setup/e2e-helpers';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

const PAIR_LIMIT = 5;
const WINDOW = 15 * MINUTE;

describe('sign-in failure throttling (SPEC 7: 429 after repeated failures)', () => {
  let test: TestApp;

  beforeAll(async () => {
    // Trusting the loopback proxy lets a spec speak for another address via X-Forwarded-For;
    // requests without that header still come from 127.0.0.1.
    test = await startTestApp({ TRUST_PROXY: 'loopback' });
    await seedTenant(
      test,
      'Acme',
      ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((username) => ({ username })),
    );
  });
  afterAll(() => test.close());
  // Every case starts with no failures inside any window.
  afterEach(() => test.clock.advance(2 * HOUR));

  async function failTimes(client: ApiClient, username: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      expectApiError(
        await client.post('/api/auth/login', { username, password: `wrong-${i}` }),
        401,
        'invalid_credentials',
      );
    }
  }

  function retryAfter(res: ApiResponse): number {
    const header = res.headers.get('retry-after');
    expect(header).toMatch(/^\d+$/);
    return Number(header);
  }

  async function primed(headers: Record<string, string> = {}): Promise<ApiClient> {
    const client = new ApiClient(test.baseUrl, headers);
    await client.primeXsrf();
    return client;
  }

  it('after 5 failures for one username from one address, the 6th attempt — even with the right password — is 429 with a numeric Retry-After', async () => {
    const client = await primed();
    await failTimes(client, 'alice', PAIR_LIMIT);

    const res = await client.post('/api/auth/login', {
      username: 'alice',
      password: TEST_PASSWORD,
    });

    expectApiError(res, 429, 'too_many_requests');
    const wait = retryAfter(res);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(WINDOW / 1000);
    expect(setCookieLine(res, SESSION_COOKIE)).toBeUndefined();
  });

  it('allows 5 failures before blocking: the 5th failure is still 401, not 429', async () => {
    const client = await primed();
    await failTimes(client, 'bob', PAIR_LIMIT - 1);

    expectApiError(
      await client.post('/api/auth/login', { username: 'bob', password: 'still-wrong' }),
      401,
      'invalid_credentials',
    );
    expectApiError(
      await client.post('/api/auth/login', { username: 'bob', password: 'still-wrong' }),
      429,
      'too_many_requests',
    );
  });

  it('does not block another user signing in from the same client', async () => {
    const client = await primed();
    await failTimes(client, 'carol', PAIR_LIMIT);
    expectApiError(
      await client.post('/api/auth/login', { username: 'carol', password: TEST_PASSWORD }),
      429,
      'too_many_requests',
    );

    const other = await client.post('/api/auth/login', {
      username: 'dave',
      password: TEST_PASSWORD,
    });

    expect(other.status).toBe(200);
  });

  it('does not lock the account out for the same person signing in from another address', async () => {
    const attacker = await primed({ 'x-forwarded-for': '203.0.113.66' });
    await failTimes(attacker, 'dave', PAIR_LIMIT);
    expectApiError(
      await attacker.post('/api/auth/login', { username: 'dave', password: TEST_PASSWORD }),
      429,
      'too_many_requests',
    );

    const owner = await primed({ 'x-forwarded-for': '198.51.100.7' });

    expect(
      (await owner.post('/api/auth/login', { username: 'dave', password: TEST_PASSWORD })).status,
    ).toBe(200);
  });

  it('lets the right password through again once 15 minutes have passed, with Retry-After counting down meanwhile', async () => {
    const client = await primed();
    await failTimes(client, 'erin', PAIR_LIMIT);
    const first = retryAfter(
      await client.post('/api/auth/login', { username: 'erin', password: TEST_PASSWORD }),
    );

    test.clock.advance(10 * MINUTE);
    const blocked = await client.post('/api/auth/login', {
      username: 'erin',
      password: TEST_PASSWORD,
    });
    expectApiError(blocked, 429, 'too_many_requests');
    expect(retryAfter(blocked)).toBeLessThanOrEqual(first - 10 * 60);

    test.clock.advance(5 * MINUTE);
    const res = await client.post('/api/auth/login', { username: 'erin', password: TEST_PASSWORD });

    expect(res.status).toBe(200);
  });

  it('counts the username case-insensitively: failures as "Frank" and "FRANK" block "frank"', async () => {
    const client = await primed();
    await failTimes(client, 'Frank', 3);
    await failTimes(client, 'FRANK', 2);

    expectApiError(
      await client.post('/api/auth/login', { username: 'frank', password: TEST_PASSWORD }),
      429,
      'too_many_requests',
    );
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    const client = await primed();
    await failTimes(client, 'alice', PAIR_LIMIT - 1);
    expect(
      (await client.post('/api/auth/login', { username: 'alice', password: TEST_PASSWORD })).status,
    ).toBe(200);
    await failTimes(client, 'alice', PAIR_LIMIT - 1);

    expect(
      (await client.post('/api/auth/login', { username: 'alice', password: TEST_PASSWORD })).status,
    ).toBe(200);
  });

  it('throttles unknown usernames the same way, so the 429 does not reveal who exists', async () => {
    const client = await primed();
    await failTimes(client, 'no-such-user', PAIR_LIMIT);

    expectApiError(
      await client.post('/api/auth/login', { username: 'no-such-user', password: TEST_PASSWORD }),
      429,
      'too_many_requests',
    );
  });
});
