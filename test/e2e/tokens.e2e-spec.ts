import type {
  CreatedToken,
  ErrorCode,
  HistoryPage,
  InventoryPage,
  RevokeAllResult,
  RotatedToken,
  Token,
  TokenList,
} from '@feedpass/contracts';
import { randomUUID } from 'node:crypto';
import type { ApiClient, ApiResponse } from '../setup/api-client';
import { expectApiError, HOUR, MINUTE, sql } from '../setup/e2e-helpers';
import { startTestApp, type SeededUser, type TestApp } from '../setup/test-app';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
import {
  feedAccepts,
  isoIn,
  LONG_SESSIONS,
  mint,
  nowIso,
  patch,
  tokenEvents,
  tokenRow,
  TOKEN_KEYS,
  FRESH_TOKEN_FIELDS,
  TOKEN_VALUE,
  writeCounts,
} from '../setup/token-helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('access tokens: /api/tokens (SPEC 2, 7)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let alice: ApiClient; // admin of Acme
  let bob: ApiClient;
  let carol: ApiClient;
  let hank: ApiClient; // Globex

  beforeAll(async () => {
    test = await startTestApp(LONG_SESSIONS);
    ({
      users,
      clients: { alice, bob, carol, hank },
    } = await seedAcmeAndGlobex(test));
  });
  afterAll(() => test.close());

  // Every test starts with bob holding no active token, a minute after the previous one.
  beforeEach(async () => {
    test.clock.advance(MINUTE);
    expect((await bob.post('/api/tokens/revoke-all')).status).toBe(200);
    test.clock.advance(MINUTE);
  });

  const list = async (client: ApiClient) => {
    const res = await client.get<TokenList>('/api/tokens');
    expect(res.status).toBe(200);
    return res.body;
  };
  const listed = async (client: ApiClient, id: string) =>
    (await list(client)).items.find((t) => t.id === id);

  describe('POST /api/tokens', () => {
    it('answers 201 {token, value}: an active token with exactly the Token fields and a well-formed value', async () => {
      const res = await bob.post<CreatedToken>('/api/tokens', { label: 'Power BI service' });

      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['token', 'value']);
      expect(res.body.value).toMatch(TOKEN_VALUE);
      expect(Object.keys(res.body.token).sort()).toEqual(TOKEN_KEYS);
      expect(res.body.token).toEqual<Token>({
        id: expect.stringMatching(UUID),
        label: 'Power BI service',
        createdAt: nowIso(test),
        expiresAt: null,
        status: 'active',
        revokedAt: null,
        lastUsedAt: null,
        ...FRESH_TOKEN_FIELDS,
      });
    });

    it('shows the value once: it appears in no later response (list, history, inventory)', async () => {
      const { token, value } = await mint(bob, 'Shown once');
      const { digest } = await tokenRow(test, token.id);

      const later = [
        await bob.get('/api/tokens'),
        await bob.get('/api/history'),
        await bob.get(`/api/history?tokenId=${token.id}`),
        await alice.get('/api/admin/history'),
        await alice.get('/api/admin/history', { accept: 'text/csv' }),
        await alice.get('/api/admin/tokens'),
        await patch(bob, `/api/tokens/${token.id}`, { label: 'Shown once, renamed' }),
        await bob.post(`/api/tokens/${token.id}/revoke`),
      ];
      for (const res of later) {
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(value);
        expect(res.text).not.toContain(value.slice(5)); // not even without its prefix
        expect(res.text).not.toContain(digest);
      }
      expect((await list(bob)).items.find((t) => t.id === token.id)).toBeDefined();
    });

    it('no response of the API may be cached (Cache-Control: no-store), the one with the value first', async () => {
      const created = await bob.post('/api/tokens', { label: 'Not cached' });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      for (const res of [
        await bob.get('/api/tokens'),
        await bob.get('/api/auth/me'),
        await bob.get('/api/health'),
        await bob.get('/api/nope'),
      ]) {
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('records token.created with the actor, the owner, the token and its expiry', async () => {
      const expiresAt = isoIn(test, 10 * 24 * HOUR);
      const { token } = await mint(bob, 'Audited', { expiresAt });

      const res = await bob.get<HistoryPage>(`/api/history?tokenId=${token.id}`);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          type: 'token.created',
          occurredAt: nowIso(test),
          actor: expect.objectContaining({ id: users.bob.id, username: 'bob' }),
          subjectUser: expect.objectContaining({ id: users.bob.id }),
          token: { id: token.id, label: 'Audited' },
          details: { expiresAt, scope: { kind: 'all' } },
        }),
      ]);
    });
  });

  describe('GET /api/tokens', () => {
    it('lists only my tokens, newest first, revoked and expired ones included, with activeCount and maxActive', async () => {
      const first = await mint(bob, 'first');
      test.clock.advance(1000);
      const second = await mint(bob, 'second', { expiresAt: isoIn(test, HOUR) });
      test.clock.advance(1000);
      const third = await mint(bob, 'third');
      await bob.post(`/api/tokens/${third.token.id}/revoke`);
      await mint(carol, 'not bob');
      test.clock.advance(HOUR);

      const body = await list(bob);

      expect(body.items.slice(0, 3).map((t) => [t.label, t.status])).toEqual([
        ['third', 'revoked'],
        ['second', 'expired'],
        ['first', 'active'],
      ]);
      expect(body.activeCount).toBe(1);
      expect(body.maxActive).toBe(5);
      const times = body.items.map((t) => Date.parse(t.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(body.items.map((t) => t.label)).not.toContain('not bob');
      expect(body.items.every((t) => Object.keys(t).sort().join() === TOKEN_KEYS.join())).toBe(
        true,
      );
      expect(first.token.id).not.toBe(second.token.id);
    });
  });

  describe('labels (1–100 characters after trimming, any Unicode)', () => {
    const HTML = '<img src=x onerror="alert(1)"><script>alert(\'x\')</script> & "quotes"';
    it.each([
      ['HTML, kept verbatim', HTML, HTML],
      ['emoji', '🔑 Power BI 🚀 — Zürich', '🔑 Power BI 🚀 — Zürich'],
      ['surrounding whitespace, trimmed', '  \t padded label \n ', 'padded label'],
      ['exactly 100 characters', 'a'.repeat(100), 'a'.repeat(100)],
      ['100 emoji (100 code points, 200 UTF-16 units)', '😀'.repeat(100), '😀'.repeat(100)],
      ['100 characters plus surrounding spaces', `  ${'b'.repeat(100)}  `, 'b'.repeat(100)],
      ['one character', 'x', 'x'],
    ])('accepts %s', async (_name, input, stored) => {
      const res = await bob.post<CreatedToken>('/api/tokens', { label: input });

      expect(res.status).toBe(201);
      expect(res.body.token.label).toBe(stored);
      expect((await listed(bob, res.body.token.id))?.label).toBe(stored);
      expect((await tokenRow(test, res.body.token.id)).label).toBe(stored);
      const [created] = await tokenEvents(test, res.body.token.id, 'token.created');
      expect(created.token_label).toBe(stored);
    });

    it.each([
      ['101 characters', 'a'.repeat(101)],
      ['101 emoji', '😀'.repeat(101)],
      ['an empty string', ''],
      ['only spaces', '     '],
      ['only whitespace of several kinds', ' \t\n\r \u00a0 '],
    ])('rejects %s with 400 invalid_label and writes nothing', async (_name, input) => {
      const before = await writeCounts(test);

      expectApiError(await bob.post('/api/tokens', { label: input }), 400, 'invalid_label');

      expect(await writeCounts(test)).toEqual(before);
    });
  });

  describe('bodies of the wrong shape: 400 with a code, nothing written', () => {
    const TYPE_CODES: ErrorCode[] = ['invalid_label', 'validation_failed'];
    it.each<[string, unknown, ErrorCode[]]>([
      ['a number for label', { label: 42 }, TYPE_CODES],
      ['an object for label', { label: { text: 'x' } }, TYPE_CODES],
      ['an array for label', { label: ['x'] }, TYPE_CODES],
      ['null for label', { label: null }, TYPE_CODES],
      ['a boolean for label', { label: true }, TYPE_CODES],
      ['no label at all', {}, TYPE_CODES],
      [
        'a number for expiresAt',
        { label: 'x', expiresAt: Date.now() + 86_400_000 },
        ['validation_failed'],
      ],
      ['an object for expiresAt', { label: 'x', expiresAt: { days: 3 } }, ['validation_failed']],
      [
        'a non-date string for expiresAt',
        { label: 'x', expiresAt: 'tomorrow' },
        ['validation_failed'],
      ],
      ['an unknown field', { label: 'x', permissions: 'all' }, ['validation_failed']],
      ['a string for scope', { label: 'x', scope: 'all' }, ['invalid_scope']],
      ['a caller-chosen value', { label: 'x', value: 'fpat_chosen' }, ['validation_failed']],
      ['a caller-chosen owner', { label: 'x', ownerId: randomUUID() }, ['validation_failed']],
    ])('%s', async (_name, body, codes) => {
      const before = await writeCounts(test);

      const res = await bob.post<{ statusCode: number; code: ErrorCode; message: string }>(
        '/api/tokens',
        body,
      );

      expect(res.status).toBe(400);
      expect(res.body.statusCode).toBe(400);
      expect(codes).toContain(res.body.code);
      expect(res.body.message).toEqual(expect.any(String));
      expect(await writeCounts(test)).toEqual(before);
    });

    it.each([
      ['POST /api/tokens', () => bob.post('/api/tokens', { label: 'nul\u0000byte' })],
      [
        'PATCH /api/tokens/:id',
        async () => {
          const { token } = await mint(bob, 'before nul');
          return patch(bob, `/api/tokens/${token.id}`, { label: 'nul\u0000byte' });
        },
      ],
    ])(
      'a label with a NUL character → 400 invalid_label on %s, not a server error',
      async (_name, send) => {
        const res = await send();

        expectApiError(res, 400, 'invalid_label');
        expect(await sql(test, `select id from access_token where label like 'nul%'`)).toEqual([]);
      },
    );

    it('a label with an unpaired surrogate is refused, or stored exactly as the response says', async () => {
      const res = await bob.post<CreatedToken>('/api/tokens', { label: 'broken \ud800 text' });

      if (res.status === 201) {
        // JSON spelling, so a failure shows \ud800 against \ufffd rather than two look-alikes.
        const stored = (await listed(bob, res.body.token.id))?.label;
        expect(JSON.stringify(stored)).toBe(JSON.stringify(res.body.token.label));
      } else {
        expectApiError(res, 400, 'invalid_label');
      }
    });

    it('an impossible calendar date (30 February) for expiresAt → 400, not a token expiring on 2 March', async () => {
      const before = await writeCounts(test);
      const year = test.clock.now().getUTCFullYear() + 1;

      const res = await bob.post<CreatedToken>('/api/tokens', {
        label: 'feb 30',
        expiresAt: `${year}-02-30T12:00:00Z`,
      });

      expect({ status: res.status, expiresAt: res.body.token?.expiresAt }).toEqual({
        status: 400,
        expiresAt: undefined,
      });
      expect(await writeCounts(test)).toEqual(before);
    });
  });

  describe('PATCH /api/tokens/:id (edit label)', () => {
    it('answers 200 Token with the new label and records token.label_changed {from, to}; older events keep the old label', async () => {
      const { token } = await mint(bob, 'Old name');
      test.clock.advance(1000);

      const res = await patch<Token>(bob, `/api/tokens/${token.id}`, { label: '  New name ' });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...token, label: 'New name' });
      expect((await listed(bob, token.id))?.label).toBe('New name');
      const history = await bob.get<HistoryPage>(`/api/history?tokenId=${token.id}`);
      expect(history.body.items.map((e) => [e.type, e.token?.label, e.details])).toEqual([
        ['token.label_changed', 'New name', { from: 'Old name', to: 'New name' }],
        ['token.created', 'Old name', { expiresAt: null, scope: { kind: 'all' } }],
      ]);
      expect(history.body.items[0].actor?.id).toBe(users.bob.id);
    });

    it('setting the same label again records no event', async () => {
      const { token } = await mint(bob, 'Same');

      const res = await patch<Token>(bob, `/api/tokens/${token.id}`, { label: 'Same' });

      expect(res.status).toBe(200);
      expect(await tokenEvents(test, token.id, 'token.label_changed')).toHaveLength(0);
    });

    it.each<[string, unknown, ErrorCode]>([
      ['a whitespace-only label', { label: '   ' }, 'invalid_label'],
      ['a 101-character label', { label: 'z'.repeat(101) }, 'invalid_label'],
      ['an unknown field', { label: 'ok', expiresAt: null }, 'validation_failed'],
    ])('rejects %s with 400, the label unchanged and no event', async (_name, body, code) => {
      const { token } = await mint(bob, 'Keep me');
      const before = await writeCounts(test);

      expectApiError(await patch(bob, `/api/tokens/${token.id}`, body), 400, code);

      expect((await listed(bob, token.id))?.label).toBe('Keep me');
      expect(await writeCounts(test)).toEqual(before);
    });

    it('a number for label → 400 with a code, label unchanged', async () => {
      const { token } = await mint(bob, 'Keep me too');

      const res = await patch<{ code: string }>(bob, `/api/tokens/${token.id}`, { label: 7 });

      expect(res.status).toBe(400);
      expect(['invalid_label', 'validation_failed']).toContain(res.body.code);
      expect((await listed(bob, token.id))?.label).toBe('Keep me too');
    });
  });

  describe('POST /api/tokens/:id/revoke', () => {
    it('answers 200 Token revoked; a second call gives the same answer and records no second event', async () => {
      const { token, value } = await mint(bob, 'Revoke me');
      expect(await feedAccepts(test, 'bob', value)).toBe(true);
      const lastUsedAt = nowIso(test);
      test.clock.advance(1000);
      const revokedAt = nowIso(test);

      const first = await bob.post<Token>(`/api/tokens/${token.id}/revoke`);
      test.clock.advance(5 * MINUTE);
      const second = await bob.post<Token>(`/api/tokens/${token.id}/revoke`);

      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        ...token,
        status: 'revoked',
        revokedAt,
        revokeReason: 'user',
        lastUsedAt,
        // Where feedAccepts used it from: loopback, with fetch's own User-Agent.
        lastUsedIp: '127.0.0.1',
        lastUsedClient: expect.any(String),
      });
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect(await listed(bob, token.id)).toEqual(first.body);
      const events = await tokenEvents(test, token.id, 'token.revoked');
      expect(events.map((e) => [e.actor_id, e.subject_user_id, e.details])).toEqual([
        [users.bob.id, users.bob.id, { reason: 'user' }],
      ]);
      expect((await list(bob)).activeCount).toBe(0);
      // Revocation takes effect on the very next request.
      expect(await feedAccepts(test, 'bob', value)).toBe(false);
    });
  });

  describe('POST /api/tokens/revoke-all', () => {
    it('revokes every active token with one token.revoked (revoke_all) event each; expired, revoked and other users’ tokens untouched', async () => {
      const a = await mint(bob, 'A');
      const b = await mint(bob, 'B');
      const soon = await mint(bob, 'expires soon', { expiresAt: isoIn(test, HOUR) });
      const gone = await mint(bob, 'already revoked');
      await bob.post(`/api/tokens/${gone.token.id}/revoke`);
      const carols = await mint(carol, 'carol keeps this');
      test.clock.advance(HOUR);
      const goneBefore = await tokenRow(test, gone.token.id);

      const res = await bob.post<RevokeAllResult>('/api/tokens/revoke-all');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revoked: 2 });
      for (const t of [a, b]) expect(await feedAccepts(test, 'bob', t.value)).toBe(false);
      for (const t of [a, b]) {
        expect((await listed(bob, t.token.id))?.status).toBe('revoked');
        const events = await tokenEvents(test, t.token.id, 'token.revoked');
        expect(events.map((e) => [e.token_label, e.details])).toEqual([
          [t.token.label, { reason: 'revoke_all' }],
        ]);
      }
      expect(await listed(bob, soon.token.id)).toMatchObject({
        status: 'expired',
        revokedAt: null,
      });
      expect(await tokenEvents(test, soon.token.id, 'token.revoked')).toHaveLength(0);
      expect(await tokenRow(test, gone.token.id)).toMatchObject({
        revoked_at: goneBefore.revoked_at,
        revoke_reason: 'user',
      });
      expect(await tokenEvents(test, gone.token.id, 'token.revoked')).toHaveLength(1);
      expect((await listed(carol, carols.token.id))?.status).toBe('active');

      const again = await bob.post<RevokeAllResult>('/api/tokens/revoke-all');
      expect(again.body).toEqual({ revoked: 0 });
      expect(await tokenEvents(test, a.token.id, 'token.revoked')).toHaveLength(1);
      await bob.post(`/api/tokens/revoke-all`);
      await carol.post(`/api/tokens/revoke-all`);
    });
  });

  describe('POST /api/tokens/:id/rotate', () => {
    it('answers 201 {token, value, replaced}: same label, a new value, the old token revoked (rotated), both recorded', async () => {
      const old = await mint(bob, 'Nightly refresh');
      test.clock.advance(1000);
      const at = nowIso(test);

      const res = await bob.post<RotatedToken>(`/api/tokens/${old.token.id}/rotate`);

      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['replaced', 'token', 'value']);
      expect(res.body.value).toMatch(TOKEN_VALUE);
      expect(res.body.value).not.toBe(old.value);
      expect(res.text).not.toContain(old.value);
      expect(res.body.token).toEqual<Token>({
        id: expect.stringMatching(UUID),
        label: 'Nightly refresh',
        createdAt: at,
        expiresAt: null,
        status: 'active',
        revokedAt: null,
        lastUsedAt: null,
        ...FRESH_TOKEN_FIELDS,
      });
      expect(res.body.token.id).not.toBe(old.token.id);
      expect(res.body.replaced).toEqual({
        ...old.token,
        status: 'revoked',
        revokedAt: at,
        revokeReason: 'rotated',
      });

      const body = await list(bob);
      expect(body.items[0]).toEqual(res.body.token);
      expect(body.items.find((t) => t.id === old.token.id)?.status).toBe('revoked');
      expect(body.activeCount).toBe(1);
      expect(
        (await tokenEvents(test, old.token.id, 'token.revoked')).map((e) => e.details),
      ).toEqual([{ reason: 'rotated' }]);
      const created = await tokenEvents(test, res.body.token.id, 'token.created');
      expect(created.map((e) => [e.token_label, e.details.rotatedFrom])).toEqual([
        ['Nightly refresh', old.token.id],
      ]);
      expect(await feedAccepts(test, 'bob', old.value)).toBe(false);
      expect(await feedAccepts(test, 'bob', res.body.value)).toBe(true);
    });

    it('works at 5 active tokens, leaving 5 active', async () => {
      const tokens = [];
      for (let i = 1; i <= 5; i++) tokens.push(await mint(bob, `slot ${i}`));
      expect((await list(bob)).activeCount).toBe(5);

      const res = await bob.post<RotatedToken>(`/api/tokens/${tokens[2].token.id}/rotate`);

      expect(res.status).toBe(201);
      expect(res.body.token.label).toBe('slot 3');
      const body = await list(bob);
      expect(body.activeCount).toBe(5);
      expect(body.items.filter((t) => t.status === 'active').map((t) => t.id)).toContain(
        res.body.token.id,
      );
    });

    it('a revoked token → 409 token_not_rotatable, nothing written', async () => {
      const { token } = await mint(bob, 'Dead');
      await bob.post(`/api/tokens/${token.id}/revoke`);
      const before = await writeCounts(test);

      expectApiError(await bob.post(`/api/tokens/${token.id}/rotate`), 409, 'token_not_rotatable');

      expect(await writeCounts(test)).toEqual(before);
    });

    it('an expired token is rotated when a slot is free: a fresh active replacement with its label', async () => {
      const old = await mint(bob, 'Expired one', { expiresAt: isoIn(test, HOUR) });
      test.clock.advance(2 * HOUR);
      expect((await listed(bob, old.token.id))?.status).toBe('expired');

      const res = await bob.post<RotatedToken>(`/api/tokens/${old.token.id}/rotate`);

      expect(res.status).toBe(201);
      expect(res.body.token).toMatchObject({ label: 'Expired one', status: 'active' });
      expect(res.body.value).toMatch(TOKEN_VALUE);
      expect(res.body.replaced.id).toBe(old.token.id);
      expect(res.body.replaced.status).not.toBe('active');
      expect((await tokenRow(test, res.body.token.id)).rotated_from).toBe(old.token.id);
      expect((await list(bob)).activeCount).toBe(1);
    });

    it('an expired token at 5 active → 409 active_token_limit, nothing written', async () => {
      const old = await mint(bob, 'Expired at full house', { expiresAt: isoIn(test, HOUR) });
      test.clock.advance(2 * HOUR);
      for (let i = 1; i <= 5; i++) await mint(bob, `full ${i}`);
      const before = await writeCounts(test);

      expectApiError(
        await bob.post(`/api/tokens/${old.token.id}/rotate`),
        409,
        'active_token_limit',
      );

      expect(await writeCounts(test)).toEqual(before);
      expect((await list(bob)).activeCount).toBe(5);
    });
  });

  describe('at most 5 active tokens', () => {
    it('the 6th mint → 409 active_token_limit, nothing written; revoking one frees a slot', async () => {
      const tokens = [];
      for (let i = 1; i <= 5; i++) tokens.push(await mint(bob, `token ${i}`));
      const before = await writeCounts(test);

      expectApiError(await bob.post('/api/tokens', { label: 'sixth' }), 409, 'active_token_limit');

      expect(await writeCounts(test)).toEqual(before);
      expect((await list(bob)).activeCount).toBe(5);
      await bob.post(`/api/tokens/${tokens[0].token.id}/revoke`);
      expect((await bob.post('/api/tokens', { label: 'sixth' })).status).toBe(201);
      expect((await list(bob)).activeCount).toBe(5);
    });

    it('an expired token takes no slot: the instant it expires, a new mint succeeds', async () => {
      await mint(bob, 'short-lived', { expiresAt: isoIn(test, HOUR) });
      for (let i = 1; i <= 4; i++) await mint(bob, `long ${i}`);
      expectApiError(
        await bob.post('/api/tokens', { label: 'too early' }),
        409,
        'active_token_limit',
      );

      test.clock.advance(HOUR);

      expect((await bob.post('/api/tokens', { label: 'right on time' })).status).toBe(201);
      expect((await list(bob)).activeCount).toBe(5);
    });

    it('the limit is per user: another user of the tenant can still mint', async () => {
      for (let i = 1; i <= 5; i++) await mint(bob, `bob ${i}`);

      expect((await carol.post('/api/tokens', { label: 'carol' })).status).toBe(201);
      await carol.post('/api/tokens/revoke-all');
    });
  });

  describe('status is exact', () => {
    it('a token expiring in 1 hour is active 1 ms before and expired at that instant, before any job runs', async () => {
      const expiresAt = isoIn(test, HOUR);
      const { token } = await mint(bob, 'one hour', { expiresAt });
      expect(token).toMatchObject({ status: 'active', expiresAt });

      test.clock.advance(HOUR - 1);
      expect((await listed(bob, token.id))?.status).toBe('active');
      expect((await list(bob)).activeCount).toBe(1);

      test.clock.advance(1);
      expect((await listed(bob, token.id))?.status).toBe('expired');
      expect((await list(bob)).activeCount).toBe(0);
      const inventory = await alice.get<InventoryPage>(`/api/admin/tokens?userId=${users.bob.id}`);
      expect(inventory.body.items.find((t) => t.id === token.id)?.status).toBe('expired');
      // No job ran: nothing was written about it.
      expect(await tokenEvents(test, token.id, 'token.expired')).toHaveLength(0);
      expect((await tokenRow(test, token.id)).revoked_at).toBeNull();
    });

    it('a token with an expiry authenticates on the feed until that instant, and is refused from it', async () => {
      const { value } = await mint(bob, 'feed, one hour', { expiresAt: isoIn(test, HOUR) });

      expect(await feedAccepts(test, 'bob', value)).toBe(true);
      test.clock.advance(HOUR - 1);
      expect(await feedAccepts(test, 'bob', value)).toBe(true);
      test.clock.advance(1);
      expect(await feedAccepts(test, 'bob', value)).toBe(false);
    });
  });

  describe("a user cannot see, edit, revoke or rotate another user's token", () => {
    const attackers: [string, () => ApiClient][] = [
      ['another user of the same tenant', () => carol],
      ['an admin of the same tenant', () => alice],
      ['a user of another tenant', () => hank],
    ];

    it.each(attackers)(
      '%s gets 404 everywhere and the token is unchanged',
      async (_who, attacker) => {
        const { token } = await mint(bob, "Bob's secret refresh");
        const rowBefore = await tokenRow(test, token.id);
        const eventsBefore = await tokenEvents(test, token.id);

        const seen = await attacker().get<TokenList>('/api/tokens');
        expect(seen.status).toBe(200);
        expect(seen.text).not.toContain(token.id);
        const tries: [string, Promise<ApiResponse>][] = [
          ['PATCH', patch(attacker(), `/api/tokens/${token.id}`, { label: 'pwned' })],
          ['revoke', attacker().post(`/api/tokens/${token.id}/revoke`)],
          ['rotate', attacker().post(`/api/tokens/${token.id}/rotate`)],
        ];
        for (const [, attempt] of tries) expectApiError(await attempt, 404, 'not_found');
        const history = await attacker().get<HistoryPage>(`/api/history?tokenId=${token.id}`);
        expect(history.body.items).toEqual([]);

        expect(await listed(bob, token.id)).toEqual(token);
        expect(await tokenRow(test, token.id)).toEqual(rowBefore);
        expect(await tokenEvents(test, token.id)).toEqual(eventsBefore);
        const minted = await sql(
          test,
          `select id from access_token where rotated_from = ? or (label = 'pwned')`,
          [token.id],
        );
        expect(minted).toEqual([]);
      },
    );

    it("the 404 for someone else's token is the same as for a token that does not exist", async () => {
      const { token } = await mint(bob, 'exists');
      const theirs = await carol.post<unknown>(`/api/tokens/${token.id}/revoke`);
      const nobody = await carol.post<unknown>(`/api/tokens/${randomUUID()}/revoke`);

      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(nobody.body);
    });
  });

  describe('malformed token ids → 404', () => {
    const ids = [
      'abc',
      '123',
      "1' or '1'='1",
      '00000000-0000-0000-0000-00000000000',
      `${randomUUID()}x`,
      randomUUID().toUpperCase().replace(/-/g, ''),
      randomUUID(),
    ];
    it.each(ids)('%s', async (id) => {
      await mint(bob, 'bystander');
      const path = `/api/tokens/${encodeURIComponent(id)}`;
      const before = await writeCounts(test);

      expectApiError(await patch(bob, path, { label: 'x' }), 404, 'not_found');
      expectApiError(await bob.post(`${path}/revoke`), 404, 'not_found');
      expectApiError(await bob.post(`${path}/rotate`), 404, 'not_found');

      expect(await writeCounts(test)).toEqual(before);
      expect((await list(bob)).activeCount).toBe(1);
    });
  });
});
