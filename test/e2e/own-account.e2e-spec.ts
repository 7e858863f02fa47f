import type { CurrentUser, SessionList } from '@feedpass/contracts';
import { eventsOf, sessionCount } from '../setup/account-helpers';
import { expectApiError, signIn } from '../setup/e2e-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';

/** SPEC 13: one's own profile, password and sessions. */
describe('own account (SPEC 13)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;

  beforeAll(async () => {
    test = await startTestApp();
    ({ users } = await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: 'bob' },
      { username: 'carol' },
    ]));
  });
  afterAll(() => test.close());

  it('PATCH /api/auth/me changes display name and time zone, recorded as user.updated', async () => {
    const bob = await signIn(test, 'bob', TEST_PASSWORD);
    const res = await bob.patch<CurrentUser>('/api/auth/me', {
      displayName: 'Bob B.',
      timeZone: 'Asia/Tokyo',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      displayName: 'Bob B.',
      timeZone: 'Asia/Tokyo',
      username: 'bob',
    });
    expect((await bob.get<CurrentUser>('/api/auth/me')).body.timeZone).toBe('Asia/Tokyo');
    const [event] = await eventsOf(test, users.bob.id, 'user.updated');
    expect(event.details.changes).toEqual({
      displayName: { from: 'bob', to: 'Bob B.' },
      timeZone: { from: 'UTC', to: 'Asia/Tokyo' },
    });
    expectApiError(
      await bob.patch('/api/auth/me', { timeZone: 'Nowhere/City' }),
      400,
      'validation_failed',
    );
    expectApiError(await bob.patch('/api/auth/me', { role: 'admin' }), 400, 'validation_failed');
  });

  it('lists own sessions with the current one marked, and ends one (another user’s is 404)', async () => {
    const first = await signIn(test, 'carol', TEST_PASSWORD);
    const second = await signIn(test, 'carol', TEST_PASSWORD);
    const list = await first.get<SessionList>('/api/auth/sessions');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items.filter((s) => s.current)).toHaveLength(1);
    const other = list.body.items.find((s) => !s.current)!;

    const alice = await signIn(test, 'alice', TEST_PASSWORD);
    expectApiError(
      await alice.request('DELETE', `/api/auth/sessions/${other.id}`),
      404,
      'not_found',
    );
    expectApiError(
      await alice.request('DELETE', '/api/auth/sessions/not-a-uuid'),
      404,
      'not_found',
    );
    expect((await second.get('/api/auth/me')).status).toBe(200);

    expect((await first.request('DELETE', `/api/auth/sessions/${other.id}`)).status).toBe(204);
    expectApiError(await second.get('/api/auth/me'), 401, 'unauthenticated');
    expect((await first.get('/api/auth/me')).status).toBe(200);
  });

  it('POST /api/auth/password: wrong current password 400 wrong_password; weak 400 weak_password; nothing changes', async () => {
    const bob = await signIn(test, 'bob', TEST_PASSWORD);
    expectApiError(
      await bob.post('/api/auth/password', {
        currentPassword: 'not-my-password',
        newPassword: 'a-brand-new-password',
      }),
      400,
      'wrong_password',
    );
    expectApiError(
      await bob.post('/api/auth/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: 'short',
      }),
      400,
      'weak_password',
    );
    await signIn(test, 'bob', TEST_PASSWORD);
    expect(await eventsOf(test, users.bob.id, 'user.password_changed')).toHaveLength(0);
  });

  it('changing the password ends every other session and keeps this one', async () => {
    const here = await signIn(test, 'bob', TEST_PASSWORD);
    const elsewhere = await signIn(test, 'bob', TEST_PASSWORD);
    const res = await here.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'bobs-new-long-password',
    });
    expect(res.status).toBe(204);
    expect((await here.get('/api/auth/me')).status).toBe(200);
    expectApiError(await elsewhere.get('/api/auth/me'), 401, 'unauthenticated');
    expect(await sessionCount(test, users.bob.id)).toBe(1);
    expect((await here.login('bob', TEST_PASSWORD)).status).toBe(401);
    await signIn(test, 'bob', 'bobs-new-long-password');
    const [event] = await eventsOf(test, users.bob.id, 'user.password_changed');
    expect(event.actor_id).toBe(users.bob.id);
  });

  it('records every password sign-in as user.signed_in (method password)', async () => {
    const before = (await eventsOf(test, users.alice.id, 'user.signed_in')).length;
    await signIn(test, 'alice', TEST_PASSWORD);
    const events = await eventsOf(test, users.alice.id, 'user.signed_in');
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)!.details).toEqual({ method: 'password' });
  });
});
