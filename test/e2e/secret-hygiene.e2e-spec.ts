import type { CreatedToken, RotatedToken } from '@feedpass/contracts';
import { ApiClient, type ApiResponse } from '../setup/api-client';
import { ExpirySweep } from '../../apps/api/src/expiry/expiry-sweep';
import { DAY, signIn, sql } from '../setup/e2e-helpers';
import { startCapturingTestApp, type CapturingTestApp } from '../setup/capturing-test-app';
import { seedTenant, TEST_PASSWORD, type SeededUser } from '../setup/test-app';
import { LONG_SESSIONS, patch, put, sha256, TOKEN_VALUE } from '../setup/token-helpers';
import { invite, lastMailTo, linkIn } from '../setup/account-helpers';
import { browseSsoSignIn, startTestProvider, type TestProvider } from '../setup/oidc-provider';
import { SmtpSink } from '../setup/smtp-sink';

const PUBLIC_URL = 'http://127.0.0.1:3999';
const REDIRECT_URI = `${PUBLIC_URL}/api/auth/oidc/callback`;

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
  /** The one-time secrets of the invitation and reset links the session mailed. */
  const linkSecrets: string[] = [];
  let sink: SmtpSink;
  let idp: TestProvider;

  beforeAll(async () => {
    // Request logs on, at the most talkative level: they are part of what must stay clean.
    sink = await SmtpSink.start();
    idp = await startTestProvider(REDIRECT_URI);
    test = await startCapturingTestApp({
      ...LONG_SESSIONS,
      LOG_LEVEL: 'trace',
      LOG_REQUESTS: 'true',
      SMTP_URL: sink.url,
      PUBLIC_URL,
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

    // Account links (SPEC 13): an invitation accepted, one left pending, a reset completed.
    const anonymous2 = new ApiClient(test.baseUrl);
    await anonymous2.primeXsrf();
    await invite(alice, 'ivy');
    await invite(alice, 'jay');
    const ivyLink = linkIn(await lastMailTo(test, sink, 'ivy@example.test')).secret;
    linkSecrets.push(ivyLink, linkIn(await lastMailTo(test, sink, 'jay@example.test')).secret);
    await track(
      'accept with a wrong link',
      anonymous2.post('/api/auth/invitations/accept', {
        token: 'f'.repeat(64),
        password: 'ivy-first-password',
      }),
    );
    await track(
      'accept',
      anonymous2.post('/api/auth/invitations/accept', {
        token: ivyLink,
        password: 'ivy-first-password',
      }),
    );
    await track(
      'accept again',
      anonymous2.post('/api/auth/invitations/accept', {
        token: ivyLink,
        password: 'ivy-other-password',
      }),
    );
    await track('reset request', anonymous2.post('/api/auth/password-reset', { username: 'ivy' }));
    const resetLink = linkIn(await lastMailTo(test, sink, 'ivy@example.test')).secret;
    linkSecrets.push(resetLink);
    await track(
      'reset complete',
      anonymous2.post('/api/auth/password-reset/complete', {
        token: resetLink,
        newPassword: 'ivy-second-password',
      }),
    );
    await track(
      'reset complete again',
      anonymous2.post('/api/auth/password-reset/complete', {
        token: resetLink,
        newPassword: 'ivy-third-password',
      }),
    );
    await track('users with invitations', alice.get('/api/admin/users'));

    // SSO: the client secret set once, then read, tested and used through the code flow.
    ssoSet = await put(alice, '/api/admin/sso', {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      displayName: 'Sign in with TestIdP',
      allowedDomains: ['example.test'],
      autoCreate: false,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: true,
    });
    if (ssoSet.status !== 200) throw new Error(`PUT sso: ${ssoSet.status} ${ssoSet.text}`);
    await track('GET sso', alice.get('/api/admin/sso'));
    await track('Test sso', alice.post('/api/admin/sso/test', {}));
    await track('sign-in options', anonymous2.get('/api/auth/sign-in-options?username=bob'));
    await track('tenant sign-in', anonymous2.get('/api/auth/tenants/acme'));
    idp.accounts.set('sub-bob', { email: 'bob@example.test', email_verified: true });
    const flow = await browseSsoSignIn(test.baseUrl, idp, REDIRECT_URI, 'sub-bob');
    if (flow.callback.headers.get('location') !== `${PUBLIC_URL}/`)
      throw new Error(`SSO sign-in: ${flow.callback.headers.get('location')}`);
    others.push({ what: 'SSO callback', res: flow.callback });
    callbackParams = new URLSearchParams(flow.callbackQuery);
    await track('me by SSO', flow.client.get('/api/auth/me'));
    // A replayed code: refused by the provider, logged and recorded.
    const replay = new ApiClient(test.baseUrl);
    replay.cookies.set('fp_oidc', flow.attemptCookie);
    await track('SSO replay', replay.get(`/api/auth/oidc/callback?${flow.callbackQuery}`));
    await track(
      'SSO settings changed again',
      put(alice, '/api/admin/sso', {
        issuer: idp.issuer,
        clientId: idp.clientId,
        displayName: 'Sign in with TestIdP',
        allowedDomains: ['example.test'],
        autoCreate: false,
        defaultRole: 'user',
        passwordSignIn: true,
        enabled: true,
      }),
    );
    await track('GET sso again', alice.get('/api/admin/sso'));
    await track('admin history after accounts', alice.get('/api/admin/history?limit=200'));
    await track(
      'admin history CSV after accounts',
      alice.get('/api/admin/history', { accept: 'text/csv' }),
    );
  });
  let ssoSet: ApiResponse;
  /** The authorization code and state the provider sent back. */
  let callbackParams: URLSearchParams;
  afterAll(async () => {
    await test.close();
    await sink?.stop();
    await idp?.close();
  });

  /** A one-time link's secret (two UUIDs' hex digits): whole, either half, either UUID dashed. */
  const linkSpellings = (secret: string) => {
    const halves = [secret.slice(0, 32), secret.slice(32)];
    const dashed = (h: string) =>
      `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    return [secret, ...halves, ...halves.map(dashed)];
  };
  /** The SSO client secret: as typed, and inside the Basic header of a token request. */
  const ssoSpellings = () => [
    idp.clientSecret,
    Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64'),
  ];
  const everySecret = () => [...linkSecrets.flatMap(linkSpellings), ...ssoSpellings()];
  /** What a response carries: its body and its headers (a redirect's Location included). */
  const wire = (res: ApiResponse) => `${res.text}\n${JSON.stringify([...res.headers])}`;

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

  describe('account links and the SSO client secret (SPEC 13)', () => {
    it('the session really used them', async () => {
      expect(linkSecrets).toHaveLength(3);
      for (const secret of linkSecrets) expect(secret).toMatch(/^[0-9a-f]{64}$/);
      const statuses = Object.fromEntries(others.map((o) => [o.what, o.res.status]));
      expect(statuses).toMatchObject({
        'accept with a wrong link': 400,
        accept: 200,
        'accept again': 400,
        'reset request': 202,
        'reset complete': 204,
        'reset complete again': 400,
        'Test sso': 200,
        'me by SSO': 200,
        'SSO replay': 302,
      });
      expect(others.find((o) => o.what === 'SSO replay')!.res.headers.get('location')).toBe(
        `${PUBLIC_URL}/login?sso_error=sso_invalid`,
      );
      expect(ssoSet.body).toMatchObject({ clientSecretSet: true });
    });

    it('no API response carries a link secret or the client secret — not even the PUT that set it', () => {
      for (const { what, res } of [{ what: 'PUT sso', res: ssoSet }, ...others]) {
        const text = wire(res);
        expect({ what, seen: everySecret().filter((s) => text.includes(s)) }).toEqual({
          what,
          seen: [],
        });
      }
      const get = others.find((o) => o.what === 'GET sso again')!.res;
      expect(get.body).toMatchObject({ clientSecretSet: true, clientId: idp.clientId });
      expect(Object.keys(get.body as object)).not.toContain('clientSecret');
    });

    it('no log line, query log or console output carries them (the replayed code was logged)', () => {
      const captured = test.captured();
      expect(captured).toContain('/api/auth/invitations/accept');
      expect(captured).toContain('/api/auth/oidc/callback');
      expect(captured).toMatch(/SSO sign-in refused for tenant \S+: sso_invalid \(code\)/);
      // The accept looked the link up by its digest: the digest may be logged, never the secret.
      expect(captured).toContain(sha256(linkSecrets[0]));
      for (const secret of everySecret())
        expect({ secret, logged: captured.includes(secret) }).toEqual({ secret, logged: false }); // The request log names the callback, but not its authorization code or state.
      expect(captured).toContain('/api/auth/oidc/callback?code=[redacted]');
      for (const name of ['code', 'state']) {
        const value = callbackParams.get(name)!;
        expect(value.length).toBeGreaterThan(20);
        expect({ name, logged: captured.includes(value) }).toEqual({ name, logged: false });
      }
    });

    it('tables hold link digests and the client secret only as ciphertext', async () => {
      const tables = await sql<{ table_name: string }>(
        test,
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      );
      let dump = '';
      for (const { table_name } of tables) {
        const rows = await sql<{ row: string }>(
          test,
          `select row_to_json(t)::text as row from "${table_name}" t`,
        );
        dump += rows.map((r) => r.row).join('\n') + '\n';
      }
      for (const secret of everySecret())
        expect({ secret, stored: dump.includes(secret) }).toEqual({ secret, stored: false });
      const links = await sql<{ secret_hash: string }>(
        test,
        'select secret_hash from account_link',
      );
      expect(links.map((l) => l.secret_hash).sort()).toEqual(linkSecrets.map(sha256).sort());
      const outbox = await sql<{ link_secret: string | null }>(
        test,
        'select link_secret from mail_outbox where link_id is not null',
      );
      expect(outbox.length).toBe(3);
      expect(outbox.every((o) => o.link_secret === null)).toBe(true);
      const [sso] = await sql<{ client_secret_encrypted: string }>(
        test,
        'select client_secret_encrypted from tenant_sso where enabled',
      );
      expect(sso.client_secret_encrypted.length).toBeGreaterThan(40);
    });

    it('history records the SSO change and refusal without a secret', async () => {
      const events = await sql<{ type: string; details: unknown }>(
        test,
        `select type, details from history_event where type in ('sso.changed', 'sso.refused', 'user.invited', 'user.password_reset', 'user.signed_in')`,
      );
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['sso.changed', 'sso.refused', 'user.invited', 'user.signed_in']),
      );
      const text = JSON.stringify(events);
      for (const secret of everySecret()) expect(text.includes(secret)).toBe(false);
    });
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
