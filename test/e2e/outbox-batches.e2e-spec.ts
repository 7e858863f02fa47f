import { ExpirySweep } from '../../apps/api/src/expiry/expiry-sweep';
import { SMTP_POOL_OPTIONS } from '../../apps/api/src/mail/mailer';
import { noticeKind } from '../../apps/api/src/mail/notice-kinds';
import { backoff, BATCH_SIZE, OutboxDispatcher } from '../../apps/api/src/mail/outbox.dispatcher';
import { spawnCli } from '../setup/api-process';
import { HOUR, MINUTE, signIn, sql } from '../setup/e2e-helpers';
import {
  addDays,
  addMs,
  cliEnv,
  eventCount,
  mintExpiring,
  newAcmeUser,
  nextStart,
  outboxOf,
  runJob,
  startMailingApp,
} from '../setup/expiry-helpers';
import {
  createDataSource,
  feedGet,
  feedPath,
  mintCredentials,
  seedDemoSchema,
} from '../setup/odata-helpers';
import type { SmtpSink, StalledMail } from '../setup/smtp-sink';
import { startAppOn, TEST_PASSWORD, type TestApp } from '../setup/test-app';
import { setPolicy, tokenEvents, tokenRow } from '../setup/token-helpers';

/**
 * The outbox in batches (issue 16): each worker claims up to BATCH_SIZE emails in one
 * statement (FOR UPDATE SKIP LOCKED), sends them at once and settles them in one statement
 * before the commit. Still exactly once across instances; a refused message is retried alone;
 * a crash resends at most what the SMTP server had accepted of the batches in flight.
 */
const SECOND = 1000;

interface Owner {
  id: string;
  email: string;
  tokenId: string;
}

