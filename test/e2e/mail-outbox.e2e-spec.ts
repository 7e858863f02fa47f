import type { FailedMailList } from '@feedpass/contracts';
import { ExpirySweep } from '../../apps/api/src/expiry/expiry-sweep';
import { backoff, MAX_ATTEMPTS } from '../../apps/api/src/mail/outbox.dispatcher';
import { spawnCli } from '../setup/api-process';
import { DAY, expectApiError, HOUR, MINUTE, signIn, sql } from '../setup/e2e-helpers';
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
  runJob,
  runJobAt,
  startMailingApp,
} from '../setup/expiry-helpers';
import type { SmtpSink } from '../setup/smtp-sink';
import { startAppOn, TEST_PASSWORD, type TestApp } from '../setup/test-app';

const SECOND = 1000;

describe('mail outbox: exactly once, across instances, outages and crashes (SPEC 5)', () => {
  let sink: SmtpSink;
  let test: TestApp;
  let env: Record<string, string>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ sink, test, env, close } = await startMailingApp());
  });
  afterAll(() => close());

  /** Each test starts later than the previous one ended, on a clean outbox, with the sink up. */
  let start: Date;
  beforeEach(async () => {
    sink.mode = 'accept';
    await sink.start();
    start = await nextStart(test);
    sink.clear();
  });

  const admin = () => signIn(test, 'alice', TEST_PASSWORD);
  const newUser = (username: string) => newAcmeUser(test, username);
  const duplicates = () =>
    sql<{ token_id: string; kind: string; n: number }>(
      test,
      'select token_id, kind, count(*)::int as n from token_notice group by token_id, kind having count(*) > 1',
    );

  describe('two instances on one database', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startAppOn(test.databaseUrl, env, test.clock);
    });
    afterAll(() => second.close());

    it('running the job at the same moment on both sends each notice once', async () => {
      const owners = await Promise.all(
        ['ann', 'ben', 'cai', 'dee', 'eli', 'fox'].map((u) => newUser(u)),
      );
      const expires = addDays(start, 10);
      const tokens = (
        await Promise.all(
          owners.map(async ({ client, user }) => [
            await mintExpiring(client, `${user.username} one`, expires),
            await mintExpiring(client, `${user.username} two`, addMs(expires, HOUR)),
          ]),
        )
      ).flat();

      const both = async (at: Date) => {
        test.clock.set(at);
        const results = await Promise.all([
          runJob(test, at),
          runJob(second, at),
          runJob(test, at),
          runJob(second, at),
        ]);
        return {
          notices: results.reduce((n, r) => n + r.sweep.notices, 0),
          expired: results.reduce((n, r) => n + r.sweep.expired, 0),
          sent: results.reduce((n, r) => n + r.outbox.sent, 0),
        };
      };

      // The 7-day notices (both tokens of an owner are due by then): one email per owner.
      const seven = await both(addMs(addDays(expires, -7), 2 * HOUR));
      expect(seven).toEqual({ notices: 12, expired: 0, sent: 6 });
      // The 1-day ones.
      const one = await both(addMs(addDays(expires, -1), 2 * HOUR));
      expect(one).toEqual({ notices: 12, expired: 0, sent: 6 });
      // Expiry: one token.expired each, one email per owner.
      const gone = await both(addMs(expires, 2 * HOUR));
      expect(gone).toEqual({ notices: 12, expired: 12, sent: 6 });
      // And again: nothing.
      expect(await both(addMs(expires, 3 * HOUR))).toEqual({ notices: 0, expired: 0, sent: 0 });

      expect(sink.messages).toHaveLength(18);
      for (const { user } of owners) {
        const mails = sink.for(user.email);
        expect(mails.map((m) => m.subject)).toEqual([
          '2 of your feedpass access tokens need attention',
          '2 of your feedpass access tokens need attention',
          '2 of your feedpass access tokens have expired',
        ]);
      }
      expect(await duplicates()).toEqual([]);
      for (const token of tokens) {
        expect(await eventCount(test, token.id, 'token.expired')).toBe(1);
        expect(await eventCount(test, token.id, 'token.expiry_notice_sent')).toBe(3);
      }
      const [rows] = await sql<{ n: number }>(
        test,
        `select count(*)::int as n from token_notice where token_id in (${tokens.map(() => '?').join(',')})`,
        tokens.map((t) => t.id),
      );
      expect(rows.n).toBe(36);
    });

    it('both dispatching one queued outbox at once: each email once', async () => {
      const owners = await Promise.all(
        ['gil', 'hue', 'ivy', 'jay', 'kai', 'lee', 'mo', 'ned'].map((u) => newUser(u)),
      );
      const expires = addDays(start, 10);
      for (const { client, user } of owners)
        await mintExpiring(client, `${user.username} token`, expires);
      const at = addDays(expires, -7);
      test.clock.set(at);
      await test.app.get(ExpirySweep).run(at);
      expect(sink.messages).toHaveLength(0);

      const results = await Promise.all([
        runJob(second, at),
        runJob(test, at),
        runJob(second, at),
        runJob(test, at),
      ]);
      expect(results.reduce((n, r) => n + r.outbox.sent, 0)).toBe(8);
      expect(sink.messages).toHaveLength(8);
      for (const { user } of owners) expect(sink.for(user.email)).toHaveLength(1);
    });
  });

  describe('SMTP outage', () => {
    it('while the server refuses connections nothing is lost; after it returns each email goes out once', async () => {
      const { user: olga, client: olgaClient } = await newUser('olga');
      const { user: paul, client: paulClient } = await newUser('paul');
      const expires = addDays(start, 10);
      const olgaToken = await mintExpiring(olgaClient, 'Olga token', expires);
      const paulToken = await mintExpiring(paulClient, 'Paul token', expires);

      await sink.stop();
      const at = addDays(expires, -7);
      const down = await runJobAt(test, at);
      expect(down.sweep).toMatchObject({ notices: 2, emails: 2 });
      expect(down.outbox).toMatchObject({ sent: 0, retried: 2, failed: 0 });

      for (const user of [olga, paul]) {
        const [row] = await outboxOf(test, user.id);
        expect(row).toMatchObject({ status: 'queued', attempts: 1, sent_at: null });
        expect(new Date(row.next_attempt_at).getTime()).toBe(at.getTime() + backoff(1));
        expect(row.last_error).toEqual(expect.any(String));
        expect(row.last_error!.length).toBeGreaterThan(0);
      }
      for (const token of [olgaToken, paulToken])
        expect(await eventCount(test, token.id, 'token.expiry_notice_sent')).toBe(0);

      // The server is back, but the retry is not due yet: nothing is sent.
      await sink.start();
      const early = addMs(at, backoff(1) - SECOND);
      const notYet = await runJobAt(test, early);
      expect(notYet.outbox).toEqual({ sent: 0, retried: 0, failed: 0, cancelled: 0 });
      expect(sink.attempts).toBe(0);
      expect((await outboxOf(test, olga.id))[0].attempts).toBe(1);

      // Past next_attempt_at: delivered, once each.
      const retry = addMs(at, backoff(1));
      const back = await runJobAt(test, retry);
      expect(back.outbox).toMatchObject({ sent: 2, retried: 0 });
      expect(sink.for(olga.email)).toHaveLength(1);
      expect(sink.for(paul.email)).toHaveLength(1);
      expect(sink.for(olga.email)[0].text).toContain('"Olga token" expires in 7 days');
      for (const user of [olga, paul]) {
        const [row] = await outboxOf(test, user.id);
        expect(row).toMatchObject({ status: 'sent', attempts: 2 });
        expect(new Date(row.sent_at!).getTime()).toBe(retry.getTime());
      }
      const [sent] = await sql<{ occurred_at: Date; details: { kind: string } }>(
        test,
        `select occurred_at, details from history_event where token_id = ? and type = 'token.expiry_notice_sent'`,
        [olgaToken.id],
      );
      expect(new Date(sent.occurred_at).getTime()).toBe(retry.getTime());
      expect(sent.details.kind).toBe('before:7');

      await runJob(test, addMs(retry, HOUR));
      expect(sink.messages).toHaveLength(2);
    });

    it('an hour-long outage: several attempts with growing backoff, then everything delivered once', async () => {
      const people = await Promise.all(['quin', 'rose', 'sam'].map((u) => newUser(u)));
      const expires = addDays(start, 10);
      for (const { client, user } of people)
        await mintExpiring(client, `${user.username} token`, expires);
      await sink.stop();

      // The job ticks every minute for an hour while the server is down.
      const at = addDays(expires, -7);
      let attemptsSeen = 0;
      for (let minute = 0; minute <= 60; minute++) {
        const now = addMs(at, minute * MINUTE);
        const run = await runJobAt(test, now);
        attemptsSeen += run.outbox.retried;
        expect(run.outbox.sent).toBe(0);
      }
      // Backoff 30 s, 1, 2, 4, 8, 16, 32 min: attempts at minutes 0, 1, 2, 4, 8, 16 and 32; the next at 64.
      for (const { user } of people) {
        const [row] = await outboxOf(test, user.id);
        expect(row).toMatchObject({ status: 'queued', attempts: 7 });
        expect(new Date(row.next_attempt_at).getTime()).toBe(addMs(at, 64 * MINUTE).getTime());
      }
      expect(attemptsSeen).toBe(21);

      await sink.start();
      const later = addMs(at, 2 * HOUR);
      await runJobAt(test, later);
      await runJob(test, addMs(later, MINUTE));
      for (const { user } of people) {
        expect(sink.for(user.email)).toHaveLength(1);
        expect((await outboxOf(test, user.id)).map((r) => r.status)).toEqual(['sent']);
      }
      expect(sink.messages).toHaveLength(3);
    });

    it(`a message that keeps failing is parked as failed after ${MAX_ATTEMPTS} attempts and listed for admins`, async () => {
      const { user: tess, client: tessClient } = await newUser('tess');
      const expires = addDays(start, 10);
      const a = await mintExpiring(tessClient, 'Tess beta', expires);
      await mintExpiring(tessClient, 'Tess alpha', expires);
      sink.mode = 'reject-temporary';

      let now = addDays(expires, -7);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const run = await runJobAt(test, now);
        const [row] = await outboxOf(test, tess.id);
        expect(row.attempts).toBe(attempt);
        expect(new Date(row.next_attempt_at).getTime()).toBe(now.getTime() + backoff(attempt));
        if (attempt < MAX_ATTEMPTS) {
          expect(row.status).toBe('queued');
          expect(run.outbox.retried).toBe(1);
        } else {
          expect(row.status).toBe('failed');
          expect(run.outbox.failed).toBe(1);
        }
        // Retrying before the backoff elapsed does nothing.
        const tooEarly = addMs(now, backoff(attempt) - SECOND);
        await runJob(test, tooEarly);
        expect((await outboxOf(test, tess.id))[0].attempts).toBe(attempt);
        now = addMs(now, backoff(attempt));
      }
      expect(backoff(MAX_ATTEMPTS)).toBe(HOUR);
      expect(sink.attempts).toBe(MAX_ATTEMPTS);
      expect(sink.for(tess.email)).toHaveLength(0);

      // Parked: even with the server healthy again, it is not sent by later runs.
      sink.mode = 'accept';
      await runJobAt(test, addMs(now, DAY));
      expect(sink.for(tess.email)).toHaveLength(0);
      expect(await eventCount(test, a.id, 'token.expiry_notice_sent')).toBe(0);

      const adminClient = await admin();
      const res = await adminClient.get<FailedMailList>('/api/admin/mail/failed');
      expect(res.status).toBe(200);
      const [outbox] = await outboxOf(test, tess.id);
      const item = res.body.items.find((i) => i.id === outbox.id);
      expect(item).toEqual({
        id: outbox.id,
        createdAt: expect.any(String),
        attempts: MAX_ATTEMPTS,
        lastError: expect.stringMatching(/451|Mailbox busy/),
        recipient: { id: tess.id, username: 'tess', displayName: 'tess' },
        tokenLabels: ['Tess alpha', 'Tess beta'],
      });
      expect(res.body.queued).toEqual(expect.any(Number));

      // Not for users, not for anonymous callers.
      expectApiError(await tessClient.get('/api/admin/mail/failed'), 403, 'forbidden');
      const anonymous = await signIn(test, 'tess', TEST_PASSWORD);
      await anonymous.post('/api/auth/logout');
      expect((await anonymous.get('/api/admin/mail/failed')).status).toBe(401);
    });

    it('a 5xx refusal is also retried, not dropped: the email goes out once the server accepts', async () => {
      const { user: uma, client } = await newUser('uma');
      const expires = addDays(start, 10);
      await mintExpiring(client, 'Uma token', expires);
      sink.mode = 'reject-permanent';
      const at = addDays(expires, -7);
      const first = await runJobAt(test, at);
      expect(first.outbox.retried).toBe(1);
      expect((await outboxOf(test, uma.id))[0]).toMatchObject({ status: 'queued', attempts: 1 });
      sink.mode = 'accept';
      await runJob(test, addMs(at, backoff(1)));
      expect(sink.for(uma.email)).toHaveLength(1);
    });
  });

  describe('crashes', () => {
    it('a crash between queueing and sending loses nothing: another instance delivers the queued email once', async () => {
      const { user: vic, client } = await newUser('vic');
      const expires = addDays(start, 10);
      const token = await mintExpiring(client, 'Vic token', expires);
      const at = addDays(expires, -7);
      test.clock.set(at);

      // An instance sweeps (notices queued, committed) and dies before its dispatch.
      const doomed = await startAppOn(test.databaseUrl, env, test.clock);
      const sweep = await doomed.app.get(ExpirySweep).run(at);
      expect(sweep).toMatchObject({ ran: true, notices: 1, emails: 1 });
      await doomed.close();
      expect(sink.messages).toHaveLength(0);
      expect((await outboxOf(test, vic.id)).map((r) => r.status)).toEqual(['queued']);

      // A new instance comes up on the same database and runs the job.
      const revived = await startAppOn(test.databaseUrl, env, test.clock);
      try {
        const run = await runJob(revived, addMs(at, MINUTE));
        expect(run.outbox.sent).toBe(1);
        await runJob(revived, addMs(at, 2 * MINUTE));
      } finally {
        await revived.close();
      }
      await runJob(test, addMs(at, 3 * MINUTE));
      expect(sink.for(vic.email)).toHaveLength(1);
      expect(sink.for(vic.email)[0].text).toContain('"Vic token" expires in 7 days');
      expect(await noticesOf(test, vic.id)).toEqual([
        expect.objectContaining({ token_id: token.id, kind: 'before:7' }),
      ]);
      expect(await eventCount(test, token.id, 'token.expiry_notice_sent')).toBe(1);
    });

    it('the process killed mid-send (SIGKILL while the SMTP server holds the message): the email is sent once later', async () => {
      const { user: wes, client } = await newUser('wes');
      const expires = addDays(start, 10);
      const token = await mintExpiring(client, 'Wes token', expires);
      const at = addDays(expires, -7);

      // Another process runs the job (the built CLI: sweep, then dispatch); the SMTP server
      // takes the message and does not answer, and the process is killed right then.
      sink.mode = 'stall';
      const job = spawnCli(['job:expiry', '--now', at.toISOString()], cliEnv(test, sink));
      await sink.waitForStalled(1);
      job.child.kill('SIGKILL');
      expect((await job.exited).signal).toBe('SIGKILL');
      // PostgreSQL ends the dead client's session (and its row lock); wait for that, no sleeping.
      await sql(
        test,
        `select pg_terminate_backend(pid, 10000) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
      );
      expect(sink.messages).toHaveLength(0);

      // The sweep's work survived; the claimed email is still queued, untouched.
      const [row] = await outboxOf(test, wes.id);
      expect(row).toMatchObject({ status: 'queued', attempts: 0, sent_at: null });
      expect(await eventCount(test, token.id, 'token.expiry_notice_sent')).toBe(0);

      sink.mode = 'accept';
      const later = addMs(at, MINUTE);
      const run = await runJobAt(test, later);
      expect(run.outbox.sent).toBe(1);
      await runJob(test, addMs(later, MINUTE));
      expect(sink.for(wes.email)).toHaveLength(1);
      expect(sink.for(wes.email)[0].text).toContain('"Wes token" expires in 7 days');
      expect((await outboxOf(test, wes.id)).map((r) => r.status)).toEqual(['sent']);
      expect(await eventCount(test, token.id, 'token.expiry_notice_sent')).toBe(1);
    });
  });
});
