import { ApiClient } from '../setup/api-client';
import { eventsOf, lastMailTo, linkIn, mailSettled, sessionCount } from '../setup/account-helpers';
import { expectApiError, HOUR, MINUTE, signIn, sql } from '../setup/e2e-helpers';
import { PUBLIC_URL } from '../setup/expiry-helpers';
import { SmtpSink } from '../setup/smtp-sink';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';
import { LONG_SESSIONS } from '../setup/token-helpers';

/** SPEC 13: the forgotten-password flow, with mail read from a real SMTP server. */
describe('forgotten password (SPEC 13)', () => {
  let test: TestApp;
  let sink: SmtpSink;
  let users: Record<string, SeededUser>;
  let n = 0;
  /** An anonymous browser from its own address (the throttle counts per address). */
  const visitor = async () => {
    const client = new ApiClient(test.baseUrl, { 'x-forwarded-for': `203.0.113.${++n}` });
    await client.primeXsrf();
    return client;
  };
  const request = async (username: string) =>
    (await visitor()).post('/api/auth/password-reset', { username });

  beforeAll(async () => {
    sink = await SmtpSink.start();
    test = await startTestApp({
      ...LONG_SESSIONS,
      SMTP_URL: sink.url,
      PUBLIC_URL,
      TRUST_PROXY: 'loopback',
    });
    ({ users } = await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: 'bob' },
      { username: 'dora' },
      { username: 'erin' },
    ]));
    await test.app
      .get((await import('../../apps/api/src/users/users.service')).UsersService)
      .create(
        { tenantId: users.alice.tenantId, userId: null },
        {
          username: 'tz-user',
          email: 'tz@example.test',
          displayName: 'TZ',
          role: 'user',
          password: TEST_PASSWORD,
          timeZone: 'America/New_York',
        },
      );
  });
  afterAll(async () => {
    await test.close();
    await sink.stop();
  });

  it('202 for an unknown username, with no mail and nothing stored', async () => {
    const res = await request('nobody-of-that-name');
    expect(res.status).toBe(202);
    await mailSettled(test);
    expect(sink.messages).toHaveLength(0);
    expect(await sql(test, 'select * from account_link')).toEqual([]);
  });

  it('emails a link that sets the password once, ends every session, and is then invalid_link', async () => {
    const a = await signIn(test, 'bob', TEST_PASSWORD);
    const b = await signIn(test, 'bob', TEST_PASSWORD);
    expect((await request('BOB')).status).toBe(202);
    const mail = await lastMailTo(test, sink, 'bob@example.test');
    const { url, page, secret } = linkIn(mail);
    expect(url.startsWith(`${PUBLIC_URL}/reset-password#`)).toBe(true);
    expect(page).toBe('reset-password');
    expect(mail.html).toContain(secret);
    expect(mail.text).not.toContain(TEST_PASSWORD);

    const client = await visitor();
    const done = await client.post('/api/auth/password-reset/complete', {
      token: secret,
      newPassword: 'bob-reset-password',
    });
    expect(done.status).toBe(204);
    expectApiError(await a.get('/api/auth/me'), 401, 'unauthenticated');
    expectApiError(await b.get('/api/auth/me'), 401, 'unauthenticated');
    expect(await sessionCount(test, users.bob.id)).toBe(0);
    await signIn(test, 'bob', 'bob-reset-password');
    expect(await eventsOf(test, users.bob.id, 'user.password_reset')).toHaveLength(1);

    // Used once: the same link again changes nothing.
    expectApiError(
      await client.post('/api/auth/password-reset/complete', {
        token: secret,
        newPassword: 'another-password-1',
      }),
      400,
      'invalid_link',
    );
    await signIn(test, 'bob', 'bob-reset-password');
  });

  it('the link expires after 1 hour; a forged link and a weak password change nothing', async () => {
    await request('dora');
    const { secret } = linkIn(await lastMailTo(test, sink, 'dora@example.test'));
    const client = await visitor();
    expectApiError(
      await client.post('/api/auth/password-reset/complete', {
        token: 'f'.repeat(64),
        newPassword: 'a-long-password-x',
      }),
      400,
      'invalid_link',
    );
    expectApiError(
      await client.post('/api/auth/password-reset/complete', {
        token: 'nonsense',
        newPassword: 'a-long-password-x',
      }),
      400,
      'invalid_link',
    );
    expectApiError(
      await client.post('/api/auth/password-reset/complete', {
        token: secret,
        newPassword: 'short',
      }),
      400,
      'weak_password',
    );
    test.clock.advance(HOUR + MINUTE);
    expectApiError(
      await client.post('/api/auth/password-reset/complete', {
        token: secret,
        newPassword: 'a-long-password-x',
      }),
      400,
      'invalid_link',
    );
    await signIn(test, 'dora', TEST_PASSWORD);
  });

  it('a newer link replaces the older one', async () => {
    await request('erin');
    const first = linkIn(await lastMailTo(test, sink, 'erin@example.test')).secret;
    expect((await request('erin')).status).toBe(202);
    await mailSettled(test);
    expect(sink.for('erin@example.test')).toHaveLength(2);
    const second = linkIn(await lastMailTo(test, sink, 'erin@example.test')).secret;
    expect(second).not.toBe(first);
    const client = await visitor();
    expectApiError(
      await client.post('/api/auth/password-reset/complete', {
        token: first,
        newPassword: 'erins-password-1',
      }),
      400,
      'invalid_link',
    );
    expect(
      (
        await client.post('/api/auth/password-reset/complete', {
          token: second,
          newPassword: 'erins-password-1',
        })
      ).status,
    ).toBe(204);
  });

  it('the email shows the expiry in the user’s time zone', async () => {
    await request('tz-user');
    const mail = await lastMailTo(test, sink, 'tz@example.test');
    expect(mail.text).toContain('America/New_York');
    expect(mail.text).toMatch(/GMT-[45]|EST|EDT/);
  });

  it('is throttled per username (from any address) and per address (any username): 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request('throttled-name')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const one = await visitor();
    const fromOne: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await one.post('/api/auth/password-reset', { username: `someone-${i}` });
      fromOne.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(fromOne.slice(0, 30).every((s) => s === 202)).toBe(true);
    expect(fromOne[30]).toBe(429);
  });
});
