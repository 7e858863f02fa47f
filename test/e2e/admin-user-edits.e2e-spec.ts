import type { UserSummary } from '@feedpass/contracts';
import { seedAcmeAndGlobex, type AcmeAndGlobex } from '../setup/acme-globex';
import { eventsOf, lastMailTo, linkIn } from '../setup/account-helpers';
import { createUser, expectApiError, signIn, sql } from '../setup/e2e-helpers';
import { PUBLIC_URL } from '../setup/expiry-helpers';
import { SmtpSink } from '../setup/smtp-sink';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

/** SPEC 13: admins edit users and send reset links; the last active admin stays an admin. */
describe('admins edit users (SPEC 13)', () => {
  let test: TestApp;
  let sink: SmtpSink;
  let cast: AcmeAndGlobex;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    test = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL });
    cast = await seedAcmeAndGlobex(test);
  });
  afterAll(async () => {
    await test.close();
    await sink.stop();
  });

  it('PATCH changes display name, email, role and time zone, recording from → to per field', async () => {
    const dave = await createUser(cast.clients.alice, 'dave');
    const res = await cast.clients.alice.patch<UserSummary>(`/api/admin/users/${dave.id}`, {
      displayName: 'Dave D.',
      email: 'dave@new.example.test',
      role: 'admin',
      timeZone: 'Europe/Berlin',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      displayName: 'Dave D.',
      email: 'dave@new.example.test',
      role: 'admin',
      timeZone: 'Europe/Berlin',
    });
    const [event] = await eventsOf(test, dave.id, 'user.updated');
    expect(event.actor_id).toBe(cast.users.alice.id);
    expect(event.details.changes).toEqual({
      displayName: { from: 'dave', to: 'Dave D.' },
      email: { from: 'dave@example.test', to: 'dave@new.example.test' },
      role: { from: 'user', to: 'admin' },
      timeZone: { from: 'UTC', to: 'Europe/Berlin' },
    });
    // An edit that changes nothing records nothing.
    await cast.clients.alice.patch(`/api/admin/users/${dave.id}`, { displayName: 'Dave D.' });
    expect(await eventsOf(test, dave.id, 'user.updated')).toHaveLength(1);
    // Alice stays Acme's only admin for the tests below.
    await cast.clients.alice.post(`/api/admin/users/${dave.id}/deactivate`);
  });

  it('refuses bad input (400) and another tenant’s user (404), changing nothing', async () => {
    expectApiError(
      await cast.clients.alice.patch(`/api/admin/users/${cast.users.bob.id}`, {
        timeZone: 'Mars/Olympus',
      }),
      400,
      'validation_failed',
    );
    expectApiError(
      await cast.clients.alice.patch(`/api/admin/users/${cast.users.bob.id}`, { role: 'owner' }),
      400,
      'validation_failed',
    );
    expectApiError(
      await cast.clients.alice.patch(`/api/admin/users/${cast.users.hank.id}`, {
        displayName: 'x',
      }),
      404,
      'not_found',
    );
    expectApiError(
      await cast.clients.bob.patch(`/api/admin/users/${cast.users.carol.id}`, { displayName: 'x' }),
      403,
      'forbidden',
    );
    const [hank] = await sql<{ display_name: string }>(
      test,
      'select display_name from app_user where id = ?',
      [cast.users.hank.id],
    );
    expect(hank.display_name).toBe('hank');
  });

  it('the last active admin can be neither demoted nor (by anyone) deactivated: 400 last_admin', async () => {
    // Globex has one admin, gina.
    expectApiError(
      await cast.clients.gina.patch(`/api/admin/users/${cast.users.gina.id}`, { role: 'user' }),
      400,
      'last_admin',
    );
    const [gina] = await sql<{ role: string }>(test, 'select role from app_user where id = ?', [
      cast.users.gina.id,
    ]);
    expect(gina.role).toBe('admin');
    // With a second admin, demoting oneself is fine.
    const second = await createUser(cast.clients.gina, 'globex-second', { role: 'admin' });
    const ok = await cast.clients.gina.patch<UserSummary>(
      `/api/admin/users/${cast.users.gina.id}`,
      {
        role: 'user',
      },
    );
    expect(ok.body.role).toBe('user');
    const secondClient = await signIn(test, 'globex-second', TEST_PASSWORD);
    expectApiError(
      await secondClient.patch(`/api/admin/users/${second.id}`, { role: 'user' }),
      400,
      'last_admin',
    );
    // Restore gina for the other tests.
    expect(
      (await secondClient.patch(`/api/admin/users/${cast.users.gina.id}`, { role: 'admin' }))
        .status,
    ).toBe(200);
    cast.clients.gina = await signIn(test, 'gina', TEST_PASSWORD);
  });

  it('two concurrent demotions of a tenant’s two admins: exactly one passes, one admin is left', async () => {
    for (let round = 0; round < 3; round++) {
      const tenant = await sql<{ id: string }>(test, "select id from tenant where name = 'Acme'");
      const a = await createUser(cast.clients.alice, `race-a-${round}`, { role: 'admin' });
      const b = await createUser(cast.clients.alice, `race-b-${round}`, { role: 'admin' });
      // Alice steps down so that a and b are Acme's only admins.
      const clientA = await signIn(test, a.username, TEST_PASSWORD);
      const clientB = await signIn(test, b.username, TEST_PASSWORD);
      expect(
        (await clientA.patch(`/api/admin/users/${cast.users.alice.id}`, { role: 'user' })).status,
      ).toBe(200);
      const [resA, resB] = await Promise.all([
        clientA.patch(`/api/admin/users/${b.id}`, { role: 'user' }),
        clientB.patch(`/api/admin/users/${a.id}`, { role: 'user' }),
      ]);
      // The loser either waited on the tenant lock and found itself the last admin (400
      // last_admin), or arrived after the winner committed and is no admin any more (403).
      const statuses = [resA.status, resB.status].sort();
      expect([
        [200, 400],
        [200, 403],
      ]).toContainEqual(statuses);
      const loser = resA.status === 200 ? resB : resA;
      expect((loser.body as { code: string }).code).toBe(
        loser.status === 400 ? 'last_admin' : 'forbidden',
      );
      const [{ n }] = await sql<{ n: number }>(
        test,
        "select count(*)::int as n from app_user where tenant_id = ? and role = 'admin' and status = 'active'",
        [tenant[0].id],
      );
      expect(n).toBe(1);
      // Put alice back as an admin and retire the pair.
      const survivor = resA.status === 200 ? clientA : clientB;
      expect(
        (await survivor.patch(`/api/admin/users/${cast.users.alice.id}`, { role: 'admin' })).status,
      ).toBe(200);
      cast.clients.alice = await signIn(test, 'alice', TEST_PASSWORD);
      for (const u of [a, b]) {
        await cast.clients.alice.patch(`/api/admin/users/${u.id}`, { role: 'user' });
        await cast.clients.alice.post(`/api/admin/users/${u.id}/deactivate`);
      }
    }
  });

  it('POST :id/password-reset emails the user a reset link (202) that works', async () => {
    const res = await cast.clients.alice.post(
      `/api/admin/users/${cast.users.carol.id}/password-reset`,
    );
    expect(res.status).toBe(202);
    const mail = await lastMailTo(test, sink, 'carol@example.test');
    const { page, secret } = linkIn(mail);
    expect(page).toBe('reset-password');
    const done = await cast.clients.carol.post('/api/auth/password-reset/complete', {
      token: secret,
      newPassword: 'carols-new-password',
    });
    expect(done.status).toBe(204);
    await signIn(test, 'carol', 'carols-new-password');
    expectApiError(
      await cast.clients.alice.post(`/api/admin/users/${cast.users.hank.id}/password-reset`),
      404,
      'not_found',
    );
  });
});
