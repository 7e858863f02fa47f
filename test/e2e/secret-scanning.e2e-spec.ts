import type { TokenList } from '@feedpass/contracts';
import { generateTokenValue } from '@feedpass/domain';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { REFETCH_AFTER_MS } from '../../apps/api/src/secret-scanning/key-store';
import type { ApiClient } from '../setup/api-client';
import { seedAcmeAndGlobex, type AcmeAndGlobex } from '../setup/acme-globex';
import { mailSettled } from '../setup/account-helpers';
import { newSigner, signedBy, type Signer } from '../setup/secret-scanning-helpers';
import { createUser, expectApiError, signIn, sql } from '../setup/e2e-helpers';
import { feedGet } from '../setup/odata-helpers';
import { SmtpSink, type ReceivedMail } from '../setup/smtp-sink';
import { startAppOn, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';
import { LONG_SESSIONS, mint, tokenEvents, tokenRow } from '../setup/token-helpers';

/**
 * Leaked tokens (SPEC 12; issue 15 item 4): GitHub secret scanning's partner alerts, signed
 * with ECDSA P-256 keys made here, sent over real HTTP to the real app on PostgreSQL, with
 * the owners' emails read from a real SMTP server, and a key document served by a local
 * HTTP server standing in for https://api.github.com/meta/public_keys/secret_scanning.
 */

const PATH = '/api/secret-scanning/github';
const PUBLIC_URL = 'https://feedpass.example.test';
const TYPE = 'feedpass_personal_access_token';

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** What GitHub sends: a POST with no cookie and no XSRF token, the body as given. */
async function post<T = unknown>(
  test: TestApp,
  body: string,
  headers: Record<string, string>,
): Promise<Answer<T>> {
  const res = await fetch(test.baseUrl + PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: '*/*', ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  if (res.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

interface Label {
  token_raw: string;
  token_type: string;
  label: 'true_positive' | 'false_positive';
}

const alertOf = (token: string, url = 'https://github.com/octo/repo/blob/abc123/.env') => ({
  token,
  type: TYPE,
  url,
  source: 'content',
});

/** The key document GitHub serves, from a local HTTP server the test controls. */
class KeyServer {
  keys: Signer[] = [];
  mode: 'ok' | 'fail' = 'ok';
  readonly requests: IncomingHttpHeaders[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<KeyServer> {
    const server = createServer();
    const self = new KeyServer(server);
    server.on('request', (req, res) => self.answer(req.headers, res));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  }

  private answer(headers: IncomingHttpHeaders, res: ServerResponse): void {
    this.requests.push(headers);
    if (this.mode === 'fail') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    const document = {
      public_keys: this.keys.map((k, i) => ({
        key_identifier: k.id,
        key: k.pem,
        is_current: i === this.keys.length - 1,
      })),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

/** Subject, text and HTML of a mail, for "mentions" checks. */
const whole = (mail: ReceivedMail) => `${mail.subject}\n${mail.text}\n${mail.html}`;

describe('leaked tokens: GitHub secret scanning alerts (SPEC 12)', () => {
  let sink: SmtpSink;
  let keyServer: KeyServer;
  let test: TestApp;
  let cast: AcmeAndGlobex;
  /** The key configured in SECRET_SCANNING_PUBLIC_KEYS. */
  const github = newSigner();
  /** The key the key URL serves from the start. */
  const served = newSigner();
  let userCount = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    keyServer = await KeyServer.start();
    keyServer.keys = [served];
    test = await startTestApp({
      ...LONG_SESSIONS,
      SMTP_URL: sink.url,
      PUBLIC_URL,
      SECRET_SCANNING_PUBLIC_KEYS: github.pem,
      SECRET_SCANNING_KEYS_URL: keyServer.url,
    });
    cast = await seedAcmeAndGlobex(test);
  }, 60_000);
  afterAll(async () => {
    await test?.close();
    await sink?.stop();
    await keyServer?.close();
  });

  /** A new user of Acme (or Globex), signed in: each test's tokens are its own. */
  async function newUser(tenant: 'acme' | 'globex' = 'acme') {
    const username = `owner${++userCount}`;
    const admin = tenant === 'acme' ? cast.clients.alice : cast.clients.gina;
    const user = await createUser(admin, username, { displayName: `Owner ${userCount}` });
    return { user, client: await signIn(test, username, TEST_PASSWORD) };
  }

  const mintValue = async (client: ApiClient, label: string) => {
    const created = await mint(client, label);
    return { id: created.token.id, value: created.value, label };
  };

  /** Sends alerts signed with `signer` (the configured key by default). */
  const alert = <T = Label[]>(alerts: unknown[] | string, signer = github) => {
    const body = typeof alerts === 'string' ? alerts : JSON.stringify(alerts);
    return post<T>(test, body, signedBy(signer, body));
  };

  /** Everything an alert may change, for "nothing changed" checks. */
  async function everything(): Promise<string> {
    return JSON.stringify({
      tokens: await sql(
        test,
        'select id, revoked_at, revoke_reason, next_notice_at, updated_at from access_token order by id',
      ),
      events: await sql(test, 'select count(*)::int as n from history_event'),
      notices: await sql(test, 'select count(*)::int as n from token_notice'),
      outbox: await sql(test, 'select count(*)::int as n from mail_outbox'),
    });
  }

  it('a signed alert for an active token revokes it (reason leaked), records it, emails its owner where it was found, and answers true_positive', async () => {
    const { user, client } = await newUser();
    const token = await mintValue(client, 'Sales refresh');
    const url = 'https://github.com/octo/sales/blob/5f2c1d/config/.env';
    // Before: the token opens the feed (an unknown key is the feed's 404, after sign-in).
    const credentials = { username: user.username, token: token.value };
    expect((await feedGet(test, '/odata/NoSuchKey/', { credentials })).status).toBe(404);
    sink.clear();

    const body = JSON.stringify([{ token: token.value, type: TYPE, url, source: 'commit' }]);
    const res = await post<Label[]>(test, body, signedBy(github, body));

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual([
      { token_raw: token.value, token_type: TYPE, label: 'true_positive' },
    ]);
    // GitHub calls without cookies; it gets none back.
    expect(res.headers.getSetCookie()).toEqual([]);

    const row = await tokenRow(test, token.id);
    expect(row.revoked_at).not.toBeNull();
    expect(row.revoke_reason).toBe('leaked');
    const [{ next_notice_at }] = await sql<{ next_notice_at: Date | null }>(
      test,
      'select next_notice_at from access_token where id = ?',
      [token.id],
    );
    expect(next_notice_at).toBeNull();

    const events = await tokenEvents(test, token.id, 'token.revoked');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tenant_id: cast.acmeId,
      actor_id: null,
      subject_user_id: user.id,
      token_label: 'Sales refresh',
      details: { reason: 'leaked', url, source: 'commit' },
    });

    const list = await client.get<TokenList>('/api/tokens');
    expect(list.body.items.find((t) => t.id === token.id)).toMatchObject({
      status: 'revoked',
      revokeReason: 'leaked',
    });
    // The value no longer opens the feed.
    expect((await feedGet(test, '/odata/NoSuchKey/', { credentials })).status).toBe(401);

    await mailSettled(test);
    const mails = sink.for(user.email);
    expect(mails).toHaveLength(1);
    expect(whole(mails[0])).toContain('Sales refresh');
    expect(whole(mails[0])).toContain(url);
    expect(whole(mails[0])).not.toContain(token.value);
    expect(mails[0].raw).not.toContain(token.value);
  });

  it('replaying the same alert changes nothing more: true_positive again, no second event, no second email', async () => {
    const { user, client } = await newUser();
    const token = await mintValue(client, 'Replayed');
    const body = JSON.stringify([alertOf(token.value)]);
    const headers = signedBy(github, body);
    expect((await post<Label[]>(test, body, headers)).body[0].label).toBe('true_positive');
    await mailSettled(test);
    expect(sink.for(user.email)).toHaveLength(1);
    const before = await everything();

    test.clock.advance(60_000);
    const again = await post<Label[]>(test, body, headers);
    expect(again.status).toBe(200);
    expect(again.body).toEqual([
      { token_raw: token.value, token_type: TYPE, label: 'true_positive' },
    ]);
    await mailSettled(test);
    expect(await everything()).toBe(before);
    expect(await tokenEvents(test, token.id, 'token.revoked')).toHaveLength(1);
    expect(sink.for(user.email)).toHaveLength(1);
  });

  it('two deliveries of the same alert at once revoke once: one event, one email, both true_positive', async () => {
    const { user, client } = await newUser();
    const token = await mintValue(client, 'Delivered twice');
    const body = JSON.stringify([alertOf(token.value)]);
    const headers = signedBy(github, body);
    const answers = await Promise.all([
      post<Label[]>(test, body, headers),
      post<Label[]>(test, body, headers),
    ]);
    expect(answers.map((a) => [a.status, a.body[0]?.label])).toEqual([
      [200, 'true_positive'],
      [200, 'true_positive'],
    ]);
    expect(await tokenEvents(test, token.id, 'token.revoked')).toHaveLength(1);
    await mailSettled(test);
    expect(sink.for(user.email)).toHaveLength(1);
  });

  it('a token that was already revoked or has expired is a true_positive, left as it was', async () => {
    const { user, client } = await newUser();
    const revoked = await mintValue(client, 'Revoked by hand');
    expect((await client.post(`/api/tokens/${revoked.id}/revoke`)).status).toBe(200);
    const expiring = await mint(client, 'Expiring', {
      expiresAt: new Date(test.clock.now().getTime() + 2 * 86_400_000).toISOString(),
    });
    test.clock.advance(3 * 86_400_000);
    sink.clear();
    const before = await everything();

    const res = await alert([alertOf(revoked.value), alertOf(expiring.value)]);

    expect(res.body.map((l) => l.label)).toEqual(['true_positive', 'true_positive']);
    expect((await tokenRow(test, revoked.id)).revoke_reason).toBe('user');
    expect((await tokenRow(test, expiring.token.id)).revoked_at).toBeNull();
    await mailSettled(test);
    expect(await everything()).toBe(before);
    expect(sink.for(user.email)).toHaveLength(0);
  });

  describe('the signature: nothing changes and nothing is read without a good one', () => {
    let token: { id: string; value: string; label: string };
    let before: string;
    beforeEach(async () => {
      const { client } = await newUser();
      token = await mintValue(client, 'Must stay active');
      before = await everything();
    });
    afterEach(async () => {
      expect(await everything()).toBe(before);
      expect((await tokenRow(test, token.id)).revoked_at).toBeNull();
    });

    it('a tampered body (one byte changed after signing) is 401 invalid_signature', async () => {
      const body = JSON.stringify([alertOf(token.value)]);
      const headers = signedBy(github, body);
      const tampered = body.replace('"content"', '"Content"');
      expectApiError(await post(test, tampered, headers), 401, 'invalid_signature');
      // Re-serialized JSON (other spacing) is not what was signed either.
      const spaced = JSON.stringify(JSON.parse(body), null, 1);
      expectApiError(await post(test, spaced, headers), 401, 'invalid_signature');
    });

    it("a signature by another key under the configured key's id is 401", async () => {
      const body = JSON.stringify([alertOf(token.value)]);
      const forged = { ...signedBy(newSigner(), body), 'Github-Public-Key-Identifier': github.id };
      expectApiError(await post(test, body, forged), 401, 'invalid_signature');
    });

    it('a key id nobody configured or serves is 401 (without a fetch inside the minute)', async () => {
      const body = JSON.stringify([alertOf(token.value)]);
      const fetches = keyServer.requests.length;
      const stranger = newSigner();
      const first = await post(test, body, signedBy(stranger, body));
      // The first unknown id may cost one fetch (at most one a minute); the rest cost none.
      for (let i = 0; i < 5; i++)
        expectApiError(
          await post(test, body, signedBy(newSigner(), body)),
          401,
          'invalid_signature',
        );
      expectApiError(first, 401, 'invalid_signature');
      expect(keyServer.requests.length - fetches).toBeLessThanOrEqual(1);
    });

    it.each([
      ['no headers at all', () => ({})],
      [
        'no signature',
        (h: Record<string, string>) => ({
          'Github-Public-Key-Identifier': h['Github-Public-Key-Identifier'],
        }),
      ],
      [
        'no key id',
        (h: Record<string, string>) => ({
          'Github-Public-Key-Signature': h['Github-Public-Key-Signature'],
        }),
      ],
      [
        'an empty signature',
        (h: Record<string, string>) => ({ ...h, 'Github-Public-Key-Signature': '' }),
      ],
      [
        'a signature that is not base64',
        (h: Record<string, string>) => ({ ...h, 'Github-Public-Key-Signature': 'not base64!!' }),
      ],
      [
        'a signature that is not DER',
        (h: Record<string, string>) => ({
          ...h,
          'Github-Public-Key-Signature': Buffer.alloc(64, 7).toString('base64'),
        }),
      ],
      [
        'a key id that is not hex',
        (h: Record<string, string>) => ({ ...h, 'Github-Public-Key-Identifier': '../../etc' }),
      ],
    ])('%s is 401 invalid_signature', async (_name, headersFor) => {
      const body = JSON.stringify([alertOf(token.value)]);
      expectApiError(
        await post(test, body, headersFor(signedBy(github, body))),
        401,
        'invalid_signature',
      );
    });

    it('an unsigned body that is not even JSON is 401, not 400: the signature is checked first', async () => {
      expectApiError(await post(test, '{not json', {}), 401, 'invalid_signature');
      expectApiError(
        await post(test, '{not json', signedBy(github, 'something else')),
        401,
        'invalid_signature',
      );
    });
  });

  describe('the body, once the signature is good', () => {
    let before: string;
    beforeEach(async () => {
      before = await everything();
    });
    afterEach(async () => {
      expect(await everything()).toBe(before);
    });

    it.each([
      ['not JSON', '[{"token":'],
      ['an object, not an array', JSON.stringify(alertOf(generateTokenValue()))],
      ['an empty array', '[]'],
      ['an alert without a token', JSON.stringify([{ type: TYPE, url: 'https://x' }])],
      ['an alert without a type', JSON.stringify([{ token: generateTokenValue() }])],
      ['a numeric token', JSON.stringify([{ token: 12, type: TYPE }])],
      [
        'a url that is not a string',
        JSON.stringify([{ ...alertOf(generateTokenValue()), url: 1 }]),
      ],
      [
        '1001 alerts',
        JSON.stringify(Array.from({ length: 1001 }, () => alertOf(generateTokenValue()))),
      ],
      ['a good alert beside a bad one', JSON.stringify([alertOf(generateTokenValue()), 'fpat_x'])],
    ])('%s is 400 invalid_alert', async (_name, body) => {
      expectApiError(await alert(body), 400, 'invalid_alert');
    });

    it('a malformed alert beside a real token revokes nothing (the batch is refused whole)', async () => {
      const { client } = await newUser();
      const token = await mintValue(client, 'Beside a bad alert');
      before = await everything();
      const body = JSON.stringify([alertOf(token.value), { type: TYPE }]);
      expectApiError(await alert(body), 400, 'invalid_alert');
      expect((await tokenRow(test, token.id)).revoked_at).toBeNull();
    });

    it('a body over 1 MB is refused (400 payload_too_large) before anything is read', async () => {
      const body = JSON.stringify([
        { ...alertOf(generateTokenValue()), pad: 'x'.repeat(1_100_000) },
      ]);
      expectApiError(await alert(body), 400, 'payload_too_large');
    });

    it('extra fields are ignored, and url and source may be absent', async () => {
      const value = generateTokenValue();
      const res = await alert([{ token: value, type: TYPE, extra: { nested: [1, 2] } }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ token_raw: value, token_type: TYPE, label: 'false_positive' }]);
    });
  });

  it('a well-formed value nobody holds, another format, and a near-miss of a real token are false_positive; nothing changes', async () => {
    const { user, client } = await newUser();
    const token = await mintValue(client, 'Near miss');
    const last = token.value.at(-1) === 'A' ? 'B' : 'A';
    const nearMiss = token.value.slice(0, -1) + last; // the checksum no longer matches
    const alerts = [
      alertOf(generateTokenValue()),
      { token: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', type: 'github_pat', url: '' },
      alertOf(nearMiss),
      alertOf(token.value.toUpperCase()),
      alertOf(`${token.value} `),
    ];
    const before = await everything();
    sink.clear();

    const res = await alert(alerts);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      alerts.map((a) => ({ token_raw: a.token, token_type: a.type, label: 'false_positive' })),
    );
    await mailSettled(test);
    expect(await everything()).toBe(before);
    expect((await tokenRow(test, token.id)).revoked_at).toBeNull();
    expect(sink.for(user.email)).toHaveLength(0);
  });

  it('a mixed batch across two tenants: each token revoked and recorded in its own tenant, one email per owner, answers in request order', async () => {
    const acme = await newUser('acme');
    const globex = await newUser('globex');
    const quiet = await newUser('acme');
    const a1 = await mintValue(acme.client, 'Acme finance');
    const a2 = await mintValue(acme.client, 'Acme sales');
    const g1 = await mintValue(globex.client, 'Globex ops');
    const old = await mintValue(quiet.client, 'Already revoked');
    expect((await quiet.client.post(`/api/tokens/${old.id}/revoke`)).status).toBe(200);
    const untouched = await mintValue(quiet.client, 'Not in the alert');
    const nobody = generateTokenValue();
    const urlA1 = 'https://github.com/acme/finance/blob/1/settings.json';
    const urlA2 = 'https://gist.github.com/acme/2';
    const urlG1 = 'https://github.com/globex/ops/issues/3#issuecomment-4';
    const alerts = [
      { ...alertOf(a1.value, urlA1), source: 'content' },
      alertOf(nobody),
      { ...alertOf(g1.value, urlG1), source: 'issue_comment' },
      alertOf(old.value),
      { ...alertOf(a2.value, urlA2), source: 'gist_content' },
      // The same token again, found elsewhere: still one revocation, one event.
      alertOf(a1.value, 'https://github.com/acme/finance/blob/2/copy.json'),
    ];
    sink.clear();

    const res = await alert(alerts);

    expect(res.status).toBe(200);
    expect(res.body.map((l) => [l.token_raw, l.label])).toEqual([
      [a1.value, 'true_positive'],
      [nobody, 'false_positive'],
      [g1.value, 'true_positive'],
      [old.value, 'true_positive'],
      [a2.value, 'true_positive'],
      [a1.value, 'true_positive'],
    ]);
    expect(res.body.every((l) => l.token_type === TYPE)).toBe(true);

    for (const [token, tenant, url] of [
      [a1, cast.acmeId, urlA1],
      [a2, cast.acmeId, urlA2],
      [g1, cast.globexId, urlG1],
    ] as const) {
      expect(await tokenRow(test, token.id)).toMatchObject({ revoke_reason: 'leaked' });
      const events = await tokenEvents(test, token.id, 'token.revoked');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        tenant_id: tenant,
        actor_id: null,
        details: { reason: 'leaked', url },
      });
    }
    expect((await tokenRow(test, old.id)).revoke_reason).toBe('user');
    expect((await tokenRow(test, untouched.id)).revoked_at).toBeNull();
    expect(await tokenEvents(test, old.id, 'token.revoked')).toHaveLength(1);

    // Each admin's history shows their own tenant's revocations only.
    const acmeHistory = await cast.clients.alice.get<{ items: { token: { id: string } | null }[] }>(
      '/api/admin/history?type=token.revoked&limit=200',
    );
    const acmeIds = acmeHistory.body.items.map((e) => e.token?.id);
    expect(acmeIds).toEqual(expect.arrayContaining([a1.id, a2.id]));
    expect(acmeIds).not.toContain(g1.id);
    const globexHistory = await cast.clients.gina.get<{
      items: { token: { id: string } | null }[];
    }>('/api/admin/history?type=token.revoked&limit=200');
    const globexIds = globexHistory.body.items.map((e) => e.token?.id);
    expect(globexIds).toContain(g1.id);
    expect(globexIds).not.toContain(a1.id);

    await mailSettled(test);
    const acmeMails = sink.for(acme.user.email);
    expect(acmeMails).toHaveLength(1);
    for (const text of ['Acme finance', 'Acme sales', urlA1, urlA2])
      expect(whole(acmeMails[0])).toContain(text);
    expect(whole(acmeMails[0])).not.toContain('Globex');
    const globexMails = sink.for(globex.user.email);
    expect(globexMails).toHaveLength(1);
    expect(whole(globexMails[0])).toContain('Globex ops');
    expect(whole(globexMails[0])).toContain(urlG1);
    expect(whole(globexMails[0])).not.toContain('Acme');
    expect(sink.for(quiet.user.email)).toHaveLength(0);
    for (const mail of [...acmeMails, ...globexMails])
      for (const value of [a1.value, a2.value, g1.value]) expect(mail.raw).not.toContain(value);
  });

  it('1000 alerts (the most one request may carry) are answered in one go', async () => {
    const alerts = Array.from({ length: 1000 }, () => alertOf(generateTokenValue()));
    const res = await alert(alerts);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1000);
    expect(res.body.every((l) => l.label === 'false_positive')).toBe(true);
  });

  describe('keys from SECRET_SCANNING_KEYS_URL', () => {
    beforeEach(() => {
      // Past the once-a-minute fetch limit left by earlier tests.
      test.clock.advance(REFETCH_AFTER_MS);
      keyServer.mode = 'ok';
    });

    it("an unknown key id fetches GitHub's document, and a key it lists is accepted; a rotation is picked up at the next allowed fetch", async () => {
      const { client } = await newUser();
      const token = await mintValue(client, 'Signed by a served key');
      // A key the app has never seen, listed by the document from now on.
      const fresh = newSigner();
      keyServer.keys = [served, fresh];
      const fetches = keyServer.requests.length;

      const res = await alert([alertOf(token.value)], fresh);
      expect(res.status).toBe(200);
      expect(res.body[0].label).toBe('true_positive');
      expect((await tokenRow(test, token.id)).revoke_reason).toBe('leaked');
      expect(keyServer.requests.length).toBe(fetches + 1);
      expect(keyServer.requests.at(-1)?.accept).toBe('application/json');

      // GitHub rotates again: the document now lists another new key.
      const rotated = newSigner();
      keyServer.keys = [served, fresh, rotated];
      const value = generateTokenValue();
      // Inside the minute since the last fetch: no new fetch, so the new key is unknown yet.
      expectApiError(await alert([alertOf(value)], rotated), 401, 'invalid_signature');
      expect(keyServer.requests.length).toBe(fetches + 1);
      // The keys already fetched keep working without a fetch.
      expect((await alert([alertOf(value)], served)).status).toBe(200);
      expect((await alert([alertOf(value)], fresh)).status).toBe(200);
      expect(keyServer.requests.length).toBe(fetches + 1);

      test.clock.advance(REFETCH_AFTER_MS);
      const later = await alert([alertOf(value)], rotated);
      expect(later.status).toBe(200);
      expect(later.body[0].label).toBe('false_positive');
      expect(keyServer.requests.length).toBe(fetches + 2);
    });

    it('a fetch that fails: an id only the document could tell is 503 with Retry-After (GitHub retries), known keys keep working', async () => {
      const value = generateTokenValue();
      // Make sure the served key is known (fetched) before the URL goes down.
      expect((await alert([alertOf(value)], served)).status).toBe(200);
      test.clock.advance(REFETCH_AFTER_MS);
      keyServer.mode = 'fail';
      const next = newSigner();
      const before = await everything();
      const fetches = keyServer.requests.length;

      const res = await alert([alertOf(value)], next);
      expectApiError(res, 503, 'service_unavailable');
      expect(res.headers.get('retry-after')).toBe('60');
      expect(keyServer.requests.length).toBe(fetches + 1);
      expect((await alert([alertOf(value)], served)).status).toBe(200);
      expect((await alert([alertOf(value)], github)).status).toBe(200);
      expect(await everything()).toBe(before);

      // The URL recovers and lists the new key: accepted at the next allowed fetch.
      keyServer.mode = 'ok';
      keyServer.keys = [served, next];
      test.clock.advance(REFETCH_AFTER_MS);
      expect((await alert([alertOf(value)], next)).status).toBe(200);
    });
  });

  it('with no key configured the endpoint is off: 404, whatever is sent', async () => {
    const off = await startAppOn(test.databaseUrl, { PUBLIC_URL });
    try {
      const body = JSON.stringify([alertOf(generateTokenValue())]);
      const res = await post(off, body, signedBy(github, body));
      expectApiError(res, 404, 'not_found');
      expectApiError(await post(off, body, {}), 404, 'not_found');
    } finally {
      await off.close();
    }
  });
});