describe('mail outbox in batches (SPEC 5, issue 16)', () => {
  let sink: SmtpSink;
  let test: TestApp;
  let env: Record<string, string>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ sink, test, env, close } = await startMailingApp());
  });
  afterAll(() => close());

  let start: Date;
  beforeEach(async () => {
    sink.mode = 'accept';
    await sink.start();
    start = await nextStart(test);
    sink.clear();
  });

  const dispatcherOf = (app: TestApp) => app.app.get(OutboxDispatcher);

  /**
   * `count` Acme users made in SQL (argon2 through the API would take minutes), each with
   * one token that expired an hour before `at`; the sweep at `at` queues one email each.
   */
  async function ownersWithExpiredTokens(prefix: string, count: number, at: Date) {
    const [alice] = await sql<{ tenant_id: string; password_hash: string }>(
      test,
      `select tenant_id, password_hash from app_user where username = 'alice'`,
    );
    const users = await sql<{ id: string; email: string }>(
      test,
      `insert into app_user (id, created_at, updated_at, tenant_id, username, email, display_name, role, status, time_zone, password_hash)
       select gen_random_uuid(), ?, ?, ?, ? || lpad(i::text, 5, '0'), ? || lpad(i::text, 5, '0') || '@example.test',
              'Owner ' || i, 'user', 'active', 'UTC', ?
         from generate_series(1, ?::int) i
       returning id, email`,
      [
        addDays(at, -10),
        addDays(at, -10),
        alice.tenant_id,
        prefix,
        prefix,
        alice.password_hash,
        count,
      ],
    );
    const tokens = await sql<{ id: string; owner_id: string }>(
      test,
      `insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, expires_at, next_notice_at)
       select gen_random_uuid(), ?, ?, u.tenant_id, u.id, u.username || ' token',
              encode(sha256(convert_to(u.id::text, 'UTF8')), 'hex'), ?, ?
         from app_user u where u.username like ? || '%'
       returning id, owner_id`,
      [addDays(at, -10), addDays(at, -10), addMs(at, -HOUR), addMs(at, -HOUR), prefix],
    );
    const tokenOf = new Map(tokens.map((t) => [t.owner_id, t.id]));
    test.clock.set(at);
    const sweep = await test.app.get(ExpirySweep).run(at);
    expect(sweep).toMatchObject({ ran: true, expired: count, emails: count });
    return users.map((u): Owner => ({ ...u, tokenId: tokenOf.get(u.id)! }));
  }

  /** How many messages the sink accepted for each owner. */
  const deliveries = (owners: Owner[]) => owners.map((o) => sink.for(o.email).length);

  const statusesOf = async (owners: Owner[]) =>
    (
      await sql<{ status: string; attempts: number }>(
        test,
        `select status, attempts from mail_outbox
          where user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
        [JSON.stringify(owners.map((o) => o.id))],
      )
    ).map((r) => `${r.status}/${r.attempts}`);

  it('one message of a batch refused: only it is retried, with its own backoff; the others are sent once', async () => {
    const at = addMs(start, MINUTE);
    const owners = await ownersWithExpiredTokens('one-', 6, at);
    const refused = owners[3];

    // Every message is held until the test answers it: refuse one, accept the others.
    sink.mode = 'stall';
    const run = dispatcherOf(test).dispatch(at);
    for (let i = 1; i <= owners.length; i++) {
      await sink.waitForStalled(i);
      const mail: StalledMail = sink.stalled[i - 1];
      if (mail.raw.includes(refused.email)) mail.reject(451);
      else mail.accept();
    }
    expect(await run).toEqual({ sent: 5, retried: 1, failed: 0, cancelled: 0 });
    sink.mode = 'accept';

    for (const owner of owners) {
      const [row] = await outboxOf(test, owner.id);
      if (owner === refused) {
        expect(row).toMatchObject({ status: 'queued', attempts: 1, sent_at: null });
        expect(new Date(row.next_attempt_at).getTime()).toBe(at.getTime() + backoff(1));
        expect(row.last_error).toMatch(/451|Rejected/);
        expect(await eventCount(test, owner.tokenId, 'token.expiry_notice_sent')).toBe(0);
      } else {
        expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
        expect(new Date(row.sent_at!).getTime()).toBe(at.getTime());
        expect(await eventCount(test, owner.tokenId, 'token.expiry_notice_sent')).toBe(1);
      }
    }
    expect(deliveries(owners)).toEqual(owners.map((o) => (o === refused ? 0 : 1)));

    // Not before its backoff; then it alone goes out, and nothing else is sent again.
    const early = await dispatcherOf(test).dispatch(addMs(at, backoff(1) - SECOND));
    expect(early).toEqual({ sent: 0, retried: 0, failed: 0, cancelled: 0 });
    const retry = await dispatcherOf(test).dispatch(addMs(at, backoff(1)));
    expect(retry).toEqual({ sent: 1, retried: 0, failed: 0, cancelled: 0 });
    expect(deliveries(owners)).toEqual(owners.map(() => 1));
    expect(sink.attempts).toBe(owners.length + 1);
    expect((await outboxOf(test, refused.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await eventCount(test, refused.tokenId, 'token.expiry_notice_sent')).toBe(1);
  });

  it('a token revoked while its email is out: the email named it, so its history records the notice sent', async () => {
    const at = addMs(start, MINUTE);
    const [owner] = await ownersWithExpiredTokens('rev-', 1, at);

    sink.mode = 'stall';
    const run = dispatcherOf(test).dispatch(at);
    await sink.waitForStalled(1);
    // Read and rendered: its owner revokes the token before the server answers the send.
    await sql(test, `update access_token set revoked_at = ?, revoke_reason = 'user' where id = ?`, [
      at,
      owner.tokenId,
    ]);
    sink.stalled[0].accept();
    expect(await run).toEqual({ sent: 1, retried: 0, failed: 0, cancelled: 0 });
    sink.mode = 'accept';

    const [mail] = sink.for(owner.email);
    expect(mail.text).toContain('has expired');
    const events = await tokenEvents(test, owner.tokenId, 'token.expiry_notice_sent');
    expect(events.map((e) => e.details.kind)).toEqual([noticeKind.expired]);
  });

  it('the process killed mid-batch: only what the server had accepted of the uncommitted batches is sent again', async () => {
    const at = addMs(start, MINUTE);
    const owners = await ownersWithExpiredTokens('die-', 4, at);
    // Another process runs the job (the built CLI) and dispatches the queued emails.
    sink.mode = 'stall';
    const job = spawnCli(['job:expiry', '--now', at.toISOString()], cliEnv(test, sink));
    await sink.waitForStalled(owners.length);
    // The server takes one message (250) and holds the others; then the process dies.
    sink.stalled[0].accept();
    const accepted = owners.filter((o) => sink.stalled[0].raw.includes(o.email));
    expect(accepted).toHaveLength(1);
    job.child.kill('SIGKILL');
    expect((await job.exited).signal).toBe('SIGKILL');
    await sql(
      test,
      `select pg_terminate_backend(pid, 10000) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
    );
    // What committed before the kill: nothing, or the accepted email's batch if it was the
    // only one in its batch (then it is marked sent and never sent again).
    const settled = new Map(
      await Promise.all(
        owners.map(async (o) => [o.id, (await outboxOf(test, o.id))[0].status] as const),
      ),
    );
    for (const o of owners) {
      if (o !== accepted[0]) expect(settled.get(o.id)).toBe('queued');
      expect((await outboxOf(test, o.id))[0].attempts).toBe(settled.get(o.id) === 'sent' ? 1 : 0);
    }

    sink.mode = 'accept';
    const later = addMs(at, MINUTE);
    test.clock.set(later);
    const run = await dispatcherOf(test).dispatch(later);
    expect(run.sent).toBe([...settled.values()].filter((s) => s === 'queued').length);
    // Everyone got the email; the accepted one twice only if its batch had not committed:
    // the window is the accepted emails of the batches in flight (at most BATCH_SIZE each,
    // WORKERS batches per process), never an email of a committed batch.
    const resent = settled.get(accepted[0].id) === 'queued' ? 1 : 0;
    expect(deliveries(owners)).toEqual(owners.map((o) => (o === accepted[0] ? 1 + resent : 1)));
    for (const o of owners) {
      expect((await outboxOf(test, o.id))[0].status).toBe('sent');
      expect(await eventCount(test, o.tokenId, 'token.expiry_notice_sent')).toBe(1);
    }
  });

  describe('an unused-token warning about a token used since it was queued', () => {
    const DAYS = 30;
    beforeAll(async () => {
      await setPolicy(await signIn(test, 'alice', TEST_PASSWORD), {
        mode: 'none',
        lifetimeDays: null,
        notifyDaysBefore: [7, 1],
        revokeUnusedAfterDays: DAYS,
      });
      // The source tables for the feed (before any catalog request: the catalog is cached).
      await seedDemoSchema(test, { deals: 1 });
    });

    it('is dropped from the email (like a warning about a revoked token); an email left with nothing is cancelled', async () => {
      const { user: sia, client: siaClient } = await newAcmeUser(test, 'sia');
      const { user: tom, client: tomClient } = await newAcmeUser(test, 'tom');
      const siaSource = await createDataSource(siaClient, 'Sia deals', ['deals']);
      const tomSource = await createDataSource(tomClient, 'Tom deals', ['deals']);
      const idle = await mintExpiring(siaClient, 'Sia idle');
      const used = await mintCredentials(siaClient, 'sia', 'Sia used');
      const tomToken = await mintCredentials(tomClient, 'tom', 'Tom used');
      const minted = new Date((await tokenRow(test, used.id)).created_at);

      // The 7-day warnings are queued (not sent yet) for all three tokens.
      const at = addDays(minted, DAYS - 7);
      test.clock.set(at);
      const sweep = await test.app.get(ExpirySweep).run(at);
      expect(sweep).toMatchObject({ notices: 3, emails: 2 });
      const kinds = await sql<{ kind: string }>(
        test,
        `select kind from token_notice where token_id in (?, ?, ?)`,
        [idle.id, used.id, tomToken.id],
      );
      expect(kinds.map((k) => k.kind)).toEqual(
        [1, 2, 3].map(() => noticeKind.unusedBefore(7, minted)),
      );

      // Before the dispatch, Power BI refreshes with two of them.
      test.clock.set(addMs(at, MINUTE));
      for (const [source, credentials] of [
        [siaSource, used.credentials],
        [tomSource, tomToken.credentials],
      ] as const)
        expect((await feedGet(test, `${feedPath(source)}Deals`, { credentials })).status).toBe(200);

      const run = await runJob(test, addMs(at, 2 * MINUTE));
      expect(run.outbox).toEqual({ sent: 1, retried: 0, failed: 0, cancelled: 1 });
      const [mail] = sink.for(sia.email);
      expect(sink.for(sia.email)).toHaveLength(1);
      expect(mail.subject).toBe(
        'Your feedpass access token "Sia idle" will be revoked soon: it is not used',
      );
      for (const part of [mail.text, mail.html]) {
        expect(part).toContain('Sia idle');
        expect(part).not.toContain('Sia used');
      }
      expect(sink.for(tom.email)).toHaveLength(0);
      expect((await outboxOf(test, tom.id)).map((r) => r.status)).toEqual(['cancelled']);
      expect((await outboxOf(test, sia.id)).map((r) => r.status)).toEqual(['sent']);
    });
  });

  // Last: a second instance in this process, closed after its tests.
  describe('two instances on one database', () => {
    let second: TestApp;
    beforeAll(async () => {
      second = await startAppOn(test.databaseUrl, env, test.clock);
    });
    afterAll(() => second.close());

    it('claim different batches while both are mid-send (skip locked): each email once', async () => {
      const count = 5 * BATCH_SIZE + 3;
      const at = addMs(start, MINUTE);
      const owners = await ownersWithExpiredTokens('bat-', count, at);
      const connections = SMTP_POOL_OPTIONS.maxConnections;

      // The sink holds every message it gets: the first instance's batches stay claimed
      // (their rows locked) while the second instance claims its own.
      sink.mode = 'stall';
      const first = dispatcherOf(test).dispatch(at);
      await sink.waitForStalled(connections);
      const second_ = dispatcherOf(second).dispatch(at);
      await sink.waitForStalled(2 * connections);
      // Ten different emails in flight at once, five claimed by each instance.
      const held = owners.filter((o) => sink.stalled.some((m) => m.raw.includes(o.email)));
      expect(held).toHaveLength(2 * connections);

      sink.mode = 'accept';
      for (const mail of sink.stalled) mail.accept();
      const [a, b] = await Promise.all([first, second_]);
      expect(a.sent).toBeGreaterThan(0);
      expect(b.sent).toBeGreaterThan(0);
      expect(a.sent + b.sent).toBe(count);
      expect(a.retried + b.retried + a.failed + b.failed).toBe(0);

      // Once more on both: nothing left.
      const again = await Promise.all([
        dispatcherOf(test).dispatch(at),
        dispatcherOf(second).dispatch(at),
      ]);
      expect(again.reduce((n, r) => n + r.sent, 0)).toBe(0);

      expect(sink.messages).toHaveLength(count);
      expect(deliveries(owners)).toEqual(owners.map(() => 1));
      expect(new Set(await statusesOf(owners))).toEqual(new Set(['sent/1']));
      const [events] = await sql<{ n: number; tokens: number }>(
        test,
        `select count(*)::int as n, count(distinct token_id)::int as tokens from history_event
          where type = 'token.expiry_notice_sent'
            and token_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
        [JSON.stringify(owners.map((o) => o.tokenId))],
      );
      expect(events).toEqual({ n: count, tokens: count });
    });
  });
});
