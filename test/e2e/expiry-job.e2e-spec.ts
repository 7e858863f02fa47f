import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import type { PolicyUpdateResult, TokenList } from '@feedpass/contracts';
import { ExpirySweep } from '../../apps/api/src/expiry/expiry-sweep';
import { HOUR, MINUTE, signIn } from '../setup/e2e-helpers';
import {
  addDays,
  addMs,
  cliEnv,
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
import { SmtpSink, headerTo, type ReceivedMail } from '../setup/smtp-sink';
import { seedTenant, TEST_PASSWORD, type TestApp } from '../setup/test-app';
import { put, tokenEvents, type EventRow } from '../setup/token-helpers';

const ROOT = resolve(__dirname, '../..');

/** The token-facing lines of an email: its subject, text and HTML, for "mentions" checks. */
const whole = (mail: ReceivedMail) => `${mail.subject}\n${mail.text}\n${mail.html}`;

describe('expiry job and notices (SPEC 5)', () => {
  let sink: SmtpSink;
  let test: TestApp;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ sink, test, close } = await startMailingApp());
  });
  afterAll(() => close());

  let start: Date;
  beforeEach(async () => {
    start = await nextStart(test);
  });

  /** Moves the clock to `at` and runs the job there, as the scheduled tick would. */
  const jobAt = (at: Date) => runJobAt(test, at);
  /** A fresh admin session (sessions end after 7 idle days, and tests move days at a time). */
  const admin = () => signIn(test, 'alice', TEST_PASSWORD);
  const newUser = (username: string, extra: { timeZone?: string; displayName?: string } = {}) =>
    newAcmeUser(test, username, extra);
  const kinds = (events: EventRow[]) => events.map((e) => e.details.kind);

  describe('thresholds', () => {
    it('10 days of life, policy [7, 1]: one "7 days", one "1 day" and one "has expired" email, each once, at the right moments', async () => {
      const { user: bob, client } = await newUser('bob');
      const expires = addDays(start, 10);
      const token = await mintExpiring(client, 'Sales refresh', expires);

      // Before the 7-day threshold: nothing.
      await jobAt(addMs(addDays(expires, -7), -MINUTE));
      expect(sink.for(bob.email)).toHaveLength(0);

      // At it: exactly one email, about 7 days.
      const first = await jobAt(addDays(expires, -7));
      expect(first.sweep).toMatchObject({ ran: true, notices: 1, emails: 1 });
      expect(first.outbox.sent).toBe(1);
      expect(sink.for(bob.email)).toHaveLength(1);
      const [sevenDays] = sink.for(bob.email);
      expect(sevenDays.subject).toBe('Your feedpass access token "Sales refresh" expires soon');
      expect(sevenDays.text).toContain('"Sales refresh" expires in 7 days');
      expect(whole(sevenDays)).not.toMatch(/"Sales refresh" (expires in 1 day|has expired)/);

      // The same moment again, and later that day: nothing more.
      await jobAt(addDays(expires, -7));
      await jobAt(addMs(addDays(expires, -7), 6 * HOUR));
      expect(sink.for(bob.email)).toHaveLength(1);

      // Just before the 1-day threshold: still one. At it: the second email.
      await jobAt(addMs(addDays(expires, -1), -MINUTE));
      expect(sink.for(bob.email)).toHaveLength(1);
      await jobAt(addDays(expires, -1));
      await jobAt(addMs(addDays(expires, -1), MINUTE));
      expect(sink.for(bob.email)).toHaveLength(2);
      const oneDay = sink.for(bob.email)[1];
      expect(oneDay.text).toContain('"Sales refresh" expires in 1 day');
      expect(whole(oneDay)).not.toMatch(/7 days|"Sales refresh" has expired/);

      // The token is still active until its expiry; the job expires nothing early.
      expect(await eventCount(test, token.id, 'token.expired')).toBe(0);
      await jobAt(addMs(expires, -1));
      expect(sink.for(bob.email)).toHaveLength(2);

      // After the expiry: the third email, then silence.
      const afterExpiry = await jobAt(addMs(expires, MINUTE));
      expect(afterExpiry.sweep.expired).toBeGreaterThanOrEqual(1);
      expect(sink.for(bob.email)).toHaveLength(3);
      const expired = sink.for(bob.email)[2];
      expect(expired.subject).toBe('Your feedpass access token "Sales refresh" has expired');
      expect(expired.text).toContain('"Sales refresh" has expired');
      for (const later of [addMs(expires, 2 * MINUTE), addDays(expires, 1), addDays(expires, 8)])
        await jobAt(later);
      expect(sink.for(bob.email)).toHaveLength(3);

      // History: one token.expired, one token.expiry_notice_sent per notice, in order.
      const expiredEvents = await tokenEvents(test, token.id, 'token.expired');
      expect(expiredEvents).toHaveLength(1);
      expect(expiredEvents[0]).toMatchObject({
        actor_id: null,
        subject_user_id: bob.id,
        token_label: 'Sales refresh',
      });
      expect(new Date(expiredEvents[0].occurred_at).getTime()).toBeGreaterThanOrEqual(
        expires.getTime(),
      );
      const sent = await tokenEvents(test, token.id, 'token.expiry_notice_sent');
      expect(kinds(sent)).toEqual(['before:7', 'before:1', 'expired']);
      expect(
        sent.every((e) => e.subject_user_id === bob.id && e.token_label === 'Sales refresh'),
      ).toBe(true);
      expect((await noticesOf(test, bob.id)).map((n) => n.kind).sort()).toEqual([
        'before:1',
        'before:7',
        'expired',
      ]);
      expect((await outboxOf(test, bob.id)).map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);

      // The token reads as expired, and the sweep stamped it.
      const list = await (await signIn(test, 'bob', TEST_PASSWORD)).get<TokenList>('/api/tokens');
      expect(list.body.items.find((t) => t.id === token.id)?.status).toBe('expired');
      const [row] = await test.orm.em
        .getConnection()
        .execute<{ expired_at: Date | null; next_notice_at: Date | null }[]>(
          'select expired_at, next_notice_at from access_token where id = ?',
          [token.id],
        );
      expect(row.expired_at).not.toBeNull();
      expect(row.next_notice_at).toBeNull();
    });

    it('a token minted with only 3 days of life skips the 7-day threshold: "1 day" and "has expired" only', async () => {
      const { user: carl, client } = await newUser('carl');
      const expires = addDays(start, 3);
      const token = await mintExpiring(client, 'Short lived', expires);

      await jobAt(addMs(start, MINUTE));
      await jobAt(addDays(start, 1));
      expect(sink.for(carl.email)).toHaveLength(0);

      await jobAt(addDays(expires, -1));
      expect(sink.for(carl.email)).toHaveLength(1);
      expect(sink.for(carl.email)[0].text).toContain('"Short lived" expires in 1 day');

      await jobAt(addMs(expires, MINUTE));
      await jobAt(addDays(expires, 2));
      expect(sink.for(carl.email)).toHaveLength(2);
      expect(
        sink
          .for(carl.email)
          .map((m) => m.text)
          .join('\n'),
      ).not.toContain('7 days');
      expect(kinds(await tokenEvents(test, token.id, 'token.expiry_notice_sent'))).toEqual([
        'before:1',
        'expired',
      ]);
    });

    it('a job that was down over both thresholds catches up with ONE email: the nearest threshold and the time actually left, then the expired one', async () => {
      const { user: cora, client } = await newUser('cora');
      const expires = addDays(start, 10);
      const token = await mintExpiring(client, 'Catch up', expires);

      await jobAt(addMs(addDays(expires, -1), HOUR));
      expect(sink.for(cora.email)).toHaveLength(1);
      // Only the nearest threshold, with the time actually left: no stale "7 days".
      expect(sink.for(cora.email)[0].text).toContain('"Catch up" expires in 23 hours');
      expect(whole(sink.for(cora.email)[0])).not.toContain('7 days');
      expect(kinds(await tokenEvents(test, token.id, 'token.expiry_notice_sent'))).toEqual([
        'before:1',
      ]);

      await jobAt(addMs(expires, HOUR));
      expect(sink.for(cora.email)).toHaveLength(2);
      await jobAt(addMs(expires, 2 * HOUR));
      expect(sink.for(cora.email)).toHaveLength(2);
    });
  });

  describe('grouping', () => {
    it('two tokens of one owner due in the same run → ONE email listing both; another owner gets their own', async () => {
      const { user: dana, client: danaClient } = await newUser('dana');
      const { user: ed, client: edClient } = await newUser('ed');
      const expires = addDays(start, 10);
      const a = await mintExpiring(danaClient, 'Dana finance', expires);
      const b = await mintExpiring(danaClient, 'Dana sales', addMs(expires, 3 * HOUR));
      const c = await mintExpiring(edClient, 'Ed ops', addMs(expires, 2 * HOUR));

      const run = await jobAt(addMs(addDays(expires, -7), 4 * HOUR));
      expect(run.sweep).toMatchObject({ notices: 3, emails: 2 });
      expect(run.outbox.sent).toBe(2);

      const danaMail = sink.for(dana.email);
      expect(danaMail).toHaveLength(1);
      expect(headerTo(danaMail[0])).toEqual([dana.email]);
      expect(danaMail[0].subject).toBe('2 of your feedpass access tokens need attention');
      for (const part of [danaMail[0].text, danaMail[0].html]) {
        expect(part).toContain('Dana finance');
        expect(part).toContain('Dana sales');
        expect(part).toContain(`${PUBLIC_URL}/tokens?rotate=${a.id}`);
        expect(part).toContain(`${PUBLIC_URL}/tokens?rotate=${b.id}`);
        expect(part).not.toContain('Ed ops');
      }
      const edMail = sink.for(ed.email);
      expect(edMail).toHaveLength(1);
      expect(whole(edMail[0])).toContain('Ed ops');
      expect(whole(edMail[0])).toContain(`rotate=${c.id}`);
      expect(whole(edMail[0])).not.toContain('Dana');

      // One outbox email per owner, the notices of one owner pointing at it.
      const danaNotices = await noticesOf(test, dana.id);
      expect(danaNotices).toHaveLength(2);
      expect(new Set(danaNotices.map((n) => n.outbox_id)).size).toBe(1);
      expect(await outboxOf(test, dana.id)).toHaveLength(1);

      // Expired together: again one email each.
      await jobAt(addDays(expires, 1));
      expect(sink.for(dana.email)).toHaveLength(2);
      expect(sink.for(dana.email)[1].subject).toBe('2 of your feedpass access tokens have expired');
      expect(sink.for(ed.email)).toHaveLength(2);
    });
  });

  describe('grouping across notice kinds', () => {
    it('one owner, one run: a token that just expired and another reaching its 7-day threshold → ONE email with both', async () => {
      const { user: fred, client } = await newUser('fred');
      const run = addDays(start, 5);
      const ending = await mintExpiring(client, 'Fred ending', addMs(run, -MINUTE));
      const later = await mintExpiring(client, 'Fred later', addDays(run, 7));
      // The 1-day notice of the first one goes out on its own, the day before.
      await jobAt(addDays(run, -1));
      expect(sink.for(fred.email)).toHaveLength(1);

      const result = await jobAt(run);
      expect(result.sweep).toMatchObject({ notices: 2, emails: 1 });
      expect(sink.for(fred.email)).toHaveLength(2);
      const mail = sink.for(fred.email)[1];
      expect(mail.subject).toBe('2 of your feedpass access tokens need attention');
      expect(mail.text).toContain('"Fred ending" has expired');
      expect(mail.text).toContain('"Fred later" expires in 7 days');
      expect(
        new Set(
          (await noticesOf(test, fred.id))
            .filter((n) => n.kind !== 'before:1')
            .map((n) => n.outbox_id),
        ).size,
      ).toBe(1);
      expect([ending.id, later.id].every((id) => mail.text.includes(`rotate=${id}`))).toBe(true);
    });
  });

  describe('content', () => {
    it("text and HTML parts: labels (escaped in HTML), the exact expiry in the owner's zone, 401, the rotate link, the Power BI step, and no token value", async () => {
      const { user: fay, client } = await newUser('fay', {
        timeZone: 'Europe/Berlin',
        displayName: 'Fay <Ops>',
      });
      // A whole minute, and 22:30 UTC: in Berlin that is already the next day.
      const base = addDays(start, 10);
      const expires = new Date(
        Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), 22, 30),
      );
      const tokens: Minted[] = [
        await mintExpiring(client, 'Finance dashboard', expires),
        await mintExpiring(client, '<b>x</b> & "quotes"', expires),
      ];

      await jobAt(addDays(expires, -7));
      const mails = sink.for(fay.email);
      expect(mails).toHaveLength(1);
      const [mail] = mails;

      // Both parts exist.
      expect(mail.text.length).toBeGreaterThan(100);
      expect(mail.html.length).toBeGreaterThan(100);
      expect(mail.parsed.headers.get('content-type')).toMatchObject({
        value: 'multipart/alternative',
      });
      expect(mail.to).toEqual([fay.email]);

      // The exact expiry in Europe/Berlin: the local date and time, with its zone.
      const local = (options: Intl.DateTimeFormatOptions) =>
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', ...options }).format(expires);
      const localTime = local({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      const localDate = local({ day: 'numeric', month: 'long', year: 'numeric' });
      const zone = local({ timeZoneName: 'short' }).split(' ').pop()!;
      expect(localTime).toMatch(/^(23|00):30$/);
      for (const part of [mail.text, mail.html]) {
        expect(part).toContain(localTime);
        expect(part).toContain(localDate);
        expect(part).toContain(zone);
        expect(part).not.toContain('22:30'); // the UTC wall time is not what the owner reads
        expect(part).toContain('Europe/Berlin');
      }

      // Labels, what breaks, how to recover.
      expect(mail.text).toContain('Finance dashboard');
      expect(mail.text).toContain('<b>x</b> & "quotes"');
      for (const part of [mail.text, mail.html]) {
        expect(part).toContain('401');
        expect(part).toMatch(/Power BI/);
        expect(part).toMatch(/Data source credentials/);
        for (const t of tokens) expect(part).toContain(`${PUBLIC_URL}/tokens?rotate=${t.id}`);
      }
      expect(mail.html).toContain(`href="${PUBLIC_URL}/tokens?rotate=${tokens[0].id}"`);
      expect(mail.html).toContain(`href="${PUBLIC_URL}/tokens?rotate=${tokens[1].id}"`);

      // HTML-escaped: the label is shown, never interpreted as markup.
      expect(mail.html).not.toContain('<b>x</b>');
      expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt; &amp; &quot;quotes&quot;');
      expect(mail.html).not.toContain('<Ops>');
      expect(mail.html).toContain('Fay &lt;Ops&gt;');

      // Never a token value, in any form: raw source, decoded parts, subject, headers.
      for (const t of tokens) {
        for (const secret of [t.value, t.value.slice('fpat_'.length)]) {
          expect(mail.raw).not.toContain(secret);
          expect(whole(mail)).not.toContain(secret);
        }
      }
      // Nor the digest of it.
      const [{ digest }] = await test.orm.em
        .getConnection()
        .execute<{ digest: string }[]>('select digest from access_token where id = ?', [
          tokens[0].id,
        ]);
      expect(mail.raw).not.toContain(digest);
    });

    it('an owner with no time zone set reads UTC', async () => {
      const { user: gus, client } = await newUser('gus');
      const base = addDays(start, 10);
      const expires = new Date(
        Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), 22, 30),
      );
      await mintExpiring(client, 'UTC token', expires);
      await jobAt(addDays(expires, -7));
      const [mail] = sink.for(gus.email);
      expect(mail.text).toContain('22:30');
      expect(mail.text).toContain('UTC');
    });
  });

  describe('who gets no notice', () => {
    it("a token revoked before its threshold gets none; its owner's other token still does", async () => {
      const { user: hal, client } = await newUser('hal');
      const expires = addDays(start, 10);
      const revoked = await mintExpiring(client, 'Hal revoked', expires);
      const kept = await mintExpiring(client, 'Hal kept', expires);
      test.clock.set(addDays(start, 1));
      expect((await client.post(`/api/tokens/${revoked.id}/revoke`)).status).toBe(200);

      await jobAt(addDays(expires, -7));
      await jobAt(addDays(expires, -1));
      await jobAt(addMs(expires, MINUTE));
      const mails = sink.for(hal.email);
      expect(mails).toHaveLength(3);
      for (const mail of mails) {
        expect(whole(mail)).toContain('Hal kept');
        expect(whole(mail)).not.toContain('Hal revoked');
        expect(whole(mail)).not.toContain(revoked.id);
      }
      expect((await noticesOf(test, hal.id)).filter((n) => n.token_id === revoked.id)).toEqual([]);
      expect(await eventCount(test, revoked.id, 'token.expired')).toBe(0);
      expect(await eventCount(test, revoked.id, 'token.expiry_notice_sent')).toBe(0);
      expect(await eventCount(test, kept.id, 'token.expiry_notice_sent')).toBe(3);
    });

    it('a token revoked after its notice was queued but before dispatch is left out of the email', async () => {
      const { user: ida, client } = await newUser('ida');
      const expires = addDays(start, 10);
      const revoked = await mintExpiring(client, 'Ida revoked', expires);
      await mintExpiring(client, 'Ida kept', expires);
      const at = addDays(expires, -7);
      test.clock.set(at);

      const sweep = await test.app.get(ExpirySweep).run(at);
      expect(sweep.notices).toBeGreaterThanOrEqual(2);
      const fresh = await signIn(test, 'ida', TEST_PASSWORD);
      expect((await fresh.post(`/api/tokens/${revoked.id}/revoke`)).status).toBe(200);
      await runJob(test, at);

      const [mail] = sink.for(ida.email);
      expect(sink.for(ida.email)).toHaveLength(1);
      expect(whole(mail)).toContain('Ida kept');
      expect(whole(mail)).not.toContain('Ida revoked');
      expect(mail.subject).toBe('Your feedpass access token "Ida kept" expires soon');
      expect(await eventCount(test, revoked.id, 'token.expiry_notice_sent')).toBe(0);
    });

    it('when every token of a queued email was revoked before dispatch, the email is cancelled, not sent', async () => {
      const { user: jon, client } = await newUser('jon');
      const expires = addDays(start, 10);
      const token = await mintExpiring(client, 'Jon only', expires);
      const at = addDays(expires, -7);
      test.clock.set(at);
      await test.app.get(ExpirySweep).run(at);
      expect((await outboxOf(test, jon.id)).map((o) => o.status)).toEqual(['queued']);
      const fresh = await signIn(test, 'jon', TEST_PASSWORD);
      expect((await fresh.post(`/api/tokens/${token.id}/revoke`)).status).toBe(200);

      await runJob(test, at);
      await jobAt(addMs(expires, MINUTE));
      expect(sink.for(jon.email)).toHaveLength(0);
      expect((await outboxOf(test, jon.id)).map((o) => o.status)).toEqual(['cancelled']);
      expect(await eventCount(test, token.id, 'token.expiry_notice_sent')).toBe(0);
    });

    it('a deactivated owner gets none: neither before nor after expiry, nor an email queued before deactivation', async () => {
      const { user: kim, client: kimClient } = await newUser('kim');
      const { user: lou, client: louClient } = await newUser('lou');
      const expires = addDays(start, 10);
      const kimToken = await mintExpiring(kimClient, 'Kim token', expires);
      const louToken = await mintExpiring(louClient, 'Lou token', expires);

      // Kim is deactivated before anything is due.
      test.clock.set(addDays(start, 1));
      expect((await (await admin()).post(`/api/admin/users/${kim.id}/deactivate`)).status).toBe(
        200,
      );
      // Lou's 7-day notice is queued, then Lou is deactivated before it goes out.
      const at = addDays(expires, -7);
      test.clock.set(at);
      await test.app.get(ExpirySweep).run(at);
      expect((await (await admin()).post(`/api/admin/users/${lou.id}/deactivate`)).status).toBe(
        200,
      );

      for (const when of [at, addDays(expires, -1), addMs(expires, MINUTE), addDays(expires, 2)])
        await jobAt(when);
      expect(sink.for(kim.email)).toHaveLength(0);
      expect(sink.for(lou.email)).toHaveLength(0);
      expect(await noticesOf(test, kim.id)).toEqual([]);
      expect((await outboxOf(test, lou.id)).map((o) => o.status)).toEqual(['cancelled']);
      for (const t of [kimToken, louToken])
        expect(await eventCount(test, t.id, 'token.expiry_notice_sent')).toBe(0);
    });
  });

  describe('policy applyToExisting', () => {
    it('shortening existing tokens emails each affected owner once, listing their tokens; later notices follow the new thresholds', async () => {
      await seedTenant(test, 'Globex', [
        { username: 'gadmin', role: 'admin' },
        { username: 'max' },
        { username: 'nia' },
        { username: 'oto' },
      ]);
      const [gadmin, maxC, niaC, otoC] = await Promise.all(
        ['gadmin', 'max', 'nia', 'oto'].map((u) => signIn(test, u, TEST_PASSWORD)),
      );
      const email = (u: string) => `${u}@example.test`;
      const max1 = await mintExpiring(maxC, 'Max forever'); // mode none: no expiry
      const max2 = await mintExpiring(maxC, 'Max 60 days', addDays(start, 60));
      const nia1 = await mintExpiring(niaC, 'Nia 30 days', addDays(start, 30));
      const nia2 = await mintExpiring(niaC, 'Nia 2 days', addDays(start, 2)); // inside 3 days: untouched
      await mintExpiring(otoC, 'Oto 2 days', addDays(start, 2)); // nothing shortened for oto

      const changedAt = addMs(start, HOUR);
      test.clock.set(changedAt);
      const res = await put<PolicyUpdateResult>(gadmin, '/api/admin/policy', {
        mode: 'max',
        lifetimeDays: 3,
        notifyDaysBefore: [1],
        applyToExisting: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.shortenedTokens).toBe(3);
      const limit = addDays(changedAt, 3);

      // Nothing is sent until the job runs; then one email per affected owner.
      expect(sink.for(email('max'))).toHaveLength(0);
      await jobAt(changedAt);
      const maxMail = sink.for(email('max'));
      expect(maxMail).toHaveLength(1);
      expect(maxMail[0].subject).toBe('2 of your feedpass access tokens need attention');
      for (const part of [maxMail[0].text, maxMail[0].html]) {
        expect(part).toContain('Max forever');
        expect(part).toContain('Max 60 days');
        expect(part).toContain('now expires sooner');
        expect(part).toContain(`rotate=${max1.id}`);
        expect(part).toContain(`rotate=${max2.id}`);
      }
      expect(maxMail[0].text).toContain(
        new Intl.DateTimeFormat('en-GB', {
          dateStyle: 'full',
          timeStyle: 'long',
          timeZone: 'UTC',
        }).format(limit),
      );
      const niaMail = sink.for(email('nia'));
      expect(niaMail).toHaveLength(1);
      expect(whole(niaMail[0])).toContain('Nia 30 days');
      expect(whole(niaMail[0])).not.toContain('Nia 2 days');
      expect(sink.for(email('oto'))).toHaveLength(0);
      expect(kinds(await tokenEvents(test, max1.id, 'token.expiry_notice_sent'))).toEqual([
        `shortened:${limit.toISOString()}`,
      ]);

      // Running again sends nothing more.
      await jobAt(addMs(changedAt, MINUTE));
      expect(sink.for(email('max'))).toHaveLength(1);
      expect(sink.for(email('nia'))).toHaveLength(1);

      // Nia's untouched 2-day token now follows [1]: its notice at expiry - 1 day.
      await jobAt(addMs(addDays(start, 1), -MINUTE));
      expect(sink.for(email('nia'))).toHaveLength(1);
      await jobAt(addDays(start, 1));
      expect(sink.for(email('nia'))).toHaveLength(2);
      expect(whole(sink.for(email('nia'))[1])).toContain('"Nia 2 days" expires in 1 day');
      expect(whole(sink.for(email('nia'))[1])).not.toContain('Nia 30 days');

      // The shortened ones: a "1 day" notice at limit - 1 day (never a "7 days" one), then expired.
      await jobAt(addMs(addDays(limit, -1), -MINUTE));
      expect(sink.for(email('max'))).toHaveLength(1);
      // (meanwhile Nia's 2-day token expired: her third email)
      expect(sink.for(email('nia'))).toHaveLength(3);
      expect(sink.for(email('nia'))[2].subject).toBe(
        'Your feedpass access token "Nia 2 days" has expired',
      );
      await jobAt(addDays(limit, -1));
      expect(sink.for(email('max'))).toHaveLength(2);
      const maxOneDay = sink.for(email('max'))[1];
      expect(maxOneDay.text).toContain('"Max forever" expires in 1 day');
      expect(maxOneDay.text).toContain('"Max 60 days" expires in 1 day');
      expect(sink.for(email('nia'))).toHaveLength(4);
      expect(sink.for(email('nia'))[3].text).toContain('"Nia 30 days" expires in 1 day');
      await jobAt(addMs(limit, MINUTE));
      expect(sink.for(email('max'))).toHaveLength(3);
      expect(sink.for(email('max'))[2].subject).toBe(
        '2 of your feedpass access tokens have expired',
      );
      expect(
        sink.messages
          .filter((m) => m.to.some((t) => ['max', 'nia', 'oto'].map(email).includes(t)))
          .map((m) => m.text)
          .join('\n'),
      ).not.toContain('7 days');
      expect(kinds(await tokenEvents(test, max2.id, 'token.expiry_notice_sent'))).toEqual([
        `shortened:${limit.toISOString()}`,
        'before:1',
        'expired',
      ]);
      expect(kinds(await tokenEvents(test, nia1.id, 'token.expiry_notice_sent'))).toHaveLength(3);
      expect(kinds(await tokenEvents(test, nia2.id, 'token.expiry_notice_sent'))).toEqual([
        'before:1',
        'expired',
      ]);
    });
  });

  describe('policy applyToExisting with thresholds longer than the new lifetime', () => {
    it('a token shortened to 3 days under notices [7, 1] never gets a false "expires in 7 days": only the 1-day and expired notices follow', async () => {
      await seedTenant(test, 'Initech', [
        { username: 'iadmin', role: 'admin' },
        { username: 'quinn' },
      ]);
      const quinnC = await signIn(test, 'quinn', TEST_PASSWORD);
      const email = 'quinn@example.test';
      const token = await mintExpiring(quinnC, 'Quinn yearly', addDays(start, 365));

      const changedAt = addDays(start, 10); // the token is 10 days old: longer than any threshold
      test.clock.set(changedAt);
      const res = await put<PolicyUpdateResult>(
        await signIn(test, 'iadmin', TEST_PASSWORD),
        '/api/admin/policy',
        {
          mode: 'max',
          lifetimeDays: 3,
          notifyDaysBefore: [7, 1],
          applyToExisting: true,
        },
      );
      expect(res.status).toBe(200);
      expect(res.body.shortenedTokens).toBe(1);
      const limit = addDays(changedAt, 3);

      await jobAt(changedAt);
      expect(sink.for(email)).toHaveLength(1); // "now expires sooner"
      await jobAt(addDays(limit, -1));
      await jobAt(addMs(limit, MINUTE));
      const texts = sink.for(email).map((m) => m.text);
      expect(texts).toHaveLength(3);
      expect(texts[1]).toContain('"Quinn yearly" expires in 1 day');
      // It expires in 1 day: an "expires in 7 days" line would be false.
      expect(texts.join('\n')).not.toContain('expires in 7 days');
      expect(kinds(await tokenEvents(test, token.id, 'token.expiry_notice_sent'))).toEqual([
        `shortened:${limit.toISOString()}`,
        'before:1',
        'expired',
      ]);
    });
  });

  describe('the CLI: job:expiry --now', () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        const child = execFile(
          process.execPath,
          ['dist/apps/api/src/cli.js', ...args],
          {
            cwd: ROOT,
            env: { PATH: process.env.PATH, ...cliEnv(test, sink) },
          },
          (error, stdout, stderr) =>
            done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin!.end();
      });

    it('runs one sweep and one dispatch at the given time, prints the counts and delivers the email', async () => {
      const { user: pam, client } = await newUser('pam');
      const expires = addDays(start, 10);
      const token = await mintExpiring(client, 'Pam via CLI', expires);
      const at = addDays(expires, -7);
      // Whatever else is due by then goes out first, so the CLI's counts are exactly Pam's.
      await jobAt(addMs(at, -MINUTE));

      const run = await cli(['job:expiry', '--now', at.toISOString()]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `Expiry sweep at ${at.toISOString()}: 0 token(s) expired, 0 revoked as unused, 1 notice(s) queued in 1 email(s)`,
      );
      expect(run.stdout).toContain('Outbox: 1 sent, 0 to retry, 0 failed, 0 cancelled');
      expect(sink.for(pam.email)).toHaveLength(1);
      expect(sink.for(pam.email)[0].text).toContain('"Pam via CLI" expires in 7 days');
      expect(sink.for(pam.email)[0].text).toContain(`${PUBLIC_URL}/tokens?rotate=${token.id}`);

      // After the expiry: the token is expired by the CLI run.
      const later = await cli(['job:expiry', '--now', addMs(expires, MINUTE).toISOString()]);
      expect(later.stderr).toBe('');
      expect(later.code).toBe(0);
      expect(later.stdout).toMatch(/[1-9]\d* token\(s\) expired/);
      expect(sink.for(pam.email)).toHaveLength(2);
      expect(await eventCount(test, token.id, 'token.expired')).toBe(1);
      test.clock.set(addMs(expires, MINUTE));
    });

    it('an invalid --now exits non-zero with a message, sending nothing', async () => {
      const before = sink.messages.length;
      const values = ['yesterday', '2026-13-45T00:00:00Z', '1700000000'];
      const runs = await Promise.all(values.map((value) => cli(['job:expiry', '--now', value])));
      runs.forEach((run, i) => {
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain('--now must be an ISO-8601 date-time');
        expect(run.stderr).toContain(values[i]);
        expect(run.stdout).not.toContain('Expiry sweep');
      });
      expect(sink.messages.length).toBe(before);
    });
  });

  describe('set-based: the job reads what is due through partial indexes', () => {
    /** EXPLAIN in a session that avoids sequential scans (the test table is tiny). */
    async function plan(query: string, params: unknown[]): Promise<string> {
      const client = new pg.Client({ connectionString: test.databaseUrl });
      await client.connect();
      try {
        await client.query('set enable_seqscan = off');
        // Statistics over a table with tokens in it (rolled back), so that among several
        // partial indexes the planner weighs the conditions instead of tying on empty ones.
        await client.query('begin');
        await client.query(
          `insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, expires_at, last_used_at)
           select gen_random_uuid(), now(), now(), u.tenant_id, u.id, 'plan', md5(g::text) || md5(random()::text),
                  now() + interval '50 years' + g * interval '1 hour', now()
             from generate_series(1, 5000) g, (select id, tenant_id from app_user limit 1) u`,
        );
        await client.query('analyze access_token');
        const res = await client.query<{ 'QUERY PLAN': string }>(`explain ${query}`, params);
        await client.query('rollback');
        return res.rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await client.end();
      }
    }

    it('due notices: next_notice_at <= now uses access_token_next_notice_index', async () => {
      const text = await plan(
        'select id from access_token where next_notice_at is not null and next_notice_at <= $1::timestamptz',
        [start],
      );
      expect(text).toContain('access_token_next_notice_index');
      expect(await plan('select id from access_token where next_notice_at <= now()', [])).toContain(
        'access_token_next_notice_index',
      );
    });

    it('due expiries: the expire predicate uses access_token_expiry_due_index', async () => {
      const text = await plan(
        `select id from access_token
          where revoked_at is null and expired_at is null and expires_at is not null and expires_at <= $1::timestamptz`,
        [start],
      );
      expect(text).toContain('access_token_expiry_due_index');
    });

    it('both indexes are partial: they hold only live / pending rows', async () => {
      const rows = await test.orm.em
        .getConnection()
        .execute<{ indexname: string; indexdef: string }[]>(
          `select indexname, indexdef from pg_indexes
            where tablename = 'access_token' and indexname in ('access_token_next_notice_index', 'access_token_expiry_due_index')
            order by indexname`,
        );
      expect(rows.map((r) => r.indexname)).toEqual([
        'access_token_expiry_due_index',
        'access_token_next_notice_index',
      ]);
      expect(rows[0].indexdef).toMatch(/WHERE .*revoked_at IS NULL.*expired_at IS NULL/);
      expect(rows[1].indexdef).toMatch(/WHERE .*next_notice_at IS NOT NULL/);
    });
  });
});
