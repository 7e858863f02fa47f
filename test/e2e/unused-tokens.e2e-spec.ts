import pg from 'pg';
import type {
  HistoryPage,
  Policy,
  PolicyUpdateResult,
  TokenList,
  UpdatePolicyRequest,
} from '@feedpass/contracts';
import { isoTimeSql, unusedSql } from '@feedpass/domain';
import { executeNamed } from '../../apps/api/src/database/sql';
import { noticeKind } from '../../apps/api/src/mail/notice-kinds';
import { NoticeRepository } from '../../apps/api/src/mail/notice.repository';
import { backoff } from '../../apps/api/src/mail/outbox.dispatcher';
import type { ApiClient } from '../setup/api-client';
import { expectApiError, HOUR, MINUTE, signIn, sql } from '../setup/e2e-helpers';
import {
  addDays,
  addMs,
  eventCount,
  mintExpiring,
  newAcmeUser,
  nextStart,
  noticesOf,
  outboxOf,
  PUBLIC_URL,
  runJob,
  runJobAt,
  startMailingApp,
  type Minted,
} from '../setup/expiry-helpers';
import {
  createDataSource,
  feedGet,
  feedPath,
  mintCredentials,
  seedDemoSchema,
} from '../setup/odata-helpers';
import type { ReceivedMail, SmtpSink } from '../setup/smtp-sink';
import {
  seedTenant,
  startAppOn,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';
import { put, setPolicy, tokenEvents, tokenRow } from '../setup/token-helpers';

/**
 * Unused tokens (SPEC 12): the tenant policy's `revokeUnusedAfterDays`, the expiry job's
 * warnings `notifyDaysBefore` ahead and its revocations (reason `unused`), with the
 * guarantees of SPEC 5: once per notice across instances, nothing half-done after a failed
 * sweep, nothing lost while the SMTP server is down.
 */
const DAYS = 30;
const ACME_POLICY: UpdatePolicyRequest = {
  mode: 'none',
  lifetimeDays: null,
  notifyDaysBefore: [7, 1],
  revokeUnusedAfterDays: DAYS,
};

/** Subject, text and HTML of an email, for "mentions" checks. */
const whole = (mail: ReceivedMail) => `${mail.subject}\n${mail.text}\n${mail.html}`;
const TOKENS_LINK = `${PUBLIC_URL}/tokens`;

/** The email warns that these tokens will be revoked as unused, with a link to act on. */
function expectWarning(mail: ReceivedMail, labels: string[]): void {
  for (const part of [mail.text, mail.html]) {
    for (const label of labels) expect(part).toContain(label);
    expect(part).toMatch(/will be revoked/);
    expect(part).toMatch(/unused|not used|nobody (has )?used/i);
    expect(part).toContain(TOKENS_LINK);
  }
}

/** The email says these tokens were revoked as unused, with a link to act on. */
function expectRevoked(mail: ReceivedMail, labels: string[]): void {
  for (const part of [mail.text, mail.html]) {
    for (const label of labels) expect(part).toContain(label);
    expect(part).toMatch(/was revoked|were revoked/);
    expect(part).toMatch(/unused|not used/i);
    expect(part).toContain(TOKENS_LINK);
  }
}

describe('unused tokens (SPEC 12)', () => {
  let sink: SmtpSink;
  let test: TestApp;
  let env: Record<string, string>;
  let close: () => Promise<void>;
  /** Another tenant, whose policy leaves revokeUnusedAfterDays off (the default). */
  let globex: Record<'gadmin' | 'guser', SeededUser>;

  beforeAll(async () => {
    ({ sink, test, env, close } = await startMailingApp());
    // The source tables for the feed (before any catalog request: the catalog is cached).
    await seedDemoSchema(test, { deals: 1 });
    ({ users: globex } = await seedTenant(test, 'Globex', [
      { username: 'gadmin', role: 'admin' },
      { username: 'guser' },
    ]));
  });
  afterAll(() => close());

  const acmeAdmin = () => signIn(test, 'alice', TEST_PASSWORD);
  const kindsOf = async (ownerId: string, tokenId: string) =>
    (await noticesOf(test, ownerId)).filter((n) => n.token_id === tokenId).map((n) => n.kind);
  const createdAt = async (token: Minted) => new Date((await tokenRow(test, token.id)).created_at);
  const lastUsedAt = async (token: Minted) => {
    const { last_used_at } = await tokenRow(test, token.id);
    return last_used_at && new Date(last_used_at);
  };

  describe('the SQL of the rule (unusedSql, isoTimeSql)', () => {
    it('counts days of 24 hours across a daylight-saving change and spells times as toISOString does, in any session time zone', async () => {
      // Berlin moves its clocks on 28 March 2027: `interval '1 day'` would follow it.
      const db = new pg.Client({
        connectionString: test.databaseUrl,
        options: '-c timezone=Europe/Berlin',
      });
      await db.connect();
      try {
        const minted = new Date('2027-03-01T12:00:00.000Z');
        const used = new Date('2027-03-20T08:30:00.123Z');
        const now = new Date('2027-05-30T12:00:00.000Z');
        const { rows } = await db.query<Record<string, string>>(
          `select ${isoTimeSql(unusedSql.lastUse('t'))} as last_use,
                  ${isoTimeSql(unusedSql.revokesAt('t', '90'))} as revokes_at,
                  ${isoTimeSql(unusedSql.lastUseBefore('$1::timestamptz', '90'))} as last_use_before
             from (values ($2::timestamptz, null::timestamptz), ($2, $3::timestamptz))
                  as t (created_at, last_used_at)`,
          [now, minted, used],
        );
        expect(rows).toEqual([
          {
            last_use: minted.toISOString(),
            revokes_at: '2027-05-30T12:00:00.000Z',
            last_use_before: minted.toISOString(),
          },
          {
            last_use: used.toISOString(),
            revokes_at: '2027-06-18T08:30:00.123Z',
            last_use_before: minted.toISOString(),
          },
        ]);
      } finally {
        await db.end();
      }
    });
  });

  describe('the policy API: revokeUnusedAfterDays', () => {
    let gadmin: ApiClient;
    let guser: ApiClient;
    const base: UpdatePolicyRequest = {
      mode: 'none',
      lifetimeDays: null,
      notifyDaysBefore: [7, 1],
    };
    const getPolicy = async (client: ApiClient) => (await client.get<Policy>('/api/policy')).body;
    const changes = async () =>
      (await gadmin.get<HistoryPage>('/api/admin/history?type=policy.changed')).body.items;

    beforeAll(async () => {
      [gadmin, guser] = await Promise.all(
        ['gadmin', 'guser'].map((u) => signIn(test, u, TEST_PASSWORD)),
      );
    });

    it('is off (null) by default', async () => {
      expect((await getPolicy(guser)).revokeUnusedAfterDays).toBeNull();
    });

    it.each<[string, unknown]>([
      ['6 (below 7)', 6],
      ['3651 (above 3650)', 3651],
      ['7.5 (not whole)', 7.5],
      ['"30" (a string)', '30'],
      ['0', 0],
      ['-30', -30],
      ['true', true],
    ])(
      'refuses %s with 400 invalid_policy naming the field, changing nothing',
      async (_n, days) => {
        const res = await put(gadmin, '/api/admin/policy', {
          ...base,
          revokeUnusedAfterDays: days,
        });
        const error = expectApiError(res, 400, 'invalid_policy');
        expect(error.message).toContain('revokeUnusedAfterDays');
        expect(error.message).toContain('7 to 3650');
        expect((await getPolicy(guser)).revokeUnusedAfterDays).toBeNull();
        expect(await changes()).toEqual([]);
      },
    );

    it('needs an admin: 403 for a user', async () => {
      const res = await put(guser, '/api/admin/policy', { ...base, revokeUnusedAfterDays: 30 });
      expect(res.status).toBe(403);
    });

    it('sets it (7 and 3650 included), keeps it when omitted, turns it off with null; each change in history with from and to', async () => {
      for (const days of [7, 3650, 90]) {
        const res = await put<PolicyUpdateResult>(gadmin, '/api/admin/policy', {
          ...base,
          revokeUnusedAfterDays: days,
        });
        expect(res.status).toBe(200);
        expect(res.body.revokeUnusedAfterDays).toBe(days);
      }
      // Every user of the tenant reads it; Acme (another tenant) does not.
      expect((await getPolicy(guser)).revokeUnusedAfterDays).toBe(90);
      expect((await getPolicy(await acmeAdmin())).revokeUnusedAfterDays).toBeNull();

      // Omitted: unchanged, whatever else changes.
      const kept = await setPolicy(gadmin, {
        mode: 'max',
        lifetimeDays: 60,
        notifyDaysBefore: [14],
      });
      expect(kept).toMatchObject({ mode: 'max', revokeUnusedAfterDays: 90 });
      expect(await getPolicy(guser)).toMatchObject({ mode: 'max', revokeUnusedAfterDays: 90 });

      // Null: off.
      const off = await setPolicy(gadmin, { ...base, revokeUnusedAfterDays: null });
      expect(off.revokeUnusedAfterDays).toBeNull();
      expect((await getPolicy(guser)).revokeUnusedAfterDays).toBeNull();

      const [last, omitted, third] = await changes();
      expect(last.details).toMatchObject({
        from: { mode: 'max', lifetimeDays: 60, notifyDaysBefore: [14], revokeUnusedAfterDays: 90 },
        to: { ...base, revokeUnusedAfterDays: null },
      });
      expect(omitted.details).toMatchObject({
        from: { ...base, revokeUnusedAfterDays: 90 },
        to: { mode: 'max', lifetimeDays: 60, notifyDaysBefore: [14], revokeUnusedAfterDays: 90 },
      });
      expect(third.details).toMatchObject({
        from: { revokeUnusedAfterDays: 3650 },
        to: { revokeUnusedAfterDays: 90 },
      });
      expect((await changes()).length).toBe(5);
    });
  });

  describe('the job', () => {
    beforeAll(async () => {
      await setPolicy(await acmeAdmin(), ACME_POLICY);
    });

    let start: Date;
    beforeEach(async () => {
      start = await nextStart(test);
    });

    const jobAt = (at: Date) => runJobAt(test, at);
    const newUser = (username: string) => newAcmeUser(test, username);
    const statusOf = async (username: string, id: string) =>
      (
        await (await signIn(test, username, TEST_PASSWORD)).get<TokenList>('/api/tokens')
      ).body.items.find((t) => t.id === id);

    describe('thresholds', () => {
      it(`a never-used token: warned ${DAYS - 7} and ${DAYS - 1} days after minting, revoked at ${DAYS} days (reason unused, history, email), then silence`, async () => {
        const { user: una, client } = await newUser('una');
        const token = await mintExpiring(client, 'Una idle');
        const minted = await createdAt(token);

        // Before the 7-day threshold: nothing.
        await jobAt(addMs(addDays(minted, DAYS - 7), -MINUTE));
        expect(sink.for(una.email)).toHaveLength(0);

        // At it: one email.
        const first = await jobAt(addDays(minted, DAYS - 7));
        expect(first.sweep).toMatchObject({ ran: true, unused: 0 });
        expect(first.sweep.notices).toBeGreaterThanOrEqual(1);
        expect(sink.for(una.email)).toHaveLength(1);
        expectWarning(sink.for(una.email)[0], ['Una idle']);
        const [notice] = await sql<{ kind: string; details: unknown }>(
          test,
          'select kind, details from token_notice where token_id = ?',
          [token.id],
        );
        expect(notice).toEqual({
          kind: noticeKind.unusedBefore(7, minted),
          details: { revokesAt: addDays(minted, DAYS).toISOString(), lastUsedAt: null },
        });

        // Again, and later that day: nothing more.
        await jobAt(addDays(minted, DAYS - 7));
        await jobAt(addMs(addDays(minted, DAYS - 7), 6 * HOUR));
        expect(sink.for(una.email)).toHaveLength(1);

        // The 1-day threshold.
        await jobAt(addMs(addDays(minted, DAYS - 1), -MINUTE));
        expect(sink.for(una.email)).toHaveLength(1);
        await jobAt(addDays(minted, DAYS - 1));
        await jobAt(addMs(addDays(minted, DAYS - 1), MINUTE));
        expect(sink.for(una.email)).toHaveLength(2);
        expectWarning(sink.for(una.email)[1], ['Una idle']);

        // Still active until the moment itself.
        await jobAt(addMs(addDays(minted, DAYS), -1));
        expect((await statusOf('una', token.id))?.status).toBe('active');
        expect(await eventCount(test, token.id, 'token.revoked')).toBe(0);

        // Revoked exactly at 30 days of 24 hours.
        const at = addDays(minted, DAYS);
        const revoked = await jobAt(at);
        expect(revoked.sweep.unused).toBeGreaterThanOrEqual(1);
        const row = await tokenRow(test, token.id);
        expect(row).toMatchObject({ revoke_reason: 'unused' });
        expect(new Date(row.revoked_at!).getTime()).toBe(at.getTime());
        expect(await statusOf('una', token.id)).toMatchObject({
          status: 'revoked',
          revokeReason: 'unused',
        });
        const events = await tokenEvents(test, token.id, 'token.revoked');
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          actor_id: null,
          subject_user_id: una.id,
          token_label: 'Una idle',
          details: { reason: 'unused', lastUsedAt: null, days: DAYS },
        });
        expect(new Date(events[0].occurred_at).getTime()).toBe(at.getTime());
        expect(sink.for(una.email)).toHaveLength(3);
        expectRevoked(sink.for(una.email)[2], ['Una idle']);
        // Admins read it in the history too, as done by the system.
        const history = await (
          await acmeAdmin()
        ).get<HistoryPage>(`/api/admin/history?type=token.revoked&userId=${una.id}`);
        expect(history.body.items).toEqual([
          expect.objectContaining({
            actor: null,
            token: { id: token.id, label: 'Una idle' },
            details: { reason: 'unused', lastUsedAt: null, days: DAYS },
          }),
        ]);

        // Then silence.
        for (const later of [addMs(at, MINUTE), addDays(at, 1), addDays(at, DAYS + 1)])
          await jobAt(later);
        expect(sink.for(una.email)).toHaveLength(3);
        expect((await kindsOf(una.id, token.id)).sort()).toEqual(
          [noticeKind.unusedBefore(1, minted), noticeKind.unusedBefore(7, minted), 'unused'].sort(),
        );
        expect(await eventCount(test, token.id, 'token.revoked')).toBe(1);
      });

      it('a token used through the feed in between: no more warnings of the old round, not revoked; idle again, a fresh round counted from that use', async () => {
        const { user: vic, client } = await newUser('vic');
        const source = await createDataSource(client, 'Vic deals', ['deals']);
        const { id, credentials } = await mintCredentials(client, 'vic', 'Vic feed');
        const token = { id, value: credentials.token };
        const minted = await createdAt(token);

        await jobAt(addDays(minted, DAYS - 7));
        expect(sink.for(vic.email)).toHaveLength(1);
        expectWarning(sink.for(vic.email)[0], ['Vic feed']);

        // A Power BI refresh uses it 25 days after minting.
        const used = addDays(minted, 25);
        test.clock.set(used);
        const read = await feedGet(test, `${feedPath(source)}Deals`, { credentials });
        expect(read.status).toBe(200);
        expect(await lastUsedAt(token)).toEqual(used);

        // The old round's 1-day warning and revocation do not come.
        for (const at of [
          addDays(minted, DAYS - 1),
          addDays(minted, DAYS),
          addDays(minted, DAYS + 1),
        ])
          await jobAt(at);
        expect(sink.for(vic.email)).toHaveLength(1);
        expect((await statusOf('vic', token.id))?.status).toBe('active');

        // Counted from the use: 7 days before, 1 day before, then revoked.
        await jobAt(addMs(addDays(used, DAYS - 7), -MINUTE));
        expect(sink.for(vic.email)).toHaveLength(1);
        await jobAt(addDays(used, DAYS - 7));
        expect(sink.for(vic.email)).toHaveLength(2);
        expectWarning(sink.for(vic.email)[1], ['Vic feed']);
        await jobAt(addDays(used, DAYS - 1));
        expect(sink.for(vic.email)).toHaveLength(3);
        await jobAt(addDays(used, DAYS));
        expect(sink.for(vic.email)).toHaveLength(4);
        expectRevoked(sink.for(vic.email)[3], ['Vic feed']);
        const [event] = await tokenEvents(test, token.id, 'token.revoked');
        expect(event.details).toEqual({
          reason: 'unused',
          lastUsedAt: used.toISOString(),
          days: DAYS,
        });
        expect((await kindsOf(vic.id, token.id)).sort()).toEqual(
          [
            noticeKind.unusedBefore(1, used),
            noticeKind.unusedBefore(7, minted),
            noticeKind.unusedBefore(7, used),
            'unused',
          ].sort(),
        );
        // A revoked token is refused by the feed.
        expect((await feedGet(test, `${feedPath(source)}Deals`, { credentials })).status).toBe(401);
      });

      it('a job that was down over both thresholds sends ONE warning, the nearest one', async () => {
        const { user: wyn, client } = await newUser('wyn');
        const token = await mintExpiring(client, 'Wyn catch up');
        const minted = await createdAt(token);
        await jobAt(addMs(addDays(minted, DAYS - 1), HOUR));
        expect(sink.for(wyn.email)).toHaveLength(1);
        expect(await kindsOf(wyn.id, token.id)).toEqual([noticeKind.unusedBefore(1, minted)]);
        await jobAt(addMs(addDays(minted, DAYS - 1), 2 * HOUR));
        expect(sink.for(wyn.email)).toHaveLength(1);
      });

      it('thresholds not shorter than the stretch never warn: revoked after 7 days with [7, 1], warned only 1 day before', async () => {
        await setPolicy(await acmeAdmin(), { ...ACME_POLICY, revokeUnusedAfterDays: 7 });
        try {
          const { user: ida, client } = await newUser('ida');
          const token = await mintExpiring(client, 'Ida short');
          const minted = await createdAt(token);

          // The 7-day threshold is reached at minting, but it is the whole stretch: no warning,
          // then or later.
          for (const at of [minted, addMs(minted, MINUTE), addDays(minted, 1)]) await jobAt(at);
          await jobAt(addMs(addDays(minted, 6), -MINUTE));
          expect(sink.for(ida.email)).toHaveLength(0);
          expect(await kindsOf(ida.id, token.id)).toEqual([]);

          // Day 6: the 1-day warning, alone.
          await jobAt(addDays(minted, 6));
          await jobAt(addMs(addDays(minted, 6), HOUR));
          expect(sink.for(ida.email)).toHaveLength(1);
          expectWarning(sink.for(ida.email)[0], ['Ida short']);
          expect(await kindsOf(ida.id, token.id)).toEqual([noticeKind.unusedBefore(1, minted)]);

          // Day 7: revoked.
          await jobAt(addMs(addDays(minted, 7), -1));
          expect((await statusOf('ida', token.id))?.status).toBe('active');
          const at = addDays(minted, 7);
          await jobAt(at);
          const row = await tokenRow(test, token.id);
          expect(row.revoke_reason).toBe('unused');
          expect(new Date(row.revoked_at!).getTime()).toBe(at.getTime());
          const [event] = await tokenEvents(test, token.id, 'token.revoked');
          expect(event.details).toEqual({ reason: 'unused', lastUsedAt: null, days: 7 });
          expect(sink.for(ida.email)).toHaveLength(2);
          expectRevoked(sink.for(ida.email)[1], ['Ida short']);
          expect((await kindsOf(ida.id, token.id)).sort()).toEqual(
            [noticeKind.unusedBefore(1, minted), 'unused'].sort(),
          );
        } finally {
          await setPolicy(await acmeAdmin(), ACME_POLICY);
        }
      });

      it('a token that expires before it would be revoked gets its expiry notices only', async () => {
        const { user: wes, client } = await newUser('wes');
        const token = await mintExpiring(client, 'Wes expiring', addDays(start, DAYS - 5));
        for (const day of [DAYS - 12, DAYS - 7, DAYS - 6, DAYS - 5, DAYS - 1, DAYS, DAYS + 1])
          await jobAt(addMs(addDays(start, day), MINUTE));
        expect((await kindsOf(wes.id, token.id)).sort()).toEqual([
          'before:1',
          'before:7',
          'expired',
        ]);
        expect(await eventCount(test, token.id, 'token.revoked')).toBe(0);
        expect((await tokenRow(test, token.id)).revoked_at).toBeNull();
        expect(whole(sink.for(wes.email).at(-1)!)).toContain('has expired');
      });

      it('one owner, one run: an unused warning and an expiry notice go out in ONE email', async () => {
        const { user: xia, client } = await newUser('xia');
        const idle = await mintExpiring(client, 'Xia idle');
        // Expires when the idle one would be revoked: only expiry notices for it.
        const expiring = await mintExpiring(client, 'Xia expiring', addDays(start, DAYS));
        const run = await jobAt(addDays(start, DAYS - 7));
        expect(run.sweep.notices).toBeGreaterThanOrEqual(2);
        const mails = sink.for(xia.email);
        expect(mails).toHaveLength(1);
        expect(mails[0].subject).toBe('2 of your feedpass access tokens need attention');
        for (const part of [mails[0].text, mails[0].html]) {
          expect(part).toContain('Xia idle');
          expect(part).toContain('Xia expiring');
          expect(part).toMatch(/will be revoked/);
          expect(part).toContain(`${PUBLIC_URL}/tokens?rotate=${expiring.id}`);
        }
        const notices = await noticesOf(test, xia.id);
        expect(notices.map((n) => n.kind).sort()).toEqual(
          ['before:7', noticeKind.unusedBefore(7, await createdAt(idle))].sort(),
        );
        expect(new Set(notices.map((n) => n.outbox_id)).size).toBe(1);
      });

      it('off (null): nothing is revoked; turned on, a token idle longer already is revoked at the next run, with its email', async () => {
        const admin = await acmeAdmin();
        await setPolicy(admin, { ...ACME_POLICY, revokeUnusedAfterDays: null });
        try {
          const { user: yan, client } = await newUser('yan');
          const token = await mintExpiring(client, 'Yan kept');
          for (const day of [DAYS - 7, DAYS - 1, DAYS, 2 * DAYS]) await jobAt(addDays(start, day));
          expect(sink.for(yan.email)).toHaveLength(0);
          expect((await tokenRow(test, token.id)).revoked_at).toBeNull();

          await setPolicy(await acmeAdmin(), ACME_POLICY);
          const at = addMs(addDays(start, 2 * DAYS), MINUTE);
          await jobAt(at);
          expect((await tokenRow(test, token.id)).revoke_reason).toBe('unused');
          expect(sink.for(yan.email)).toHaveLength(1);
          expectRevoked(sink.for(yan.email)[0], ['Yan kept']);
        } finally {
          await setPolicy(await acmeAdmin(), ACME_POLICY);
        }
      });
    });

    describe('isolation', () => {
      it("does not revoke another tenant's idle token", async () => {
        const guser = await signIn(test, 'guser', TEST_PASSWORD);
        // Globex leaves the setting off; Acme's is on (ACME_POLICY).
        expect((await guser.get<Policy>('/api/policy')).body.revokeUnusedAfterDays).toBeNull();
        const kept = await mintExpiring(guser, 'Globex idle');
        const { user: kim, client } = await newUser('kim');
        const revoked = await mintExpiring(client, 'Acme idle');
        const minted = await createdAt(kept);

        for (const day of [DAYS - 7, DAYS - 1, DAYS, DAYS + 1, 2 * DAYS])
          await jobAt(addMs(addDays(minted, day), MINUTE));

        // The same runs revoked Acme's token, idle as long.
        expect((await tokenRow(test, revoked.id)).revoke_reason).toBe('unused');
        expect(sink.for(kim.email)).toHaveLength(3);
        // Globex's is active, with no notice, no event and no email.
        const row = await tokenRow(test, kept.id);
        expect(row).toMatchObject({ revoked_at: null, revoke_reason: null, expired_at: null });
        const listed = (
          await (await signIn(test, 'guser', TEST_PASSWORD)).get<TokenList>('/api/tokens')
        ).body.items.find((t) => t.id === kept.id);
        expect(listed?.status).toBe('active');
        expect(await noticesOf(test, globex.guser.id)).toEqual([]);
        expect(await tokenEvents(test, kept.id, 'token.revoked')).toEqual([]);
        expect(sink.for(`${globex.guser.username}@example.test`)).toHaveLength(0);
      });
    });

    describe('exactly once', () => {
      it('two instances on one database running the job at the same moments: each warning, revocation and email once', async () => {
        const second = await startAppOn(test.databaseUrl, env, test.clock);
        try {
          const owners = await Promise.all(['ann', 'ben', 'cai', 'dee', 'eli', 'fox'].map(newUser));
          const tokens = (
            await Promise.all(
              owners.map(async ({ client, user }) => [
                await mintExpiring(client, `${user.username} one`),
                await mintExpiring(client, `${user.username} two`),
              ]),
            )
          ).flat();
          const minted = await Promise.all(tokens.map(createdAt));
          const latest = new Date(Math.max(...minted.map((d) => d.getTime())));

          const both = async (at: Date) => {
            test.clock.set(at);
            const results = await Promise.all([
              runJob(test, at),
              runJob(second, at),
              runJob(test, at),
              runJob(second, at),
            ]);
            return {
              ran: results.filter((r) => r.sweep.ran).length > 0,
              unused: results.reduce((n, r) => n + r.sweep.unused, 0),
              notices: results.reduce((n, r) => n + r.sweep.notices, 0),
              sent: results.reduce((n, r) => n + r.outbox.sent, 0),
            };
          };
          expect(await both(addMs(addDays(latest, DAYS - 7), MINUTE))).toEqual({
            ran: true,
            unused: 0,
            notices: 12,
            sent: 6,
          });
          expect(await both(addMs(addDays(latest, DAYS - 1), MINUTE))).toEqual({
            ran: true,
            unused: 0,
            notices: 12,
            sent: 6,
          });
          expect(await both(addMs(addDays(latest, DAYS), MINUTE))).toEqual({
            ran: true,
            unused: 12,
            notices: 12,
            sent: 6,
          });
          expect(await both(addMs(addDays(latest, DAYS), HOUR))).toMatchObject({
            unused: 0,
            notices: 0,
            sent: 0,
          });

          for (const { user } of owners) {
            const mails = sink.for(user.email);
            expect(mails).toHaveLength(3);
            expectWarning(mails[0], [`${user.username} one`, `${user.username} two`]);
            expectWarning(mails[1], [`${user.username} one`, `${user.username} two`]);
            expectRevoked(mails[2], [`${user.username} one`, `${user.username} two`]);
          }
          for (const token of tokens) {
            expect(await eventCount(test, token.id, 'token.revoked')).toBe(1);
          }
          const duplicates = await sql(
            test,
            'select token_id, kind from token_notice group by token_id, kind having count(*) > 1',
          );
          expect(duplicates).toEqual([]);
          const [{ n }] = await sql<{ n: number }>(
            test,
            `select count(*)::int as n from token_notice where token_id in (${tokens.map(() => '?').join(',')})`,
            tokens.map((t) => t.id),
          );
          expect(n).toBe(36);
        } finally {
          await second.close();
        }
      });

      it('a sweep whose last statement fails leaves nothing half-done (no revocation, event, notice or email); the next run does all of it once', async () => {
        const { user: yul, client } = await newUser('yul');
        const idle = await mintExpiring(client, 'Yul idle');
        test.clock.set(addDays(start, 7));
        const younger = await mintExpiring(await signIn(test, 'yul', TEST_PASSWORD), 'Yul younger');
        const ending = await mintExpiring(
          await signIn(test, 'yul', TEST_PASSWORD),
          'Yul ending',
          addMs(addDays(start, DAYS), -MINUTE),
        );
        // Everything due before the moment goes out first.
        const at = addDays(await createdAt(idle), DAYS);
        await jobAt(addMs(at, -HOUR));
        sink.clear();
        const notices = await noticesOf(test, yul.id);
        const outbox = await outboxOf(test, yul.id);

        // The last statement of the sweep (the unused warnings) fails in the database.
        const failing = jest
          .spyOn(NoticeRepository.prototype, 'queueUnusedNotices')
          .mockImplementationOnce(async (em) => {
            await executeNamed(em, 'select 1 / (select 0) as crash', {});
            throw new Error('unreachable');
          });
        try {
          await expect(runJobAt(test, at)).rejects.toThrow(/division by zero/);
        } finally {
          failing.mockRestore();
        }
        // Rolled back: the revocation and expiry that ran before it are not there.
        for (const token of [idle, younger, ending]) {
          const row = await tokenRow(test, token.id);
          expect(row.revoked_at).toBeNull();
          expect(row.expired_at).toBeNull();
          expect(await eventCount(test, token.id, 'token.revoked')).toBe(0);
          expect(await eventCount(test, token.id, 'token.expired')).toBe(0);
        }
        expect(await noticesOf(test, yul.id)).toEqual(notices);
        expect(await outboxOf(test, yul.id)).toEqual(outbox);
        expect(sink.for(yul.email)).toHaveLength(0);

        // The next run does it all, once; one email lists the three tokens.
        const next = await runJobAt(test, at);
        expect(next.sweep).toMatchObject({ ran: true });
        expect(next.sweep.unused).toBeGreaterThanOrEqual(1);
        expect(next.sweep.expired).toBeGreaterThanOrEqual(1);
        expect((await tokenRow(test, idle.id)).revoke_reason).toBe('unused');
        expect(await eventCount(test, idle.id, 'token.revoked')).toBe(1);
        expect(await eventCount(test, ending.id, 'token.expired')).toBe(1);
        expect(await kindsOf(yul.id, younger.id)).toEqual([
          noticeKind.unusedBefore(7, await createdAt(younger)),
        ]);
        expect(sink.for(yul.email)).toHaveLength(1);
        const mail = sink.for(yul.email)[0];
        for (const label of ['Yul idle', 'Yul younger', 'Yul ending'])
          expect(whole(mail)).toContain(label);
        await runJobAt(test, addMs(at, MINUTE));
        expect(sink.for(yul.email)).toHaveLength(1);
        expect(await eventCount(test, idle.id, 'token.revoked')).toBe(1);
      });

      it('SMTP down at the revocation: the token is revoked, the email stays queued and goes out once when the server is back', async () => {
        const { user: zed, client } = await newUser('zed');
        const token = await mintExpiring(client, 'Zed idle');
        const at = addDays(await createdAt(token), DAYS);
        await jobAt(addMs(at, -HOUR)); // the warnings go out while the server is up
        const warned = sink.for(zed.email).length;
        expect(warned).toBe(1);

        await sink.stop();
        try {
          const down = await jobAt(at);
          expect(down.sweep.unused).toBeGreaterThanOrEqual(1);
          expect(down.outbox.sent).toBe(0);
          expect((await tokenRow(test, token.id)).revoke_reason).toBe('unused');
          const queued = (await outboxOf(test, zed.id)).filter((o) => o.status !== 'sent');
          expect(queued).toHaveLength(1);
          expect(queued[0]).toMatchObject({ status: 'queued', attempts: 1, sent_at: null });
          expect(new Date(queued[0].next_attempt_at).getTime()).toBe(at.getTime() + backoff(1));
          // Retries before the server is back change nothing and lose nothing.
          await jobAt(addMs(at, backoff(1)));
          expect((await outboxOf(test, zed.id)).filter((o) => o.status === 'queued')).toHaveLength(
            1,
          );
        } finally {
          await sink.start();
        }
        const retry = addMs(at, backoff(1) + backoff(2));
        const back = await jobAt(retry);
        expect(back.outbox.sent).toBeGreaterThanOrEqual(1);
        expect(sink.for(zed.email)).toHaveLength(warned + 1);
        expectRevoked(sink.for(zed.email).at(-1)!, ['Zed idle']);
        for (const later of [addMs(retry, MINUTE), addDays(retry, 1)]) await jobAt(later);
        expect(sink.for(zed.email)).toHaveLength(warned + 1);
        expect((await outboxOf(test, zed.id)).map((o) => o.status)).toEqual(['sent', 'sent']);
        expect(await eventCount(test, token.id, 'token.revoked')).toBe(1);
      });
    });
  });
});
