import type { CreatedToken, DataSource, RotatedToken, Token, TokenList } from '@feedpass/contracts';
import type { Agent } from 'node:http';
import pg from 'pg';
import { demoSchemaSql } from '../../apps/api/src/dev/demo-data';
import type { ApiClient, ApiResponse } from '../setup/api-client';
import {
  cliTenant,
  httpGet,
  keepAliveAgent,
  prng,
  quantile,
  sleep,
  startApiProcess,
  within,
  type ApiProcess,
} from '../setup/api-process';
import { createUser, signIn } from '../setup/e2e-helpers';
import { basicAuth, feedPath, POWER_BI_HEADERS } from '../setup/odata-helpers';
import { createTestDatabase } from '../setup/test-database';
import { testEnv } from '../setup/test-env';

/**
 * Bounded load on loopback (issue 7, item 4): the built API as a real process, 200
 * concurrent OData readers and 20 users minting, rotating and revoking through the portal
 * API for LOAD_SECONDS (default 60). It must end with zero 5xx, every request answered,
 * exactly one history event per change made (none lost, none extra) and never more than
 * 5 active tokens for anyone. No timing assertions: the figures are printed, not judged.
 */
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
if (!(LOAD_SECONDS > 0))
  throw new Error(
    `LOAD_SECONDS must be a positive number of seconds, got "${process.env.LOAD_SECONDS}"`,
  );
const SEED = Number(process.env.LOAD_SEED ?? Date.now() % 1_000_000);
const READERS = 200;
const WRITERS = 20;
const READER_USERS = 10;
const TOKENS_PER_READER_USER = 4;
const REQUEST_TIMEOUT_MS = 20_000;
const MAX_ACTIVE = 5;
const PASSWORD = 'load-test-password-1';

interface Failure {
  who: string;
  what: string;
  status: number | string;
  body: string;
}

/** One writer's view of its own tokens and of the changes the server confirmed. */
interface Writer {
  username: string;
  id: string;
  client: ApiClient;
  active: Map<string, string>;
  /** Confirmed by a 201 of a mint or a rotation. */
  created: number;
  /** Confirmed by a 200 of a revoke of an active token, or a 201 of a rotation. */
  revoked: number;
  actions: Record<'mint' | 'burst' | 'rotate' | 'revoke' | 'list', number>;
  refusedAtLimit: number;
  /** Set when the writer can no longer know its tokens (a request went unanswered). */
  lost?: string;
}

