import type { CreatedToken, RotatedToken, Token, TokenList } from '@feedpass/contracts';
import pg from 'pg';
import type { ApiClient, ApiResponse } from '../setup/api-client';
import {
  cliTenant,
  prng,
  runCli,
  sleep,
  spawnCli,
  startApiProcess,
  type ApiProcess,
} from '../setup/api-process';
import { createUser, signIn } from '../setup/e2e-helpers';
import { freePort } from '../setup/free-port';
import { testEnv } from '../setup/test-env';
import { SmtpSink } from '../setup/smtp-sink';
import { createTestDatabase } from '../setup/test-database';

/**
 * Processes killed without warning (issue 7, faults): SIGKILL gives no shutdown hook, no
 * flush and no rollback from the app — only what PostgreSQL committed survives. Whatever
 * was in flight, a token never exists without its `token.created` event, a revocation
 * never without its `token.revoked`, nobody ends above 5 active tokens, and an expiry
 * sweep killed half-way is redone exactly once: every token expired once, every notice
 * queued and delivered once.
 */
const PASSWORD = 'crash-test-password-1';
const MAX_ACTIVE = 5;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

/** A pg pool for the checks, named so the spec can tell its own sessions from the app's. */
const checkPool = (databaseUrl: string) =>
  new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'crash-spec' });

/** Sessions of other clients on this database (the app's, the CLI's), by state. */
async function otherSessions(
  db: pg.Pool,
): Promise<{ pid: number; state: string; query: string; in_transaction: boolean }[]> {
  const { rows } = await db.query(
    `select pid, coalesce(state, '') as state, query, xact_start is not null as in_transaction
       from pg_stat_activity
      where datname = current_database() and backend_type = 'client backend'
        and application_name <> 'crash-spec' and pid <> pg_backend_pid()`,
  );
  return rows;
}

/** Waits until PostgreSQL has ended every session of the killed process (it rolls them back). */
async function waitForDeadSessions(db: pg.Pool, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const left = await otherSessions(db);
    if (!left.length) return;
    if (Date.now() > until)
      throw new Error(`sessions of the killed process linger: ${JSON.stringify(left)}`);
    await sleep(25);
  }
}

/** Invariants between tokens and their history events, as rows describing each breach. */
async function tokenEventBreaches(db: pg.Pool): Promise<{ problem: string; id: string }[]> {
  const { rows } = await db.query(
    `select 'token without exactly one token.created' as problem, t.id::text from access_token t
      where (select count(*) from history_event e where e.token_id = t.id and e.type = 'token.created') <> 1
     union all
     select 'token.created without its token', e.token_id::text from history_event e
      where e.type = 'token.created' and not exists (select 1 from access_token t where t.id = e.token_id)
     union all
     select 'revoked token without exactly one token.revoked', t.id::text from access_token t
      where t.revoked_at is not null
        and (select count(*) from history_event e where e.token_id = t.id and e.type = 'token.revoked') <> 1
     union all
     select 'token.revoked about a token that is not revoked', e.token_id::text from history_event e
       join access_token t on t.id = e.token_id
      where e.type = 'token.revoked' and t.revoked_at is null
     union all
     select 'replacement whose old token is not revoked as rotated', t.id::text from access_token t
       join access_token old on old.id = t.rotated_from
      where old.revoked_at is null or old.revoke_reason <> 'rotated'
     union all
     select 'token rotated twice', t.rotated_from::text from access_token t
      where t.rotated_from is not null group by t.rotated_from having count(*) > 1
     union all
     select 'owner above ${MAX_ACTIVE} active: ' || count(*), owner_id::text from access_token
      where revoked_at is null and (expires_at is null or expires_at > now())
      group by owner_id having count(*) > ${MAX_ACTIVE}`,
  );
  return rows;
}

