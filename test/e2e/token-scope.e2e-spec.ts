import type {
  CreatedToken,
  DataSource,
  HistoryPage,
  InventoryPage,
  RotatedToken,
  Token,
  TokenList,
} from '@feedpass/contracts';
import { TOKEN_SCOPE_MAX } from '@feedpass/contracts';
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../setup/api-client';
import { expectApiError } from '../setup/e2e-helpers';
import {
  createDataSource,
  expectODataError,
  feedGet,
  feedPath,
  mintCredentials,
  seedDemoSchema,
  type Credentials,
} from '../setup/odata-helpers';
import { startTestApp, type SeededUser, type TestApp } from '../setup/test-app';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
import { countWhere, mint, writeCounts } from '../setup/token-helpers';

/** The one answer to a well-formed scope naming a data source the owner cannot read. */
const NOT_READABLE =
  'A token can be limited only to data sources you own or that were shared with you, and at least one of these is not';

/**
 * Token scope (SPEC 12): a token minted for chosen data sources reads only those, through
 * every feed path; rotation keeps the scope; deleting a data source narrows it; a scope the
 * owner could not read is refused without revealing what exists.
 */
describe('token scope: POST /api/tokens {scope} and the feed (SPEC 12)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let alice: ApiClient; // Acme admin
  let bob: ApiClient; // Acme, owns Sales, Finance, Pipeline
  let carol: ApiClient; // Acme, owns Carol private and Carol shared (shared with bob)
  let hank: ApiClient; // Globex
  const ds = {} as Record<
    'sales' | 'finance' | 'pipeline' | 'carolPrivate' | 'carolShared' | 'globex',
    DataSource
  >;
  let bobAll: Credentials;

  const ref = (source: DataSource) => ({ id: source.id, name: source.name });
  const scopeOf = (...sources: DataSource[]) => ({
    kind: 'data_sources',
    dataSourceIds: sources.map((s) => s.id),
  });
  const feed = <T = unknown>(source: DataSource, who: Credentials, sub = '') =>
    feedGet<T>(test, `${feedPath(source)}${sub}`, { credentials: who });
  const listed = async (client: ApiClient, id: string) => {
    const res = await client.get<TokenList>('/api/tokens');
    expect(res.status).toBe(200);
    return res.body.items.find((t) => t.id === id);
  };
  const createdEvent = async (client: ApiClient, tokenId: string) => {
    const res = await client.get<HistoryPage>(`/api/history?type=token.created&tokenId=${tokenId}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0];
  };
  const revoke = (client: ApiClient, id: string) => client.post(`/api/tokens/${id}/revoke`);
  const counts = async () => ({
    ...(await writeCounts(test)),
    scopes: await countWhere(test, 'access_token_scope'),
  });

  beforeAll(async () => {
    test = await startTestApp();
    await seedDemoSchema(test, { deals: 50 });
    ({
      users,
      clients: { alice, bob, carol, hank },
    } = await seedAcmeAndGlobex(test));
    ds.sales = await createDataSource(bob, 'Sales', ['deals']);
    ds.finance = await createDataSource(bob, 'Finance', ['accounts']);
    ds.pipeline = await createDataSource(bob, 'Pipeline', ['contacts']);
    ds.carolPrivate = await createDataSource(carol, 'Carol private', ['deals']);
    ds.carolShared = await createDataSource(carol, 'Carol shared', ['accounts']);
    ds.globex = await createDataSource(hank, 'Globex', ['deals']);
    const share = await carol.post(`/api/data-sources/${ds.carolShared.id}/shares`, {
      username: 'bob',
    });
    expect(share.status).toBe(200);
    bobAll = (await mintCredentials(bob, 'bob', 'bob all')).credentials;
  }, 60_000);
  afterAll(() => test?.close());

  describe('a scoped token', () => {
    let scoped: CreatedToken;
    let creds: Credentials;
    const MESSAGE = 'This token may read only these data sources: Carol shared, Sales.';

    beforeAll(async () => {
      scoped = await mint(bob, 'Sales only', { scope: scopeOf(ds.sales, ds.carolShared) });
      creds = { username: 'bob', token: scoped.value };
    });

    it('is created with its scope, by name, and listed with it', async () => {
      const scope = { kind: 'data_sources', dataSources: [ref(ds.carolShared), ref(ds.sales)] };
      expect(scoped.token.scope).toEqual(scope);
      expect((await listed(bob, scoped.token.id))?.scope).toEqual(scope);
    });

    it('reads its own data sources: service document, $metadata, sets (owned and shared)', async () => {
      expect((await feed(ds.sales, creds)).status).toBe(200);
      expect((await feed(ds.sales, creds, '$metadata')).status).toBe(200);
      const deals = await feed<{ value: unknown[] }>(ds.sales, creds, 'Deals?$top=3');
      expect(deals.status).toBe(200);
      expect(deals.body.value).toHaveLength(3);
      expect((await feed(ds.carolShared, creds, 'Accounts?$top=1')).status).toBe(200);
    });

    it('is 403 out_of_scope on any path of another data source its owner can read, naming the scope', async () => {
      for (const sub of ['', '$metadata', 'Accounts', 'Accounts?$top=1', 'Accounts/$count']) {
        const error = expectODataError(await feed(ds.finance, creds, sub), 403, 'out_of_scope');
        expect(error.message).toBe(MESSAGE);
      }
      // The owner's unscoped token still reads it.
      expect((await feed(ds.finance, bobAll, 'Accounts?$top=1')).status).toBe(200);
    });

    it('answers what the owner cannot read exactly as an unscoped token would (403 not shared, 404 unknown)', async () => {
      for (const who of [creds, bobAll]) {
        expectODataError(await feed(ds.carolPrivate, who), 403, 'forbidden');
        expectODataError(await feed(ds.globex, who), 404, 'not_found');
        expectODataError(
          await feedGet(test, '/odata/NoSuchKey123/', { credentials: who }),
          404,
          'not_found',
        );
      }
    });

    it('records its scope in token.created, and the admin inventory shows it', async () => {
      const event = await createdEvent(bob, scoped.token.id);
      expect(event.details).toEqual({
        expiresAt: null,
        scope: { kind: 'data_sources', dataSources: [ref(ds.carolShared), ref(ds.sales)] },
      });
      const all = await createdEvent(
        bob,
        (await bob.get<TokenList>('/api/tokens')).body.items.find((t) => t.label === 'bob all')!.id,
      );
      expect(all.details).toEqual({ expiresAt: null, scope: { kind: 'all' } });

      const inventory = await alice.get<InventoryPage>('/api/admin/tokens');
      expect(inventory.status).toBe(200);
      const byLabel = new Map(inventory.body.items.map((t) => [t.label, t]));
      expect(byLabel.get('Sales only')?.scope).toEqual(scoped.token.scope);
      expect(byLabel.get('bob all')?.scope).toEqual({ kind: 'all' });
    });

    it('keeps its scope through a label edit', async () => {
      const res = await bob.patch<Token>(`/api/tokens/${scoped.token.id}`, { label: 'Sales BI' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toEqual(scoped.token.scope);
    });

    it('keeps its scope through rotation: the replacement reads the same, and nothing else', async () => {
      const res = await bob.post<RotatedToken>(`/api/tokens/${scoped.token.id}/rotate`);
      expect(res.status).toBe(201);
      expect(res.body.token.scope).toEqual(scoped.token.scope);
      expect(res.body.replaced.scope).toEqual(scoped.token.scope);
      expect((await listed(bob, res.body.token.id))?.scope).toEqual(scoped.token.scope);
      const fresh = { username: 'bob', token: res.body.value };

      expect((await feed(ds.sales, fresh, 'Deals?$top=1')).status).toBe(200);
      expect((await feed(ds.carolShared, fresh)).status).toBe(200);
      const error = expectODataError(await feed(ds.finance, fresh), 403, 'out_of_scope');
      expect(error.message).toBe(MESSAGE);
      expect((await feed(ds.sales, creds)).status).toBe(401);

      expect((await createdEvent(bob, res.body.token.id)).details).toEqual({
        expiresAt: null,
        rotatedFrom: scoped.token.id,
        scope: scoped.token.scope,
      });
      await revoke(bob, res.body.token.id);
    });

    it('losing access narrows nothing else: an unshared data source is 403 not shared, the rest still reads', async () => {
      const other = await mint(bob, 'shared two', { scope: scopeOf(ds.carolShared, ds.pipeline) });
      const who = { username: 'bob', token: other.value };
      const unshare = await carol.request(
        'DELETE',
        `/api/data-sources/${ds.carolShared.id}/shares/${users.bob.id}`,
      );
      expect(unshare.status).toBe(204);
      try {
        expectODataError(await feed(ds.carolShared, who), 403, 'forbidden');
        expect((await feed(ds.pipeline, who)).status).toBe(200);
        expectODataError(await feed(ds.sales, who), 403, 'out_of_scope');
      } finally {
        await carol.post(`/api/data-sources/${ds.carolShared.id}/shares`, { username: 'bob' });
        await revoke(bob, other.token.id);
      }
    });
  });

  describe('deleting a data source narrows the scopes that list it', () => {
    it('drops out of the token list and the refusal message; the other data sources still read', async () => {
      const temp = await createDataSource(bob, 'Temp', ['deals']);
      const created = await mint(bob, 'with temp', { scope: scopeOf(temp, ds.pipeline) });
      const who = { username: 'bob', token: created.value };
      expect((await feed(temp, who)).status).toBe(200);

      expect((await bob.request('DELETE', `/api/data-sources/${temp.id}`)).status).toBe(204);

      expect((await listed(bob, created.token.id))?.scope).toEqual({
        kind: 'data_sources',
        dataSources: [ref(ds.pipeline)],
      });
      expect((await feed(ds.pipeline, who, 'Contacts?$top=1')).status).toBe(200);
      expectODataError(await feed(temp, who), 404, 'not_found');
      const error = expectODataError(await feed(ds.sales, who), 403, 'out_of_scope');
      expect(error.message).toBe('This token may read only these data sources: Pipeline.');
      await revoke(bob, created.token.id);
    });

    it('a scope with none left reads nothing, says so, and stays so through rotation', async () => {
      const temp = await createDataSource(bob, 'Temp two', ['deals']);
      const created = await mint(bob, 'only temp', { scope: scopeOf(temp) });
      expect((await bob.request('DELETE', `/api/data-sources/${temp.id}`)).status).toBe(204);

      const none = { kind: 'data_sources', dataSources: [] };
      expect((await listed(bob, created.token.id))?.scope).toEqual(none);
      const error = expectODataError(
        await feed(ds.sales, { username: 'bob', token: created.value }),
        403,
        'out_of_scope',
      );
      expect(error.message).toBe(
        'This token may read only these data sources: none left (they were deleted).',
      );

      const rotated = await bob.post<RotatedToken>(`/api/tokens/${created.token.id}/rotate`);
      expect(rotated.status).toBe(201);
      expect(rotated.body.token.scope).toEqual(none);
      expectODataError(
        await feed(ds.sales, { username: 'bob', token: rotated.body.value }),
        403,
        'out_of_scope',
      );
      await revoke(bob, rotated.body.token.id);
    });
  });

  describe('a scope the owner cannot read', () => {
    it('is the same 400 invalid_scope for another tenant’s, a nonexistent and an unreadable id, and writes nothing', async () => {
      const before = await counts();
      const answers = [];
      for (const id of [ds.globex.id, randomUUID(), ds.carolPrivate.id]) {
        for (const ids of [[id], [ds.sales.id, id]]) {
          const res = await bob.post('/api/tokens', {
            label: 'sneaky',
            scope: { kind: 'data_sources', dataSourceIds: ids },
          });
          answers.push(expectApiError(res, 400, 'invalid_scope'));
        }
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(JSON.stringify(answers[0])).not.toMatch(/Globex|Carol|hank|carol/i);
      expect(await counts()).toEqual(before);
    });

    it('an admin may not scope a token to a data source of a user of the tenant they cannot read', async () => {
      expectApiError(
        await alice.post('/api/tokens', { label: 'admin', scope: scopeOf(ds.sales) }),
        400,
        'invalid_scope',
      );
    });
  });

  describe('an ill-formed scope is 400 invalid_scope', () => {
    const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
    const cases: [string, () => unknown][] = [
      ['an empty list', () => ({ kind: 'data_sources', dataSourceIds: [] })],
      [`${TOKEN_SCOPE_MAX + 1} ids`, () => ({ kind: 'data_sources', dataSourceIds: ids(51) })],
      [
        'a repeated id',
        () => ({ kind: 'data_sources', dataSourceIds: [ds.sales.id, ds.sales.id] }),
      ],
      [
        'a repeated id in another case',
        () => ({ kind: 'data_sources', dataSourceIds: [ds.sales.id, ds.sales.id.toUpperCase()] }),
      ],
      ['a non-UUID', () => ({ kind: 'data_sources', dataSourceIds: ['sales'] })],
      ['a number as id', () => ({ kind: 'data_sources', dataSourceIds: [42] })],
      ['no list', () => ({ kind: 'data_sources' })],
      ['a list that is not an array', () => ({ kind: 'data_sources', dataSourceIds: ds.sales.id })],
      ['an unknown kind', () => ({ kind: 'some' })],
      ['extra fields', () => ({ kind: 'all', dataSourceIds: [ds.sales.id] })],
      ['a string', () => 'all'],
      ['null', () => null],
      ['an array', () => [ds.sales.id]],
    ];
    it.each(cases)('%s', async (_name, scope) => {
      const before = await counts();
      expectApiError(
        await bob.post('/api/tokens', { label: 'bad', scope: scope() }),
        400,
        'invalid_scope',
      );
      expect(await counts()).toEqual(before);
    });

    it('exactly 50 ids are checked for readability (not for their number)', async () => {
      const error = expectApiError(
        await bob.post('/api/tokens', {
          label: 'fifty',
          scope: { kind: 'data_sources', dataSourceIds: ids(TOKEN_SCOPE_MAX) },
        }),
        400,
        'invalid_scope',
      );
      expect(error.message).toBe(NOT_READABLE);
      expect(error.message).not.toContain(`1 to ${TOKEN_SCOPE_MAX}`);
    });
  });

  describe('other well-formed scopes', () => {
    it('{kind:"all"} is the default; ids are taken in any case', async () => {
      const all = await mint(carol, 'carol all', { scope: { kind: 'all' } });
      expect(all.token.scope).toEqual({ kind: 'all' });
      const upper = await mint(carol, 'carol upper', {
        scope: { kind: 'data_sources', dataSourceIds: [ds.carolPrivate.id.toUpperCase()] },
      });
      expect(upper.token.scope).toEqual({
        kind: 'data_sources',
        dataSources: [ref(ds.carolPrivate)],
      });
      expect((await feed(ds.carolPrivate, { username: 'carol', token: upper.value })).status).toBe(
        200,
      );
      expectODataError(
        await feed(ds.carolShared, { username: 'carol', token: upper.value }),
        403,
        'out_of_scope',
      );
      expect((await feed(ds.carolShared, { username: 'carol', token: all.value })).status).toBe(
        200,
      );
    });
  });
});
