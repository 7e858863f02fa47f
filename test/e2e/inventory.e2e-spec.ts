import type { InventoryPage, InventoryToken, TokenStatus } from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { DAY, expectApiError, HOUR, sql } from '../setup/e2e-helpers';
import { startTestApp, type SeededUser, type TestApp } from '../setup/test-app';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
import {
  allPages,
  feedAccepts,
  isoIn,
  LONG_SESSIONS,
  mint,
  TOKEN_KEYS,
} from '../setup/token-helpers';

describe('token inventory: GET /api/admin/tokens (SPEC 1, 7)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let acmeId: string;
  let alice: ApiClient; // admin of Acme
  let bob: ApiClient;
  let carol: ApiClient;
  let gina: ApiClient; // admin of Globex
  let hank: ApiClient;
  const ids: Record<string, string> = {};
  const values: string[] = [];
  const valueOf: Record<string, string> = {};

  beforeAll(async () => {
    test = await startTestApp(LONG_SESSIONS);
    ({
      acmeId,
      users,
      clients: { alice, bob, carol, gina, hank },
    } = await seedAcmeAndGlobex(test));

    const keep = async (client: ApiClient, name: string, extra: Record<string, unknown> = {}) => {
      const created = await mint(client, name, extra);
      ids[name] = created.token.id;
      values.push(created.value);
      valueOf[name] = created.value;
      test.clock.advance(1000);
    };
    await keep(bob, 'bob forever');
    await keep(bob, 'bob two days', { expiresAt: isoIn(test, 2 * DAY) });
    await keep(bob, 'bob revoked');
    await bob.post(`/api/tokens/${ids['bob revoked']}/revoke`);
    await keep(bob, 'bob expired', { expiresAt: isoIn(test, HOUR) });
    await keep(carol, 'carol ten days', { expiresAt: isoIn(test, 10 * DAY) });
    await keep(alice, 'alice own');
    await keep(hank, 'hank other tenant');
    await keep(gina, 'gina other tenant');
    test.clock.advance(2 * HOUR); // 'bob expired' is now expired
  });
  afterAll(() => test.close());

  const inventory = async (client: ApiClient, query = '') => {
    const res = await client.get<InventoryPage>(`/api/admin/tokens${query}`);
    expect(res.status).toBe(200);
    return res;
  };
  const labels = (items: InventoryToken[]) => items.map((t) => t.label);

  it("lists every token of the admin's tenant, newest first, with owner and metadata", async () => {
    const { body } = await inventory(alice);

    expect(labels(body.items)).toEqual([
      'alice own',
      'carol ten days',
      'bob expired',
      'bob revoked',
      'bob two days',
      'bob forever',
    ]);
    expect(body.nextCursor).toBeNull();
    const two = body.items.find((t) => t.id === ids['bob two days'])!;
    expect(Object.keys(two).sort()).toEqual([...TOKEN_KEYS, 'owner'].sort());
    expect(two).toMatchObject({
      status: 'active',
      expiresAt: expect.any(String),
      revokedAt: null,
      lastUsedAt: null,
      owner: { id: users.bob.id, username: 'bob', displayName: 'bob' },
    });
    expect(body.items.find((t) => t.id === ids['carol ten days'])?.owner.username).toBe('carol');
  });

  it('never carries a token value or digest', async () => {
    const res = await inventory(alice, '?limit=200');
    const digests = await sql<{ digest: string }>(test, 'select digest from access_token');

    expect(res.text).not.toContain('fpat_');
    for (const value of values) expect(res.text).not.toContain(value.slice(5));
    for (const { digest } of digests) expect(res.text).not.toContain(digest);
    expect(res.text).not.toMatch(/digest|"value"/i);
  });

  it('filters by owner', async () => {
    const { body } = await inventory(alice, `?userId=${users.bob.id}`);
    expect(labels(body.items)).toEqual([
      'bob expired',
      'bob revoked',
      'bob two days',
      'bob forever',
    ]);
    expect(body.items.every((t) => t.owner.id === users.bob.id)).toBe(true);
  });

  it.each<[TokenStatus, string[]]>([
    ['active', ['alice own', 'carol ten days', 'bob two days', 'bob forever']],
    ['expired', ['bob expired']],
    ['revoked', ['bob revoked']],
  ])('filters by status %s, computed at "now"', async (status, expected) => {
    const { body } = await inventory(alice, `?status=${status}`);
    expect(labels(body.items)).toEqual(expected);
    expect(body.items.every((t) => t.status === status)).toBe(true);
  });

  it('filters by expiresBefore (tokens without expiry never match), combinable with status', async () => {
    const within5Days = encodeURIComponent(isoIn(test, 5 * DAY));

    const all = await inventory(alice, `?expiresBefore=${within5Days}`);
    expect(labels(all.body.items)).toEqual(['bob expired', 'bob two days']);
    const active = await inventory(alice, `?status=active&expiresBefore=${within5Days}`);
    expect(labels(active.body.items)).toEqual(['bob two days']);
    const later = await inventory(
      alice,
      `?status=active&expiresBefore=${encodeURIComponent(isoIn(test, 30 * DAY))}`,
    );
    expect(labels(later.body.items)).toEqual(['carol ten days', 'bob two days']);
  });

  it('a status filter follows the clock: a token past its expiry moves from active to expired', async () => {
    const { token } = await mint(carol, 'carol one hour', { expiresAt: isoIn(test, HOUR) });
    expect(labels((await inventory(alice, '?status=active')).body.items)).toContain(
      'carol one hour',
    );

    test.clock.advance(HOUR);

    expect(labels((await inventory(alice, '?status=active')).body.items)).not.toContain(
      'carol one hour',
    );
    const expired = await inventory(alice, '?status=expired');
    expect(expired.body.items.find((t) => t.id === token.id)?.status).toBe('expired');
  });

  it('pages by cursor: every token exactly once, newest first, also when many share a creation time', async () => {
    // Seven more tokens minted at the same instant: the cursor must break ties.
    for (const [i, client] of [bob, bob, bob, carol, carol, carol, carol].entries()) {
      await mint(client, `same instant ${i}`);
    }
    const whole = (await inventory(alice, '?limit=200')).body.items;

    for (const limit of [1, 2, 5]) {
      const { items, pages } = await allPages<InventoryToken>(
        alice,
        `/api/admin/tokens?limit=${limit}`,
      );
      expect(items.map((t) => t.id)).toEqual(whole.map((t) => t.id));
      expect(new Set(items.map((t) => t.id)).size).toBe(items.length);
      expect(pages.every((p) => p.length <= limit)).toBe(true);
    }
    const filtered = await allPages<InventoryToken>(
      alice,
      `/api/admin/tokens?status=active&limit=2`,
    );
    expect(filtered.items.map((t) => t.id)).toEqual(
      whole.filter((t) => t.status === 'active').map((t) => t.id),
    );
    const [count] = await sql<{ n: string }>(
      test,
      'select count(*) as n from access_token where tenant_id = ?',
      [acmeId],
    );
    expect(whole).toHaveLength(Number(count.n));
  });

  it('shows when a token was last used on the feed', async () => {
    expect(await feedAccepts(test, 'bob', valueOf['bob forever'])).toBe(true);
    const usedAt = test.clock.now().toISOString();

    const { body } = await inventory(alice, `?userId=${users.bob.id}`);

    expect(body.items.find((t) => t.id === ids['bob forever'])?.lastUsedAt).toBe(usedAt);
    expect(body.items.find((t) => t.id === ids['bob revoked'])?.lastUsedAt).toBeNull();
  });

  it.each([
    ['an invalid cursor', '?cursor=garbage', 'invalid_cursor'],
    ['a history cursor', `?cursor=${Buffer.from('[5]').toString('base64url')}`, 'invalid_cursor'],
    ['an unknown status', '?status=dormant', 'validation_failed'],
    ['a malformed userId', '?userId=bob', 'validation_failed'],
    ['a malformed expiresBefore', '?expiresBefore=next-week', 'validation_failed'],
  ] as const)('rejects %s with 400', async (_name, query, code) => {
    expectApiError(await alice.get(`/api/admin/tokens${query}`), 400, code);
  });

  it('a non-admin gets 403 forbidden; nobody signed in gets 401', async () => {
    expectApiError(await bob.get('/api/admin/tokens'), 403, 'forbidden');
    expectApiError(
      await new ApiClient(test.baseUrl).get('/api/admin/tokens'),
      401,
      'unauthenticated',
    );
  });

  it("an admin of one tenant cannot read another tenant's inventory", async () => {
    const acme = await allPages<InventoryToken>(alice, '/api/admin/tokens?limit=200');
    const globex = await allPages<InventoryToken>(gina, '/api/admin/tokens?limit=200');

    expect(acme.items.some((t) => ['hank', 'gina'].includes(t.owner.username))).toBe(false);
    expect(labels(globex.items)).toEqual(['gina other tenant', 'hank other tenant']);
    expect((await inventory(alice, `?userId=${users.hank.id}`)).body.items).toEqual([]);
    expect((await inventory(gina, `?userId=${users.bob.id}`)).body.items).toEqual([]);
    expectApiError(await hank.get('/api/admin/tokens'), 403, 'forbidden');
  });

  it("an admin cannot revoke, rotate or rename another user's token (404), which stays active", async () => {
    const id = ids['bob forever'];
    expectApiError(await alice.post(`/api/tokens/${id}/revoke`), 404, 'not_found');
    expectApiError(await alice.post(`/api/tokens/${id}/rotate`), 404, 'not_found');
    expectApiError(
      await alice.request('PATCH', `/api/tokens/${id}`, { label: 'admin was here' }),
      404,
      'not_found',
    );

    const { body } = await inventory(alice, `?userId=${users.bob.id}`);
    expect(body.items.find((t) => t.id === id)).toMatchObject({
      status: 'active',
      label: 'bob forever',
    });
  });
});