describe('the API process killed (SIGKILL) with requests in flight', () => {
  const USERS = 8;
  const IN_FLIGHT_PER_USER = 6;
  const ROUNDS = 3;

  let db: pg.Pool;
  let env: Record<string, string>;
  let port: number;
  let api: ApiProcess;
  const users: { username: string; id: string; client: ApiClient }[] = [];

  // What clients were told (answered requests) — all of it must have survived the kill.
  const confirmedTokens = new Set<string>();
  const confirmedRevoked = new Set<string>();
  const confirmedRotations: { from: string; to: string }[] = [];
  const unexpected: { op: string; status: number; body: string }[] = [];
  const rounds: {
    sent: number;
    answered: number;
    unanswered: number;
    inFlightAtKill: number;
    openAtKill: number;
  }[] = [];

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    db = checkPool(databaseUrl);
    // LOG_LEVEL=error: a 500 leaves its cause in the process output.
    env = testEnv(databaseUrl, { LOG_LEVEL: 'error' });
    await cliTenant(
      env,
      'Crash',
      [{ username: 'boss', displayName: 'Boss', role: 'admin' }],
      PASSWORD,
    );
    port = await freePort();
    api = await startApiProcess(env, port);
    const admin = await signIn(api.url, 'boss', PASSWORD);
    for (let i = 1; i <= USERS; i++) {
      const username = `victim${i}`;
      const id = (await createUser(admin, username, { password: PASSWORD })).id;
      users.push({ username, id, client: await signIn(api.url, username, PASSWORD) });
    }
  }, 60_000);

  afterAll(async () => {
    await api?.kill('SIGKILL');
    await db?.end();
  });

  const forget = (known: string[], id: string) => {
    const at = known.indexOf(id);
    if (at >= 0) known.splice(at, 1);
  };

  /**
   * Keeps IN_FLIGHT_PER_USER mints, rotations and revocations in flight for every user
   * until `stop` resolves; returns when every request has been answered or has failed.
   */
  async function fire(stop: Promise<void>, random: () => number) {
    let stopped = false;
    void stop.then(() => (stopped = true));
    const stats = { sent: 0, answered: 0, unanswered: 0, inFlight: 0 };
    const check = (op: string, res: ApiResponse, ok: boolean) => {
      if (!ok) unexpected.push({ op, status: res.status, body: res.text.slice(0, 300) });
    };

    const lane = async (user: (typeof users)[number], known: string[]) => {
      while (!stopped) {
        const pick = known.length ? known[Math.floor(random() * known.length)] : undefined;
        const r = random();
        stats.sent++;
        stats.inFlight++;
        try {
          if (!pick || r < 0.4) {
            const res = await user.client.post<CreatedToken>('/api/tokens', {
              label: `crash ${stats.sent}`,
            });
            if (res.status === 201) {
              confirmedTokens.add(res.body.token.id);
              known.push(res.body.token.id);
            }
            check(
              'mint',
              res,
              res.status === 201 ||
                (res.status === 409 &&
                  (res.body as { code?: string }).code === 'active_token_limit'),
            );
          } else if (r < 0.7) {
            const res = await user.client.post<RotatedToken>(`/api/tokens/${pick}/rotate`);
            if (res.status === 201) {
              confirmedTokens.add(res.body.token.id);
              confirmedRevoked.add(pick);
              confirmedRotations.push({ from: pick, to: res.body.token.id });
              forget(known, pick);
              known.push(res.body.token.id);
            } else if (res.status === 409) forget(known, pick);
            // 409: another lane of the same user revoked or rotated it first.
            check(
              'rotate',
              res,
              res.status === 201 ||
                (res.status === 409 &&
                  (res.body as { code?: string }).code === 'token_not_rotatable'),
            );
          } else {
            const res = await user.client.post<Token>(`/api/tokens/${pick}/revoke`);
            if (res.status === 200) {
              confirmedRevoked.add(pick);
              forget(known, pick);
            }
            check('revoke', res, res.status === 200 && res.body.status === 'revoked');
          }
          stats.answered++;
        } catch {
          // The process died under this request: no answer, the outcome is PostgreSQL's.
          stats.unanswered++;
        } finally {
          stats.inFlight--;
        }
      }
    };

    const lanes: Promise<void>[] = [];
    for (const user of users) {
      const list = await user.client.get<TokenList>('/api/tokens');
      const known = list.body.items.filter((t) => t.status === 'active').map((t) => t.id);
      for (let i = 0; i < IN_FLIGHT_PER_USER; i++) lanes.push(lane(user, known));
    }
    return { stats, done: Promise.all(lanes) };
  }

  it(`leaves no half-written change, ${ROUNDS} kills in a row, and the API comes back on the same database`, async () => {
    const random = prng(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      let stop!: () => void;
      const stopped = new Promise<void>((r) => (stop = r));
      const { stats, done } = await fire(stopped, random);
      // Let the load settle in, then kill the process at a moment when PostgreSQL holds
      // open transactions of it (a mint or rotation between its first and last statement).
      await sleep(300 + Math.floor(random() * 400));
      let openAtKill = 0;
      for (let i = 0; i < 400 && !openAtKill; i++) {
        openAtKill = (await otherSessions(db)).filter((s) => s.in_transaction).length;
      }
      // No new requests from here on; those already sent are cut off by the kill.
      stop();
      const inFlightAtKill = stats.inFlight;
      const exit = await api.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      await done;
      rounds.push({
        sent: stats.sent,
        answered: stats.answered,
        unanswered: stats.unanswered,
        inFlightAtKill,
        openAtKill,
      });

      await waitForDeadSessions(db);
      expect(await tokenEventBreaches(db)).toEqual([]);

      api = await startApiProcess(env, port);
    }
    console.log(`crash (seed ${SEED}): ${JSON.stringify(rounds)}`);

    // Every round killed the process with requests in flight and transactions open.
    for (const r of rounds) {
      expect(r.inFlightAtKill).toBeGreaterThan(0);
      expect(r.unanswered).toBeGreaterThan(0);
      expect(r.openAtKill).toBeGreaterThan(0);
    }
    expect(await tokenEventBreaches(db)).toEqual([]);

    // Everything a client was told survived the kill.
    const { rows: tokens } = await db.query<{
      id: string;
      revoked: boolean;
      reason: string | null;
    }>('select id, revoked_at is not null as revoked, revoke_reason as reason from access_token');
    const stored = new Map(tokens.map((t) => [t.id, t]));
    expect([...confirmedTokens].filter((id) => !stored.has(id))).toEqual([]);
    expect([...confirmedRevoked].filter((id) => !stored.get(id)?.revoked)).toEqual([]);
    expect(confirmedRotations.filter((r) => stored.get(r.from)?.reason !== 'rotated')).toEqual([]);
  }, 120_000);

  it('answered every request it did answer as it should: a 201/200, or the 409 a race explains, never a 5xx', () => {
    expect(rounds).toHaveLength(ROUNDS);
    expect(unexpected).toEqual([]);
  });

  it('after the restart, the same sessions work and the 5-active limit still holds', async () => {
    for (const user of users) {
      const list = await user.client.get<TokenList>('/api/tokens');
      expect(list.status).toBe(200);
      expect(list.body.activeCount).toBeLessThanOrEqual(MAX_ACTIVE);
      // Fill up to the limit, then one more is refused.
      for (let i = list.body.activeCount; i < MAX_ACTIVE; i++)
        expect((await user.client.post('/api/tokens', { label: `after ${i}` })).status).toBe(201);
      const refused = await user.client.post<{ code: string }>('/api/tokens', {
        label: 'one too many',
      });
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 409,
        code: 'active_token_limit',
      });
    }
    expect(await tokenEventBreaches(db)).toEqual([]);
  });

  // Found by the lanes above: the same user's requests racing on one token (two tabs, a
  // double click) must each get an answer, never a 500.
  it('a rotation racing a revocation or a rename of the same token is never a 500 (no deadlock)', async () => {
    const admin = await signIn(api.url, 'boss', PASSWORD);
    await createUser(admin, 'racer', { password: PASSWORD });
    const racer = await signIn(api.url, 'racer', PASSWORD);
    const outcomes: Record<string, number> = {};
    const PAIRS = 20;
    for (let i = 0; i < PAIRS; i++) {
      const minted = await racer.post<CreatedToken>('/api/tokens', { label: `race ${i}` });
      expect(minted.status).toBe(201);
      const id = minted.body.token.id;
      const other = i % 2 ? 'revoke' : 'rename';
      const [rotated, raced] = await Promise.all([
        racer.post(`/api/tokens/${id}/rotate`),
        other === 'revoke'
          ? racer.post(`/api/tokens/${id}/revoke`)
          : racer.request('PATCH', `/api/tokens/${id}`, { label: `renamed ${i}` }),
      ]);
      const key = `rotate ${rotated.status} + ${other} ${raced.status}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect((await racer.post('/api/tokens/revoke-all')).status).toBe(200);
    }
    console.log(`rotate racing revoke/rename, ${PAIRS} pairs: ${JSON.stringify(outcomes)}`);
    // What the server logged for its 500s (PostgreSQL's error), so a failure says why.
    const causes = [
      ...new Set(api.output().match(/[^"\\]*(deadlock|could not serialize)[^"\\]*/g) ?? []),
    ];
    expect({ fiveHundreds: Object.keys(outcomes).filter((k) => / 5\d\d/.test(k)), causes }).toEqual(
      { fiveHundreds: [], causes: [] },
    );
    expect(await tokenEventBreaches(db)).toEqual([]);
  });
});

describe('the expiry job killed (SIGKILL) mid-sweep', () => {
  const OWNERS = 50;
  const EXPIRED = 15_000;
  const EXPIRING = 5_000;
  const TOKENS = EXPIRED + EXPIRING;
  // The job's "now": tokens are laid out around it.
  const at = new Date(Math.floor(Date.now() / 60_000) * 60_000);

  let sink: SmtpSink;
  let db: pg.Pool;
  let env: Record<string, string>;
  const owners = new Map<string, string>(); // email → id

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const databaseUrl = await createTestDatabase();
    db = checkPool(databaseUrl);
    env = testEnv(databaseUrl, {
      SMTP_URL: sink.url,
      PUBLIC_URL: 'https://feedpass.example.test',
    });
    await cliTenant(env, 'Sweep', [{ username: 'owner01', displayName: 'Owner 1' }], PASSWORD);
    // The other owners as copies of the first (set-based: no password hashing needed).
    await db.query(
      `insert into app_user (id, created_at, updated_at, tenant_id, username, email, display_name, role, status, time_zone, password_hash)
       select gen_random_uuid(), u.created_at, u.updated_at, u.tenant_id, 'owner' || lpad(i::text, 2, '0'),
              'owner' || lpad(i::text, 2, '0') || '@example.test', 'Owner ' || i, 'user', 'active', 'UTC', u.password_hash
         from app_user u, generate_series(2, $1::int) i where u.username = 'owner01'`,
      [OWNERS],
    );
    const { rows } = await db.query<{ id: string; email: string }>(
      'select id, email from app_user',
    );
    for (const row of rows) owners.set(row.email, row.id);
    expect(owners.size).toBe(OWNERS);
    // 15,000 tokens whose expiry passed (due for `expired`) and 5,000 that expire in 3 days
    // (due for the 7-day notice), spread over the owners, minted 30 days earlier.
    await db.query(
      `with owner as (select id, tenant_id, row_number() over (order by username) - 1 as n from app_user)
       insert into access_token (id, created_at, updated_at, tenant_id, owner_id, label, digest, expires_at, next_notice_at)
       select gen_random_uuid(), $1::timestamptz - interval '30 days', $1::timestamptz - interval '30 days',
              o.tenant_id, o.id, 'bulk ' || i, md5('a' || i) || md5('b' || i), x.expires_at,
              case when i <= $2 then x.expires_at else x.expires_at - interval '7 days' end
         from generate_series(1, $3::int) i
         join owner o on o.n = i % $4
         cross join lateral (select case when i <= $2
                                         then $1::timestamptz - interval '1 minute' - (i % 1000) * interval '1 minute'
                                         else $1::timestamptz + interval '3 days' + (i % 100) * interval '1 minute'
                                    end as expires_at) x`,
      [at, EXPIRED, TOKENS, OWNERS],
    );
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await sink?.stop();
  });

  const count = async (query: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }>(query, params)).rows[0].n);
  const written = async () => ({
    expired: await count('select count(*) as n from access_token where expired_at is not null'),
    expiredEvents: await count(
      `select count(*) as n from history_event where type = 'token.expired'`,
    ),
    notices: await count('select count(*) as n from token_notice'),
    emails: await count('select count(*) as n from mail_outbox'),
  });

  it('a kill while the sweep statement runs leaves nothing half-written', async () => {
    const job = spawnCli(['job:expiry', '--now', at.toISOString()], env);
    let seen: { pid: number; query: string } | undefined;
    let exited = false;
    void job.exited.then(() => (exited = true));
    const t0 = Date.now();
    while (!seen && !exited && Date.now() - t0 < 30_000) {
      seen = (await otherSessions(db)).find(
        (s) => s.state === 'active' && /update access_token set expired_at/.test(s.query),
      );
      if (!seen) await sleep(5);
    }
    expect(seen).toBeDefined();
    job.child.kill('SIGKILL');
    expect((await job.exited).signal).toBe('SIGKILL');
    const killedAfter = Date.now() - t0;

    // The backend finishes or abandons its statement, then rolls back: nothing was committed.
    await waitForDeadSessions(db);
    expect(await written()).toEqual({ expired: 0, expiredEvents: 0, notices: 0, emails: 0 });
    expect(sink.attempts).toBe(0);
    console.log(`expiry job killed ${killedAfter} ms after it started, during the sweep statement`);
  }, 60_000);

  it('the next run does all of it exactly once: every token expired once, every notice queued and delivered once', async () => {
    const started = Date.now();
    const run = await runCli(['job:expiry', '--now', at.toISOString()], env);
    const ms = Date.now() - started;
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      `${EXPIRED} token(s) expired, 0 revoked as unused, ${TOKENS} notice(s) queued in ${OWNERS} email(s)`,
    );
    expect(run.out).toContain(`Outbox: ${OWNERS} sent, 0 to retry, 0 failed, 0 cancelled`);
    // And again: nothing left to do.
    const again = await runCli(
      ['job:expiry', '--now', new Date(at.getTime() + 60_000).toISOString()],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.out).toContain('0 token(s) expired, 0 revoked as unused, 0 notice(s) queued in 0 email(s)');
    expect(again.out).toContain('Outbox: 0 sent');
    console.log(`expiry job after the kill: ${TOKENS} tokens, ${OWNERS} owners in ${ms} ms`);

    expect(await written()).toEqual({
      expired: EXPIRED,
      expiredEvents: EXPIRED,
      notices: TOKENS,
      emails: OWNERS,
    });
    const breaches = await db.query(
      `select 'expired token without exactly one token.expired' as problem, t.id::text from access_token t
        where t.expired_at is not null
          and (select count(*) from history_event e where e.token_id = t.id and e.type = 'token.expired') <> 1
       union all
       select 'token due to expire not expired', t.id::text from access_token t
        where t.expires_at <= $1 and t.expired_at is null
       union all
       select 'token expiring later marked expired', t.id::text from access_token t
        where t.expires_at > $1 and t.expired_at is not null
       union all
       select 'token without exactly one notice of the right kind', t.id::text from access_token t
        where (select count(*) from token_notice n where n.token_id = t.id
                 and n.kind = case when t.expires_at <= $1 then 'expired' else 'before:7' end) <> 1
           or (select count(*) from token_notice n where n.token_id = t.id) <> 1
       union all
       select 'notice without exactly one token.expiry_notice_sent', n.token_id::text from token_notice n
        where (select count(*) from history_event e where e.token_id = n.token_id and e.type = 'token.expiry_notice_sent') <> 1
       union all
       select 'notice in an email of another owner', n.token_id::text from token_notice n
         join mail_outbox o on o.id = n.outbox_id where o.user_id <> n.owner_id
       union all
       select 'owner without exactly one email, sent', u.id::text from app_user u
        where (select count(*) from mail_outbox o where o.user_id = u.id and o.status = 'sent' and o.attempts = 1) <> 1`,
      [at],
    );
    expect(breaches.rows).toEqual([]);
    // The 7-day notice moved each expiring token on to its 1-day notice.
    expect(
      await count(
        `select count(*) as n from access_token where expires_at > $1 and next_notice_at <> expires_at - interval '24 hours'`,
        [at],
      ),
    ).toBe(0);

    // The SMTP server received one email per owner, listing each of that owner's tokens once.
    expect(sink.messages).toHaveLength(OWNERS);
    const { rows: tokens } = await db.query<{ id: string; email: string }>(
      'select t.id, u.email from access_token t join app_user u on u.id = t.owner_id',
    );
    const ownerOf = new Map(tokens.map((t) => [t.id, t.email]));
    const listed = new Map<string, number>();
    const misaddressed: string[] = [];
    for (const mail of sink.messages) {
      expect(mail.to).toHaveLength(1);
      for (const [, id] of mail.text.matchAll(/Rotate it: \S+\?rotate=([0-9a-f-]{36})/g)) {
        listed.set(id, (listed.get(id) ?? 0) + 1);
        if (ownerOf.get(id) !== mail.to[0]) misaddressed.push(id);
      }
    }
    expect(new Set(sink.messages.map((m) => m.to[0]))).toEqual(new Set(owners.keys()));
    expect(misaddressed).toEqual([]);
    expect(listed.size).toBe(TOKENS);
    expect([...listed.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