describe(`load: ${READERS} OData readers and ${WRITERS} token writers for ${LOAD_SECONDS} s (issue 7)`, () => {
  let databaseUrl: string;
  let api: ApiProcess;
  let db: pg.Pool;
  let agent: Agent;
  let feed: string;
  const readerCredentials: { username: string; token: string }[] = [];
  const readerIds: string[] = [];
  const writers: Writer[] = [];

  // What the run saw.
  const fiveHundreds: Failure[] = [];
  const unexpected: Failure[] = [];
  const hangs: Failure[] = [];
  const readerLatencies: number[] = [];
  const writerLatencies: number[] = [];
  const readsByKind: Record<string, number> = {};
  let readBytes = 0;
  let samples = 0;
  let maxActiveSeen = 0;
  const overLimitSamples: { owner: string; active: number }[] = [];
  let elapsedSeconds = 0;

  beforeAll(
    async () => {
      databaseUrl = await createTestDatabase();
      const seed = new pg.Client({ connectionString: databaseUrl });
      await seed.connect();
      try {
        for (const statement of demoSchemaSql('demo', 20_000)) await seed.query(statement);
      } finally {
        await seed.end();
      }
      db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      const env = testEnv(databaseUrl, { LOG_LEVEL: 'error' });
      await cliTenant(
        env,
        'Load',
        [{ username: 'boss', displayName: 'Boss', role: 'admin' }],
        PASSWORD,
      );
      api = await startApiProcess(env);
      const admin = await signIn(api.url, 'boss', PASSWORD);

      const readerNames = Array.from(
        { length: READER_USERS },
        (_, i) => `reader${String(i + 1).padStart(2, '0')}`,
      );
      const writerNames = Array.from(
        { length: WRITERS },
        (_, i) => `writer${String(i + 1).padStart(2, '0')}`,
      );
      const ids = new Map<string, string>();
      for (const username of [...readerNames, ...writerNames])
        ids.set(username, (await createUser(admin, username, { password: PASSWORD })).id);

      const created = await admin.post<DataSource>('/api/data-sources', {
        name: 'CRM',
        tables: ['accounts', 'contacts', 'deals'],
      });
      if (created.status !== 201) throw new Error(`data source: ${created.status} ${created.text}`);
      feed = `${api.url}${feedPath(created.body)}`;
      for (const username of readerNames) {
        const shared = await admin.post(`/api/data-sources/${created.body.id}/shares`, {
          username,
        });
        if (shared.status !== 200)
          throw new Error(`share with ${username}: ${shared.status} ${shared.text}`);
      }
      for (const username of readerNames) {
        readerIds.push(ids.get(username)!);
        const client = await signIn(api.url, username, PASSWORD);
        for (let i = 0; i < TOKENS_PER_READER_USER; i++) {
          const minted = await client.post<CreatedToken>('/api/tokens', {
            label: `Power BI ${i + 1}`,
          });
          if (minted.status !== 201)
            throw new Error(`reader token: ${minted.status} ${minted.text}`);
          readerCredentials.push({ username, token: minted.body.value });
        }
      }
      for (const username of writerNames) {
        writers.push({
          username,
          id: ids.get(username)!,
          client: await signIn(api.url, username, PASSWORD),
          active: new Map(),
          created: 0,
          revoked: 0,
          actions: { mint: 0, burst: 0, rotate: 0, revoke: 0, list: 0 },
          refusedAtLimit: 0,
        });
      }
      agent = keepAliveAgent(READERS + 16);
      await runLoad();
    },
    LOAD_SECONDS * 1000 + 90_000,
  );

  afterAll(async () => {
    agent?.destroy();
    await db?.end();
    await api?.kill('SIGTERM');
  });

  async function runLoad(): Promise<void> {
    const random = prng(SEED);
    const deadline = Date.now() + LOAD_SECONDS * 1000;
    const started = performance.now();
    const queries: [string, string][] = [
      ['service document', ''],
      ['$metadata', '$metadata'],
      ['Deals $top=100', 'Deals?$top=100'],
      [
        'Deals $filter',
        `Deals?$top=100&$filter=${encodeURIComponent("Stage eq 'Proposal' and Amount gt 5000")}`,
      ],
      [
        'Deals $filter $orderby $skip',
        `Deals?$top=100&$skip=200&$orderby=CreatedAt%20desc&$filter=${encodeURIComponent("Owner in ('ada','grace')")}`,
      ],
      ['Accounts $filter', `Accounts?$top=100&$filter=${encodeURIComponent("Country eq 'DE'")}`],
      ['Contacts $select', 'Contacts?$top=100&$select=Id,Email'],
    ];

    const reader = async (n: number) => {
      const credentials = readerCredentials[n % readerCredentials.length];
      const headers = {
        ...POWER_BI_HEADERS,
        authorization: basicAuth(credentials.username, credentials.token),
      };
      for (let i = 0; Date.now() < deadline; i++) {
        const [kind, query] = queries[(n + i) % queries.length];
        const who = `reader ${n} (${credentials.username})`;
        try {
          const res = await httpGet(agent, `${feed}${query}`, headers, REQUEST_TIMEOUT_MS);
          readerLatencies.push(res.ms);
          readsByKind[kind] = (readsByKind[kind] ?? 0) + 1;
          readBytes += res.bytes;
          if (res.status >= 500)
            fiveHundreds.push({
              who,
              what: `GET ${kind}`,
              status: res.status,
              body: res.body.slice(0, 300),
            });
          else if (res.status !== 200)
            unexpected.push({
              who,
              what: `GET ${kind}`,
              status: res.status,
              body: res.body.slice(0, 300),
            });
        } catch (error) {
          const e = error as Error & { code?: string };
          (e.name === 'TimeoutError' ? hangs : unexpected).push({
            who,
            what: `GET ${kind}`,
            status: e.code ?? e.name,
            body: e.message,
          });
          // A broken connection is not a reason to spin: give the server a moment.
          await sleep(50);
        }
      }
    };

    /** One portal request, timed, with its deadline; unanswered means the writer stops. */
    const call = async <T>(
      w: Writer,
      what: string,
      send: () => Promise<ApiResponse<T>>,
    ): Promise<ApiResponse<T> | null> => {
      const t0 = performance.now();
      try {
        const res = await within(send(), REQUEST_TIMEOUT_MS, `${w.username} ${what}`);
        writerLatencies.push(performance.now() - t0);
        if (res.status >= 500)
          fiveHundreds.push({
            who: w.username,
            what,
            status: res.status,
            body: res.text.slice(0, 300),
          });
        return res;
      } catch (error) {
        const e = error as Error & { code?: string; cause?: { code?: string } };
        const failure = {
          who: w.username,
          what,
          status: e.cause?.code ?? e.code ?? e.name,
          body: e.message,
        };
        (e.name === 'TimeoutError' ? hangs : unexpected).push(failure);
        w.lost = `${what}: ${e.message}`;
        return null;
      }
    };
    const odd = (w: Writer, what: string, res: ApiResponse) => {
      if (res.status < 500)
        unexpected.push({
          who: w.username,
          what,
          status: res.status,
          body: res.text.slice(0, 300),
        });
      w.lost = `${what} → ${res.status}`;
    };

    const mint = async (w: Writer, label: string): Promise<'created' | 'limit' | 'failed'> => {
      const res = await call<CreatedToken>(w, 'mint', () =>
        w.client.post('/api/tokens', { label }),
      );
      if (!res) return 'failed';
      if (res.status === 201) {
        w.created++;
        w.active.set(res.body.token.id, label);
        return 'created';
      }
      if (
        res.status === 409 &&
        (res.body as unknown as { code?: string }).code === 'active_token_limit'
      )
        return 'limit';
      odd(w, 'mint', res);
      return 'failed';
    };

    const writer = async (w: Writer, index: number) => {
      let labels = 0;
      for (let i = 0; Date.now() < deadline && !w.lost; i++) {
        const pick = [...w.active.keys()][Math.floor(random() * w.active.size)];
        const r = random();
        if (i % 10 === 9) {
          w.actions.list++;
          const res = await call<TokenList>(w, 'list', () => w.client.get('/api/tokens'));
          if (!res) break;
          if (res.status !== 200) odd(w, 'list', res);
          else if (res.body.activeCount !== w.active.size || res.body.activeCount > MAX_ACTIVE)
            unexpected.push({
              who: w.username,
              what: 'list',
              status: res.status,
              body: `activeCount ${res.body.activeCount}, the writer holds ${w.active.size}`,
            });
        } else if (!pick || r < 0.3) {
          w.actions.mint++;
          const before = w.active.size;
          const outcome = await mint(w, `w${index} token ${++labels}`);
          if (outcome === 'limit') {
            w.refusedAtLimit++;
            if (before < MAX_ACTIVE)
              unexpected.push({
                who: w.username,
                what: 'mint',
                status: 409,
                body: `refused at ${before} active`,
              });
          }
        } else if (r < 0.4) {
          // Three at once: the row lock must let exactly the free slots through.
          w.actions.burst++;
          const free = MAX_ACTIVE - w.active.size;
          const outcomes = await Promise.all(
            [1, 2, 3].map(() => mint(w, `w${index} burst ${++labels}`)),
          );
          const createdNow = outcomes.filter((o) => o === 'created').length;
          w.refusedAtLimit += outcomes.filter((o) => o === 'limit').length;
          if (!w.lost && createdNow !== Math.min(3, free))
            unexpected.push({
              who: w.username,
              what: 'burst',
              status: 'count',
              body: `${createdNow} of 3 concurrent mints succeeded with ${free} slot(s) free`,
            });
        } else if (r < 0.65) {
          w.actions.rotate++;
          const res = await call<RotatedToken>(w, 'rotate', () =>
            w.client.post(`/api/tokens/${pick}/rotate`),
          );
          if (!res) break;
          if (res.status === 201 && res.body.replaced.status === 'revoked') {
            w.created++;
            w.revoked++;
            w.active.delete(pick);
            w.active.set(res.body.token.id, res.body.token.label);
          } else odd(w, 'rotate', res);
        } else {
          w.actions.revoke++;
          const res = await call<Token>(w, 'revoke', () =>
            w.client.post(`/api/tokens/${pick}/revoke`),
          );
          if (!res) break;
          if (res.status === 200 && res.body.status === 'revoked') {
            w.revoked++;
            w.active.delete(pick);
          } else odd(w, 'revoke', res);
        }
      }
    };

    /** Samples the 5-active invariant in SQL while the load runs. */
    const monitor = async () => {
      while (Date.now() < deadline) {
        const { rows } = await db.query<{ owner: string; active: number }>(
          `select u.username as owner, count(*)::int as active
             from access_token t join app_user u on u.id = t.owner_id
            where t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
            group by u.username order by active desc limit 3`,
        );
        samples++;
        for (const row of rows) {
          maxActiveSeen = Math.max(maxActiveSeen, row.active);
          if (row.active > MAX_ACTIVE) overLimitSamples.push(row);
        }
        await sleep(250);
      }
    };

    await Promise.all([
      ...Array.from({ length: READERS }, (_, n) => reader(n)),
      ...writers.map((w, i) => writer(w, i)),
      monitor(),
    ]);
    elapsedSeconds = (performance.now() - started) / 1000;

    const reads = readerLatencies.length;
    const writes = writerLatencies.length;
    const sum = (f: (w: Writer) => number) => writers.reduce((n, w) => n + f(w), 0);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(
      `load (seed ${SEED}, ${elapsedSeconds.toFixed(1)} s): ${((reads + writes) / elapsedSeconds).toFixed(0)} req/s; ` +
        `OData ${reads} reads (${(reads / elapsedSeconds).toFixed(0)}/s, p50 ${ms(quantile(readerLatencies, 0.5))}, p99 ${ms(quantile(readerLatencies, 0.99))}, ${(readBytes / 1e6).toFixed(0)} MB); ` +
        `portal ${writes} requests (p50 ${ms(quantile(writerLatencies, 0.5))}, p99 ${ms(quantile(writerLatencies, 0.99))}): ` +
        `${sum((w) => w.actions.mint)} mints, ${sum((w) => w.actions.burst)} bursts of 3, ${sum((w) => w.actions.rotate)} rotations, ` +
        `${sum((w) => w.actions.revoke)} revocations, ${sum((w) => w.actions.list)} lists, ${sum((w) => w.refusedAtLimit)} refused at 5 active; ` +
        `${sum((w) => w.created)} tokens created, ${sum((w) => w.revoked)} revoked; ` +
        `5xx ${fiveHundreds.length}, unexpected ${unexpected.length}, unanswered ${hangs.length}; ` +
        `max active seen ${maxActiveSeen} in ${samples} samples`,
    );
  }

  const serverLog = () => api.output().slice(-4000);

  it('keeps both kinds of client busy (the run did real work)', () => {
    expect(readerLatencies.length).toBeGreaterThan(READERS);
    expect(Object.keys(readsByKind).sort()).toHaveLength(7);
    for (const w of writers) expect(w.created).toBeGreaterThan(0);
  });

  it('answers no request with a 5xx', () => {
    expect({ fiveHundreds, serverLog: fiveHundreds.length ? serverLog() : '' }).toEqual({
      fiveHundreds: [],
      serverLog: '',
    });
  });

  it('answers every request, within the deadline, with what the request should get', () => {
    expect(hangs).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(writers.filter((w) => w.lost).map((w) => `${w.username}: ${w.lost}`)).toEqual([]);
  });

  it('records exactly one history event per confirmed change, per user: none lost, none extra', async () => {
    const { rows } = await db.query<{
      id: string;
      created: number;
      revoked: number;
      tokens: number;
      revoked_tokens: number;
    }>(
      `select u.id,
              (select count(*)::int from history_event e where e.subject_user_id = u.id and e.type = 'token.created') as created,
              (select count(*)::int from history_event e where e.subject_user_id = u.id and e.type = 'token.revoked') as revoked,
              (select count(*)::int from access_token t where t.owner_id = u.id) as tokens,
              (select count(*)::int from access_token t where t.owner_id = u.id and t.revoked_at is not null) as revoked_tokens
         from app_user u where u.id = any($1::uuid[])`,
      [writers.map((w) => w.id)],
    );
    const stored = new Map(rows.map((r) => [r.id, r]));
    const actual = writers.map((w) => {
      const { created, revoked, tokens, revoked_tokens } = stored.get(w.id)!;
      return { user: w.username, created, revoked, tokens, revoked_tokens };
    });
    const expected = writers.map((w) => ({
      user: w.username,
      created: w.created,
      revoked: w.revoked,
      tokens: w.created,
      revoked_tokens: w.revoked,
    }));
    expect(actual).toEqual(expected);
  });

  it('keeps every token and its events in step: one token.created per token, one token.revoked per revoked token', async () => {
    const orphans = await db.query(
      `select 'token without token.created' as problem, t.id from access_token t
        where (select count(*) from history_event e where e.token_id = t.id and e.type = 'token.created') <> 1
       union all
       select 'token.created without a token', e.token_id from history_event e
        where e.type = 'token.created' and not exists (select 1 from access_token t where t.id = e.token_id)
       union all
       select 'revoked token without exactly one token.revoked', t.id from access_token t
        where t.revoked_at is not null
          and (select count(*) from history_event e where e.token_id = t.id and e.type = 'token.revoked') <> 1
       union all
       select 'token.revoked about a token that is not revoked', e.token_id from history_event e
         join access_token t on t.id = e.token_id
        where e.type = 'token.revoked' and t.revoked_at is null
       union all
       select 'rotation whose old token is not revoked as rotated', t.id from access_token t
         join access_token old on old.id = t.rotated_from
        where old.revoked_at is null or old.revoke_reason <> 'rotated'`,
    );
    expect(orphans.rows).toEqual([]);
    // The readers' tokens stayed valid: nothing refused them.
    const { rows } = await db.query(
      `select count(*)::int as n from history_event where type = 'token.rejected'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('never lets anyone hold more than 5 active tokens (sampled during the run and at the end)', async () => {
    expect(samples).toBeGreaterThan(0);
    expect(overLimitSamples).toEqual([]);
    const { rows } = await db.query(
      `select owner_id, count(*)::int as active from access_token
        where revoked_at is null and (expires_at is null or expires_at > now())
        group by owner_id having count(*) > ${MAX_ACTIVE}`,
    );
    expect(rows).toEqual([]);
    // And what the server says agrees with what each writer holds.
    const { rows: active } = await db.query<{ owner_id: string; n: number }>(
      `select owner_id, count(*)::int as n from access_token
        where revoked_at is null and (expires_at is null or expires_at > now()) and owner_id = any($1::uuid[])
        group by owner_id`,
      [writers.map((w) => w.id)],
    );
    const byOwner = new Map(active.map((r) => [r.owner_id, r.n]));
    expect(writers.map((w) => [w.username, byOwner.get(w.id) ?? 0])).toEqual(
      writers.map((w) => [w.username, w.active.size]),
    );
  });
});
