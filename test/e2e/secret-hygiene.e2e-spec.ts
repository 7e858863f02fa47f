import type { CreatedToken, RotatedToken } from '@feedpass/contracts';
import { ApiClient, type ApiResponse } from '../setup/api-client';
import { ExpirySweep } from '../../apps/api/src/expiry/expiry-sweep';
import { DAY, signIn, sql } from '../setup/e2e-helpers';
import { startCapturingTestApp, type CapturingTestApp } from '../setup/capturing-test-app';
import { seedTenant, TEST_PASSWORD, type SeededUser } from '../setup/test-app';
import { LONG_SESSIONS, patch, put, sha256, TOKEN_VALUE } from '../setup/token-helpers';

/**
 * SPEC 2 and 4: a token value is returned exactly once, in its create (or rotate) response,
 * and is never stored, logged or shown again. This spec runs a session that mints and
 * rotates tokens and uses every token, policy, history and inventory endpoint, then searches
 * every other response, the captured logs (every Nest log level, MikroORM's query log,
 * console, stdout and stderr) and a dump of every table.
 */
describe('no token value outside its one create/rotate response (SPEC 2, 4)', () => {
  let test: CapturingTestApp;
  let users: Record<string, SeededUser>;
  let alice: ApiClient;
  let bob: ApiClient;
  let gina: ApiClient;

  /** value → the token id it was revealed for, and the response that revealed it. */
  const revealed = new Map<string, { id: string; owner: string; response: ApiResponse }>();
  const owners = new Map<ApiClient, string>();
  /** Every other response of the session. */
  const others: { what: string; res: ApiResponse }[] = [];

  beforeAll(async () => {
    // Request logs on, at the most talkative level: they are part of what must stay clean.
    test = await startCapturingTestApp({
      ...LONG_SESSIONS,
      LOG_LEVEL: 'trace',
      LOG_REQUESTS: 'true',
    });
    const acme = await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: 'bob' },
    ]);
    const globex = await seedTenant(test, 'Globex', [{ username: 'gina', role: 'admin' }]);
    users = { ...acme.users, ...globex.users };
    [alice, bob, gina] = await Promise.all(
      ['alice', 'bob', 'gina'].map((u) => signIn(test, u, TEST_PASSWORD)),
    );
    owners.set(alice, 'alice').set(bob, 'bob').set(gina, 'gina');

    const track = async (what: string, pending: Promise<ApiResponse>) => {
      const res = await pending;
      others.push({ what, res });
      return res;
    };
    const reveal = async (client: ApiClient, path: string, body?: unknown) => {
      const res = await client.post<CreatedToken | RotatedToken>(path, body);
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
      const owner = owners.get(client)!;
      revealed.set(res.body.value, { id: res.body.token.id, owner, response: res });
      return res.body;
    };

    await track('GET policy (default)', bob.get('/api/policy'));
    // Two tokens without expiry (mode none), one of them revoked: the feed checks both fully.
    await reveal(bob, '/api/tokens', { label: 'Before the policy' });
    const early = await reveal(bob, '/api/tokens', { label: 'Before the policy, revoked' });
    await track('revoke early', bob.post(`/api/tokens/${early.token.id}/revoke`));
    await track(
      'PUT policy max',
      put(alice, '/api/admin/policy', { mode: 'max', lifetimeDays: 90, notifyDaysBefore: [7, 1] }),
    );
    const a = await reveal(bob, '/api/tokens', { label: 'Desktop' });
    const b = await reveal(bob, '/api/tokens', {
      label: 'Service',
      expiresAt: new Date(test.clock.now().getTime() + 86_400_000).toISOString(),
    });
    const c = await reveal(bob, '/api/tokens', { label: 'Laptop' });
    await reveal(bob, `/api/tokens/${a.token.id}/rotate`);
    await track(
      'PATCH label',
      patch(bob, `/api/tokens/${b.token.id}`, { label: 'Service (renamed)' }),
    );
    await track('revoke', bob.post(`/api/tokens/${c.token.id}/revoke`));
    await track('revoke again', bob.post(`/api/tokens/${c.token.id}/revoke`));
    await track('rotate revoked', bob.post(`/api/tokens/${c.token.id}/rotate`));
    await track('bad label', bob.post('/api/tokens', { label: ' ' }));
    await track('bad expiry', bob.post('/api/tokens', { label: 'x', expiresAt: null }));
    await track('unknown field', bob.post('/api/tokens', { label: 'x', value: 'fpat_mine' }));
    await reveal(bob, '/api/tokens', { label: 'Fourth' });
    await reveal(bob, '/api/tokens', { label: 'Fifth' });
    await track('over the limit', bob.post('/api/tokens', { label: 'Sixth' }));
    await track('list', bob.get('/api/tokens'));
    await track('own history', bob.get('/api/history'));
    await track('own history of a token', bob.get(`/api/history?tokenId=${a.token.id}`));
    await track('own history, paged', bob.get('/api/history?limit=2'));
    await track('me', bob.get('/api/auth/me'));
    const d = await reveal(alice, '/api/tokens', { label: 'Admin token' });
    await reveal(alice, `/api/tokens/${d.token.id}/rotate`);
    await reveal(gina, '/api/tokens', { label: 'Other tenant' });
    // Power BI's side: every value used on the feed (active and revoked ones, and one under
    // the wrong username), as Basic credentials.
    const feed = new ApiClient(test.baseUrl);
    const basic = (username: string, value: string) => ({
      authorization: `Basic ${Buffer.from(`${username}:${value}`).toString('base64')}`,
    });
    for (const [value, { owner }] of revealed) {
      await track(`feed as ${owner}`, feed.get('/odata/no-such-source/', basic(owner, value)));
      await track(
        `feed $metadata as ${owner}`,
        feed.get('/odata/no-such-source/$metadata', basic(owner, value)),
      );
    }
    const [first] = revealed.keys();
    await track(
      'feed under the wrong username',
      feed.get('/odata/no-such-source/', basic('gina', first)),
    );
    await track(
      'feed with a mistyped value',
      feed.get(
        '/odata/no-such-source/',
        basic('bob', first.slice(0, -1) + (first.endsWith('A') ? 'B' : 'A')),
      ),
    );
    await track(
      'policy, apply to existing',
      put(alice, '/api/admin/policy', {
        mode: 'fixed',
        lifetimeDays: 30,
        notifyDaysBefore: [7],
        applyToExisting: true,
      }),
    );
    await track('admin history', alice.get('/api/admin/history?limit=200'));
    await track('admin history CSV', alice.get('/api/admin/history', { accept: 'text/csv' }));
    await track('admin history of bob', alice.get(`/api/admin/history?userId=${users.bob.id}`));
    await track('inventory', alice.get('/api/admin/tokens?limit=200'));
    await track('inventory active', alice.get('/api/admin/tokens?status=active'));
    await track('inventory revoked', alice.get('/api/admin/tokens?status=revoked'));
    await track('inventory paged', alice.get('/api/admin/tokens?limit=1'));
    await track('other tenant inventory', gina.get('/api/admin/tokens'));
    await track('admin history as non-admin', bob.get('/api/admin/history'));
    await track('revoke someone else’s', bob.post(`/api/tokens/${d.token.id}/revoke`));
    await track('revoke all', bob.post('/api/tokens/revoke-all'));
    await track('list after revoke all', bob.get('/api/tokens'));
    // A client that sends a value where it does not belong: the answer must not echo it.
    const [someValue] = revealed.keys();
    const anonymous = new ApiClient(test.baseUrl);
    await track(
      'token as bearer on the portal API',
      anonymous.get('/api/tokens', { authorization: `Bearer ${someValue}` }),
    );
    await track(
      'token as Basic on the portal API',
      anonymous.get('/api/auth/me', {
        authorization: `Basic ${Buffer.from(`bob:${someValue}`).toString('base64')}`,
      }),
    );
    // The expiry job's side: a sweep 6 days on queues "expires soon" notices and a sweep
    // 31 days on marks tokens expired and queues "has expired" emails (rendered into the outbox).
    const sweep = test.app.get(ExpirySweep);
    const now = test.clock.now().getTime();
    await sweep.run(new Date(now + 6 * DAY));
    await sweep.run(new Date(now + 31 * DAY));
    await track('failed mail', alice.get('/api/admin/mail/failed'));
    await track('history after the sweep', bob.get('/api/history?limit=200'));
    await track('admin history after the sweep', alice.get('/api/admin/history?limit=200'));
    await track('logout', bob.post('/api/auth/logout'));
  });
  afterAll(() => test.close());

  /** The spellings of a value we search for: whole, without prefix, and its random part. */
  const spellings = (value: string) => [value, value.slice(5), value.slice(5, 35)];

  it('revealed each value once, in its own create or rotate response', () => {
    expect(revealed.size).toBe(11);
    for (const [value, { response }] of revealed) {
      expect(value).toMatch(TOKEN_VALUE);
      expect(response.text.split(value)).toHaveLength(2);
      for (const other of revealed.keys()) {
        if (other !== value) expect(response.text).not.toContain(other.slice(5, 35));
      }
    }
  });

  it('no other response carries a value or a digest', async () => {
    const digests = (await sql<{ digest: string }>(test, 'select digest from access_token')).map(
      (r) => r.digest,
    );
    expect(others.length).toBeGreaterThan(30);
    // The feed really took the values through authentication: some were accepted, some refused.
    const feedStatuses = others.filter((o) => o.what.startsWith('feed')).map((o) => o.res.status);
    expect(feedStatuses).toContain(404);
    expect(feedStatuses).toContain(401);
    for (const { what, res } of others) {
      const seen = [...revealed.keys()].flatMap(spellings).filter((s) => res.text.includes(s));
      const seenDigests = digests.filter((d) => res.text.includes(d));
      expect({
        what,
        seen,
        seenDigests,
        fpat: res.text.includes('fpat_') && what !== 'unknown field',
      }).toEqual({
        what,
        seen: [],
        seenDigests: [],
        fpat: false,
      });
    }
  });

  it('no log line, query log or console output carries a value', () => {
    const captured = test.captured();
    // The capture works: the query log saw the token inserts (with their digests as parameters).
    expect(captured).toMatch(/insert into "access_token"/);
    // … and the JSON request log saw the Basic-authenticated feed requests, redacted.
    expect(captured).toContain('"msg":"request completed"');
    expect(captured).toContain('[redacted]');
    expect(captured).not.toMatch(/Basic [A-Za-z0-9+/=]{16,}/);
    expect(captured).not.toMatch(/fp_session=[A-Za-z0-9_-]{20,}/);
    expect([...revealed.keys()].filter((v) => captured.includes(sha256(v)))).toHaveLength(
      revealed.size,
    );
    for (const value of revealed.keys()) {
      for (const spelling of spellings(value)) expect(captured.includes(spelling)).toBe(false);
    }
  });

  it('no table holds a value: a dump of every table of the public schema', async () => {
    const tables = await sql<{ table_name: string }>(
      test,
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'access_token',
        'history_event',
        'token_policy',
        'session',
        'app_user',
      ]),
    );
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await sql<{ row: string }>(
        test,
        `select row_to_json(t)::text as row from "${table_name}" t`,
      );
      dump += rows.map((r) => r.row).join('\n') + '\n';
    }

    expect(dump).toContain('Admin token'); // the dump really holds the session's data
    const [outbox] = await sql<{ n: string }>(test, 'select count(*) as n from mail_outbox');
    expect(Number(outbox.n)).toBeGreaterThan(0); // ... emails included
    expect(dump).not.toContain('fpat_');
    for (const value of revealed.keys()) {
      for (const spelling of spellings(value)) expect(dump.includes(spelling)).toBe(false);
    }
  });

  it('stores the SHA-256 digest of each value, under a unique index', async () => {
    for (const [value, { id }] of revealed) {
      const [row] = await sql<{ digest: string }>(
        test,
        'select digest from access_token where id = ?',
        [id],
      );
      expect(row.digest).toBe(sha256(value));
    }
    const indexes = await sql<{ indexdef: string }>(
      test,
      `select indexdef from pg_indexes where schemaname = 'public' and tablename = 'access_token'`,
    );
    expect(indexes.some((i) => /UNIQUE INDEX .* \(digest\)/.test(i.indexdef))).toBe(true);
  });

  it('history records tokens by id and label only', async () => {
    const events = await sql<{ details: Record<string, unknown>; token_label: string | null }>(
      test,
      `select details, token_label from history_event where token_id is not null`,
    );
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) {
      expect(JSON.stringify(e)).not.toMatch(/fpat_|digest/);
    }
  });
});
