import { request as httpRequest } from 'node:http';
import type { DataSource, HistoryPage, Token, TokenList } from '@feedpass/contracts';
import { generateTokenValue } from '@feedpass/domain';
import type { ApiClient } from '../setup/api-client';
import { expectApiError, HOUR, MINUTE, signIn, sql } from '../setup/e2e-helpers';
import {
  basicAuth,
  createDataSource,
  expectChallenge,
  expectODataError,
  feedGet,
  feedPath,
  mintCredentials,
  seedDemoSchema,
  type Credentials,
  type FeedResponse,
} from '../setup/odata-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';
import { isoIn, LONG_SESSIONS, nowIso, tokenEvents } from '../setup/token-helpers';

/**
 * Basic authentication of the feed (SPEC 6, issue 4 item 1): `username:token`, checked on
 * every request, so revocation, expiry and deactivation bite on the very next one.
 * Each test speaks from its own client address (X-Forwarded-For through a trusted loopback
 * proxy), so the failure throttle of one test never leaks into another.
 */

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gus', 'ivy', 'jack'] as const;
type Name = (typeof USERS)[number];

describe('OData feed authentication: HTTP Basic with access tokens (SPEC 6)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  const clients = {} as Record<Name, ApiClient>;
  let source: DataSource;
  let address = 0;
  let ip: string;

  /** GET the service root (or a path under it) as Power BI does, from this test's address. */
  const feed = (credentials: Credentials | null, sub = '', headers: Record<string, string> = {}) =>
    feedGet(test, `${feedPath(source)}${sub}`, {
      credentials,
      headers: { 'x-forwarded-for': ip, ...headers },
    });
  const feedWithAuthorization = (authorization: string) =>
    feedGet(test, feedPath(source), { headers: { 'x-forwarded-for': ip, authorization } });

  const tokenOf = async (client: ApiClient, id: string): Promise<Token> => {
    const res = await client.get<TokenList>('/api/tokens');
    expect(res.status).toBe(200);
    return res.body.items.find((t) => t.id === id)!;
  };
  const rejections = async (client: ApiClient, tokenId: string) => {
    const res = await client.get<HistoryPage>(
      `/api/history?type=token.rejected&tokenId=${tokenId}`,
    );
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const revoke = async (client: ApiClient, id: string) =>
    expect((await client.post(`/api/tokens/${id}/revoke`)).status).toBe(200);

  beforeAll(async () => {
    test = await startTestApp({ ...LONG_SESSIONS, TRUST_PROXY: 'loopback' });
    await seedDemoSchema(test, { deals: 200 });
    const acme = await seedTenant(
      test,
      'Acme',
      USERS.map((username) => ({
        username,
        role: username === 'alice' ? ('admin' as const) : ('user' as const),
      })),
    );
    users = acme.users;
    for (const name of USERS) clients[name] = await signIn(test, name, TEST_PASSWORD);
    // alice's data source, shared with everyone else of Acme: authorization is not what is tested here.
    source = await createDataSource(clients.alice, 'CRM', ['deals']);
    for (const name of USERS.filter((u) => u !== 'alice')) {
      expect(
        (await clients.alice.post(`/api/data-sources/${source.id}/shares`, { username: name }))
          .status,
      ).toBe(200);
    }
  }, 60_000);
  afterAll(() => test?.close());
  beforeEach(() => {
    address += 1;
    ip = `203.0.113.${address}`;
  });

  describe('every failure is the same 401 challenge', () => {
    it.each<[string, () => string]>([
      ['no Authorization header', () => ''],
      ['another scheme (Bearer)', () => `Bearer ${generateTokenValue()}`],
      ['Basic with a payload that is not base64 of user:password', () => 'Basic !!!not-base64!!!'],
      ['Basic without a colon', () => `Basic ${Buffer.from('bob').toString('base64')}`],
      ['Basic with an empty password', () => basicAuth('bob', '')],
      ['Basic with an empty username', () => basicAuth('', generateTokenValue())],
      ['a password instead of a token', () => basicAuth('bob', TEST_PASSWORD)],
      ['a well-formed token nobody holds', () => basicAuth('bob', generateTokenValue())],
    ])(
      '%s → 401 with exactly WWW-Authenticate: Basic realm="feedpass", charset="UTF-8" and an OData error',
      async (_, authorization) => {
        const res = await feedWithAuthorization(authorization());
        expectChallenge(res);
      },
    );
  });

  describe('malformed tokens are 401', () => {
    let good: Credentials;
    beforeAll(async () => {
      ({ credentials: good } = await mintCredentials(clients.bob, 'bob', 'shape checks'));
    });

    const last = (value: string) => value[value.length - 1];
    const flip = (c: string) => (c === 'a' ? 'b' : 'a');

    it.each<[string, (token: string) => string]>([
      ['a bad prefix', (t) => `fpaX_${t.slice(5)}`],
      ['an upper-case prefix', (t) => `FPAT_${t.slice(5)}`],
      ['no prefix', (t) => t.slice(5)],
      ['one character short', (t) => t.slice(0, -1)],
      ['one character long', (t) => `${t}a`],
      ['a bad checksum', (t) => t.slice(0, -1) + flip(last(t))],
      [
        'a changed random part (checksum no longer matches)',
        (t) => `fpat_${flip(t[5])}${t.slice(6)}`,
      ],
      ['surrounding whitespace', (t) => ` ${t} `],
    ])('%s', async (_, spoil) => {
      expectChallenge(await feed({ username: 'bob', token: spoil(good.token) }));
      // The genuine token still works.
      expect((await feed(good)).status).toBe(200);
    });
  });

  describe('a valid token', () => {
    it("works with the owner's username in any letter case", async () => {
      const { credentials } = await mintCredentials(clients.bob, 'bob', 'case');

      for (const username of ['bob', 'BOB', 'Bob']) {
        const res = await feed({ ...credentials, username });
        expect(res.status).toBe(200);
        expect(res.headers.get('www-authenticate')).toBeNull();
      }
    });

    it("is 401 with another user's username (wrong user), even an existing one of the same tenant", async () => {
      const { id, credentials } = await mintCredentials(clients.bob, 'bob', 'wrong user');

      expectChallenge(await feed({ ...credentials, username: 'carol' }));
      expectChallenge(await feed({ ...credentials, username: 'nobody-at-all' }));
      // A failure neither marks the token used nor records a rejection (it is not the owner's username).
      expect((await tokenOf(clients.bob, id)).lastUsedAt).toBeNull();
      expect(await tokenEvents(test, id, 'token.rejected')).toEqual([]);
      expect((await feed(credentials)).status).toBe(200);
    });
  });

  describe('revocation, expiry and deactivation bite on the very next request', () => {
    it('a revoked token is 401 on the next request', async () => {
      const { id, credentials } = await mintCredentials(clients.carol, 'carol', 'to revoke');
      expect((await feed(credentials)).status).toBe(200);

      await revoke(clients.carol, id);

      expectChallenge(await feed(credentials));
      expectChallenge(await feed(credentials, '$metadata'));
      expectChallenge(await feed(credentials, 'Deals'));
    });

    it('a token revoked by revoke-all is 401 on the next request', async () => {
      const { credentials } = await mintCredentials(clients.carol, 'carol', 'revoke all');
      expect((await feed(credentials)).status).toBe(200);

      expect((await clients.carol.post('/api/tokens/revoke-all')).status).toBe(200);

      expectChallenge(await feed(credentials));
    });

    it('an expired token is 401 the instant its expiry passes, before any job has marked it', async () => {
      const { id, credentials } = await mintCredentials(clients.dave, 'dave', 'short-lived', {
        expiresAt: isoIn(test, HOUR),
      });
      expect((await feed(credentials)).status).toBe(200);

      test.clock.advance(HOUR - 1000);
      expect((await feed(credentials)).status).toBe(200);
      test.clock.advance(1000);

      expectChallenge(await feed(credentials));
      const [row] = await sql<{ revoked_at: Date | null }>(
        test,
        'select revoked_at from access_token where id = ?',
        [id],
      );
      expect(row.revoked_at).toBeNull();
    });

    it("a deactivated owner's token is 401 on the next request", async () => {
      const { credentials } = await mintCredentials(clients.jack, 'jack', 'owner leaves');
      expect((await feed(credentials)).status).toBe(200);

      const res = await clients.alice.post(`/api/admin/users/${users.jack.id}/deactivate`);
      expect(res.status).toBe(200);

      expectChallenge(await feed(credentials));
      expectChallenge(await feed(credentials, 'Deals'));
    });
  });

  describe('lastUsedAt', () => {
    it('is set on use and written at most once a minute', async () => {
      const { id, credentials } = await mintCredentials(clients.erin, 'erin', 'usage');
      expect((await tokenOf(clients.erin, id)).lastUsedAt).toBeNull();

      expect((await feed(credentials)).status).toBe(200);
      const first = nowIso(test);
      expect((await tokenOf(clients.erin, id)).lastUsedAt).toBe(first);

      test.clock.advance(30_000);
      expect((await feed(credentials, 'Deals?$top=1')).status).toBe(200);
      expect((await tokenOf(clients.erin, id)).lastUsedAt).toBe(first);

      test.clock.advance(29_000); // 59 s after the first use
      expect((await feed(credentials)).status).toBe(200);
      expect((await tokenOf(clients.erin, id)).lastUsedAt).toBe(first);

      test.clock.advance(2_000); // 61 s after the first use
      expect((await feed(credentials)).status).toBe(200);
      expect((await tokenOf(clients.erin, id)).lastUsedAt).toBe(nowIso(test));
    });

    it('is not touched by a failed attempt (revoked token)', async () => {
      const { id, credentials } = await mintCredentials(
        clients.erin,
        'erin',
        'unused then revoked',
      );
      await revoke(clients.erin, id);

      expectChallenge(await feed(credentials));
      expect((await tokenOf(clients.erin, id)).lastUsedAt).toBeNull();
    });
  });

  describe('token.rejected history events', () => {
    it("a revoked token used with the owner's username writes ONE token.rejected per token per hour", async () => {
      const { id, credentials } = await mintCredentials(clients.frank, 'frank', 'Sales refresh');
      await revoke(clients.frank, id);

      for (let i = 0; i < 3; i++) {
        expectChallenge(await feed(credentials));
        test.clock.advance(5 * MINUTE);
      }

      const events = await rejections(clients.frank, id);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'token.rejected',
          actor: null,
          subjectUser: expect.objectContaining({ id: users.frank.id, username: 'frank' }),
          token: { id, label: 'Sales refresh' },
          details: expect.objectContaining({ reason: 'revoked' }),
        }),
      ]);
      expect(JSON.stringify(events)).not.toContain(credentials.token);

      test.clock.advance(HOUR);
      expectChallenge(await feed({ ...credentials, username: 'FRANK' }));
      expect(await rejections(clients.frank, id)).toHaveLength(2);
    });

    it('an expired token writes token.rejected with reason expired', async () => {
      const { id, credentials } = await mintCredentials(
        clients.frank,
        'frank',
        'expiring refresh',
        { expiresAt: isoIn(test, HOUR) },
      );
      test.clock.advance(HOUR + MINUTE);

      expectChallenge(await feed(credentials));
      expectChallenge(await feed(credentials));

      const events = await rejections(clients.frank, id);
      expect(events).toHaveLength(1);
      expect(events[0].details).toEqual(expect.objectContaining({ reason: 'expired' }));
    });

    it('simultaneous attempts still write one event', async () => {
      const { id, credentials } = await mintCredentials(clients.frank, 'frank', 'parallel refresh');
      await revoke(clients.frank, id);

      const results = await Promise.all(Array.from({ length: 6 }, () => feed(credentials)));
      for (const res of results) expectChallenge(res);

      expect(await tokenEvents(test, id, 'token.rejected')).toHaveLength(1);
    });

    it("each token gets its own event; another user's username with the token writes none", async () => {
      const a = await mintCredentials(clients.ivy, 'ivy', 'first');
      const b = await mintCredentials(clients.ivy, 'ivy', 'second');
      await revoke(clients.ivy, a.id);
      await revoke(clients.ivy, b.id);

      expectChallenge(await feed({ ...a.credentials, username: 'carol' }));
      expect(await tokenEvents(test, a.id, 'token.rejected')).toHaveLength(0);

      expectChallenge(await feed(a.credentials));
      expectChallenge(await feed(b.credentials));
      expect(await tokenEvents(test, a.id, 'token.rejected')).toHaveLength(1);
      expect(await tokenEvents(test, b.id, 'token.rejected')).toHaveLength(1);
    });
  });

  describe('failure throttling (429 + Retry-After) without slowing other users', () => {
    const retryAfter = (res: FeedResponse) => {
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      return Number(res.headers.get('retry-after'));
    };

    it('repeated failures for one username from one address → 429 with Retry-After; other users from that address still get 200', async () => {
      const gus = await mintCredentials(clients.gus, 'gus', 'gus refresh');
      const bob = await mintCredentials(clients.bob, 'bob', 'bob refresh');

      let res: FeedResponse | undefined;
      let failures = 0;
      for (; failures < 60; failures++) {
        res = await feed({ username: 'gus', token: generateTokenValue() });
        if (res.status !== 401) break;
      }
      expect(failures).toBeGreaterThanOrEqual(5); // a typo or two never locks anyone out
      expectODataError(res!, 429);
      const wait = retryAfter(res!);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(HOUR / 1000);

      // Now even gus's right token is held back from this address…
      const held = await feed(gus.credentials);
      expectODataError(held, 429);
      retryAfter(held);

      // …while another user behind the same address (the Power BI service's shared egress) is unaffected,
      expect((await feed(bob.credentials)).status).toBe(200);
      expect((await feed(bob.credentials, 'Deals?$top=1')).status).toBe(200);

      // …and so is gus from another address.
      const elsewhere = ip;
      ip = '198.51.100.77';
      expect((await feed(gus.credentials)).status).toBe(200);
      ip = elsewhere;

      // Once Retry-After has passed, gus gets in again from the first address.
      test.clock.advance(wait * 1000);
      expect((await feed(gus.credentials)).status).toBe(200);
    });

    it("nobody who merely knows a username can stop its owner's refreshes: floods from six loopback addresses, then the right token from a seventh → 200", async () => {
      const own = await mintCredentials(clients.dave, 'dave', 'scheduled refresh');
      // Real connections from distinct loopback addresses (no forwarded header).
      const from = (address: string, credentials: Credentials) =>
        new Promise<number>((done, fail) => {
          const url = new URL(`${test.baseUrl}${feedPath(source)}`);
          const req = httpRequest(
            url,
            {
              localAddress: address,
              headers: { authorization: basicAuth(credentials.username, credentials.token) },
            },
            (res) => {
              res.resume();
              res.on('end', () => done(res.statusCode ?? 0));
            },
          );
          req.on('error', fail);
          req.end();
        });
      for (let a = 0; a < 6; a++) {
        const address = `127.0.0.${20 + a}`;
        for (let i = 0; i < 9; i++) {
          // Well-formed wrong tokens (a database lookup each) and malformed ones (none).
          const token = i % 2 ? generateTokenValue() : `not-a-token-${i}`;
          expect(await from(address, { username: 'dave', token })).toBe(401);
        }
        // The flooding address itself is throttled for dave…
        let status = 0;
        for (let i = 0; i < 3 && status !== 429; i++) {
          status = await from(address, { username: 'dave', token: generateTokenValue() });
        }
        expect(status).toBe(429);
      }
      // …but dave's scheduled refresh, from a seventh address, goes through.
      expect(await from('127.0.0.27', own.credentials)).toBe(200);
      expect(await from('127.0.0.28', own.credentials)).toBe(200);
    });
  });

  it('session cookies are not credentials for the feed: a signed-in browser without Basic gets the challenge', async () => {
    const cookie = [...clients.bob.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    expectChallenge(
      await feedGet(test, feedPath(source), { headers: { cookie, 'x-forwarded-for': ip } }),
    );
    // …and the portal API does not take Basic either.
    const { credentials } = await mintCredentials(clients.bob, 'bob', 'not for the API');
    const res = await fetch(`${test.baseUrl}/api/tokens`, {
      headers: { authorization: basicAuth('bob', credentials.token) },
    });
    const body = await res.json();
    expectApiError(
      { status: res.status, headers: res.headers, body, text: JSON.stringify(body) },
      401,
      'unauthenticated',
    );
  });
});
