import type { Catalog, DataSource, DataSourceList, HistoryPage } from '@feedpass/contracts';
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../setup/api-client';
import { ApiClient as Client } from '../setup/api-client';
import { expectApiError, sql } from '../setup/e2e-helpers';
import {
  createDataSource,
  expectChallenge,
  expectODataError,
  feedGet,
  feedKey,
  feedPath,
  mintCredentials,
  seedDemoSchema,
  type Credentials,
} from '../setup/odata-helpers';
import { startTestApp, type SeededUser, type TestApp } from '../setup/test-app';
import { seedAcmeAndGlobex } from '../setup/acme-globex';

/**
 * Data sources (SPEC 6, 7): the catalog, create, list, share/unshare, delete — and what each
 * does to the feed: tokens carry their owner's permissions, no more, no less.
 */

const PUBLIC_URL = 'https://feedpass.example.com';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ODATA_URL = new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}/odata/([0-9A-Za-z]{20,})/$`);

describe('data sources: /api/data-sources and who may read their feed (SPEC 6, 7)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let alice: ApiClient; // Acme admin
  let bob: ApiClient; // Acme, owns data sources
  let carol: ApiClient; // Acme
  let hank: ApiClient; // Globex
  const creds = {} as Record<'bob' | 'carol' | 'hank', Credentials>;

  const ref = (name: string) => ({ id: users[name].id, username: name, displayName: name });
  const list = async (client: ApiClient) => {
    const res = await client.get<DataSourceList>('/api/data-sources');
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const events = async (client: ApiClient, type: string, path = '/api/history') => {
    const res = await client.get<HistoryPage>(`${path}?type=${type}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const feed = (source: Pick<DataSource, 'odataUrl'>, who: Credentials | null, sub = '') =>
    feedGet(test, `${feedPath(source)}${sub}`, { credentials: who });
  const countSources = async () =>
    Number((await sql<{ n: string }>(test, 'select count(*) as n from data_source'))[0].n);

  beforeAll(async () => {
    test = await startTestApp({ PUBLIC_URL });
    await seedDemoSchema(test, { deals: 300 });
    ({
      users,
      clients: { alice, bob, carol, hank },
    } = await seedAcmeAndGlobex(test));
    creds.bob = (await mintCredentials(bob, 'bob')).credentials;
    creds.carol = (await mintCredentials(carol, 'carol')).credentials;
    creds.hank = (await mintCredentials(hank, 'hank')).credentials;
  }, 60_000);
  afterAll(() => test?.close());

  describe('GET /api/data-sources/catalog', () => {
    it('lists the tables of the source schema with their columns as Edm types and their keys', async () => {
      const res = await bob.get<Catalog>('/api/data-sources/catalog');

      expect(res.status).toBe(200);
      expect(res.body.schema).toBe('demo');
      expect(res.body.tables.map((t) => [t.table, t.kind, t.entitySet, t.key])).toEqual([
        ['account_totals', 'view', 'AccountTotals', ['AccountId']],
        ['accounts', 'table', 'Accounts', ['Id']],
        ['contacts', 'table', 'Contacts', ['Id']],
        ['deal_products', 'table', 'DealProducts', ['DealId', 'Product']],
        ['deals', 'table', 'Deals', ['Id']],
      ]);
      const deals = res.body.tables.find((t) => t.table === 'deals')!;
      expect(deals.columns).toEqual([
        { column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false },
        { column: 'account_id', name: 'AccountId', type: 'Edm.Int32', nullable: false },
        { column: 'owner', name: 'Owner', type: 'Edm.String', nullable: false },
        { column: 'name', name: 'Name', type: 'Edm.String', nullable: false },
        { column: 'stage', name: 'Stage', type: 'Edm.String', nullable: false },
        { column: 'amount', name: 'Amount', type: 'Edm.Decimal', nullable: false },
        { column: 'probability', name: 'Probability', type: 'Edm.Int16', nullable: false },
        { column: 'is_won', name: 'IsWon', type: 'Edm.Boolean', nullable: false },
        { column: 'created_at', name: 'CreatedAt', type: 'Edm.DateTimeOffset', nullable: false },
        { column: 'closed_at', name: 'ClosedAt', type: 'Edm.DateTimeOffset', nullable: true },
      ]);
      const accounts = res.body.tables.find((t) => t.table === 'accounts')!;
      expect(accounts.columns.map((c) => [c.name, c.type])).toEqual([
        ['Id', 'Edm.Int32'],
        ['Name', 'Edm.String'],
        ['Industry', 'Edm.String'],
        ['Country', 'Edm.String'],
        ['CreatedAt', 'Edm.DateTimeOffset'],
      ]);
    });

    it('is 401 unauthenticated without a session', async () => {
      expectApiError(
        await new Client(test.baseUrl).get('/api/data-sources/catalog'),
        401,
        'unauthenticated',
      );
    });
  });

  describe('POST /api/data-sources', () => {
    it('creates a data source owned by the caller, with odataUrl = PUBLIC_URL/odata/{key}/ and an unguessable key', async () => {
      const res = await bob.post<DataSource>('/api/data-sources', {
        name: '  Pipeline  ',
        tables: ['deals', 'accounts'],
      });

      expect(res.status).toBe(201);
      expect(res.body).toEqual<DataSource>({
        id: expect.stringMatching(UUID),
        name: 'Pipeline',
        tables: ['deals', 'accounts'],
        owner: ref('bob'),
        owned: true,
        odataUrl: expect.stringMatching(ODATA_URL),
        sharedWith: [],
        rowFilters: {},
        lastReadAt: null,
        // ISO-8601 UTC. (Not compared with test.clock: data_source.created_at comes from the
        // entity's wall-clock default, not the injectable Clock.)
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      const other = await createDataSource(bob, 'Pipeline', ['deals']);
      expect(feedKey(other)).not.toBe(feedKey(res.body));
      expect(other.id).not.toBe(res.body.id);
      // Keys are random base62, not derived from the id, the name or a counter.
      expect(feedKey(res.body)).not.toContain(res.body.id.replace(/-/g, '').slice(0, 8));
    });

    it('many data sources get distinct keys of at least 20 characters', async () => {
      const created = await Promise.all(
        Array.from({ length: 8 }, (_, i) => createDataSource(carol, `Batch ${i}`, ['contacts'])),
      );
      const keys = created.map(feedKey);

      expect(new Set(keys).size).toBe(keys.length);
      for (const key of keys) expect(key.length).toBeGreaterThanOrEqual(20);
      for (const source of created)
        expect((await carol.request('DELETE', `/api/data-sources/${source.id}`)).status).toBe(204);
    });

    it('its feed serves exactly the chosen tables to the owner', async () => {
      const source = await createDataSource(bob, 'Only deals', ['deals']);

      const root = await feed(source, creds.bob);
      expect(root.status).toBe(200);
      expect((root.body as { value: { name: string }[] }).value.map((s) => s.name)).toEqual([
        'Deals',
      ]);
      expect((await feed(source, creds.bob, 'Deals/$count')).text).toBe('300');
      expectODataError(await feed(source, creds.bob, 'Accounts'), 404);
      expect(await feed(source, creds.bob, '$metadata').then((r) => r.text)).not.toContain(
        'Accounts',
      );
    });

    it.each<[string, unknown]>([
      ['an empty name', { name: '', tables: ['deals'] }],
      ['a blank name', { name: '   ', tables: ['deals'] }],
      ['a name of 101 characters', { name: 'x'.repeat(101), tables: ['deals'] }],
      ['a numeric name', { name: 42, tables: ['deals'] }],
      ['no name', { tables: ['deals'] }],
      ['no tables', { name: 'n' }],
      ['an empty table list', { name: 'n', tables: [] }],
      ['a table not in the catalog', { name: 'n', tables: ['deals', 'app_user'] }],
      ['a schema-qualified table', { name: 'n', tables: ['public.access_token'] }],
      ['a repeated table', { name: 'n', tables: ['deals', 'deals'] }],
      ['tables as a string', { name: 'n', tables: 'deals' }],
      ['a non-string table', { name: 'n', tables: [1] }],
    ])('%s → 400 invalid_data_source, nothing created', async (_, body) => {
      const before = await countSources();
      expectApiError(await bob.post('/api/data-sources', body), 400, 'invalid_data_source');
      expect(await countSources()).toBe(before);
    });

    it('an unknown field → 400 validation_failed', async () => {
      expectApiError(
        await bob.post('/api/data-sources', {
          name: 'n',
          tables: ['deals'],
          owner: users.carol.id,
        }),
        400,
        'validation_failed',
      );
    });

    it('a name of exactly 100 characters is accepted', async () => {
      const res = await bob.post<DataSource>('/api/data-sources', {
        name: 'y'.repeat(100),
        tables: ['deals'],
      });
      expect(res.status).toBe(201);
      expect((await bob.request('DELETE', `/api/data-sources/${res.body.id}`)).status).toBe(204);
    });

    it('records data_source.created', async () => {
      const source = await createDataSource(bob, 'Audited', ['contacts']);

      const [event] = (await events(bob, 'data_source.created')).filter(
        (e) => e.details.dataSourceId === source.id,
      );
      expect(event).toEqual(
        expect.objectContaining({
          type: 'data_source.created',
          actor: ref('bob'),
          subjectUser: ref('bob'),
          details: expect.objectContaining({
            dataSourceId: source.id,
            name: 'Audited',
            tables: ['contacts'],
          }),
        }),
      );
    });
  });

  describe('sharing and the feed', () => {
    let shared: DataSource;
    beforeAll(async () => {
      shared = await createDataSource(bob, 'Shared CRM', ['accounts', 'deals']);
    });

    it("the owner's token reads the feed", async () => {
      expect((await feed(shared, creds.bob)).status).toBe(200);
      expect((await feed(shared, creds.bob, 'Deals?$top=1')).status).toBe(200);
    });

    it('a user of the same tenant without a share gets 403 in the OData format (authenticated, not allowed)', async () => {
      for (const sub of ['', '$metadata', 'Deals', 'Deals/$count']) {
        const res = await feed(shared, creds.carol, sub);
        expectODataError(res, 403);
        expect(res.headers.get('www-authenticate')).toBeNull();
      }
      expect((await list(carol)).map((s) => s.id)).not.toContain(shared.id);
    });

    it("after the owner shares, the recipient's OWN token reads it; the list shows it to both, sharedWith only to the owner", async () => {
      const res = await bob.post<DataSource>(`/api/data-sources/${shared.id}/shares`, {
        username: 'CAROL',
      });
      expect(res.status).toBe(200);
      expect(res.body.sharedWith).toEqual([ref('carol')]);

      const root = await feed(shared, creds.carol);
      expect(root.status).toBe(200);
      expect((root.body as { value: { name: string }[] }).value.map((s) => s.name).sort()).toEqual([
        'Accounts',
        'Deals',
      ]);
      const page = await feed(shared, creds.carol, 'Deals?$top=2&$select=Id');
      expect(page.body).toEqual(expect.objectContaining({ value: [{ Id: 1 }, { Id: 2 }] }));

      const bobs = (await list(bob)).find((s) => s.id === shared.id)!;
      expect(bobs).toEqual(
        expect.objectContaining({ owned: true, sharedWith: [ref('carol')], owner: ref('bob') }),
      );
      const carols = (await list(carol)).find((s) => s.id === shared.id)!;
      expect(carols).toEqual(
        expect.objectContaining({
          owned: false,
          sharedWith: [],
          owner: ref('bob'),
          odataUrl: shared.odataUrl,
        }),
      );
      // The recipient's own token, not the owner's username: carol cannot borrow bob's name.
      expectChallenge(await feed(shared, { username: 'bob', token: creds.carol.token }));
    });

    it('sharing again is idempotent: one share, one data_source.shared event', async () => {
      const res = await bob.post<DataSource>(`/api/data-sources/${shared.id}/shares`, {
        userId: users.carol.id,
      });
      expect(res.status).toBe(200);
      expect(res.body.sharedWith).toEqual([ref('carol')]);

      const recorded = (await events(carol, 'data_source.shared')).filter(
        (e) => e.details.dataSourceId === shared.id,
      );
      expect(recorded).toEqual([
        expect.objectContaining({
          actor: ref('bob'),
          subjectUser: ref('carol'),
          details: expect.objectContaining({
            dataSourceId: shared.id,
            name: 'Shared CRM',
            with: 'carol',
          }),
        }),
      ]);
    });

    it('only the owner shares: the recipient and other tenants get 404', async () => {
      expectApiError(
        await carol.post(`/api/data-sources/${shared.id}/shares`, { username: 'alice' }),
        404,
        'not_found',
      );
      expectApiError(
        await hank.post(`/api/data-sources/${shared.id}/shares`, { username: 'hank' }),
        404,
        'not_found',
      );
      expectApiError(
        await alice.post(`/api/data-sources/${shared.id}/shares`, { username: 'alice' }),
        404,
        'not_found',
      );
    });

    it('sharing with a user of another tenant is 404 like an unknown user (existence not leaked), by username or id', async () => {
      const unknown = await bob.post(`/api/data-sources/${shared.id}/shares`, {
        username: 'nobody-at-all',
      });
      expectApiError(unknown, 404, 'not_found');
      const byName = await bob.post(`/api/data-sources/${shared.id}/shares`, { username: 'hank' });
      expectApiError(byName, 404, 'not_found');
      expect(byName.body).toEqual(unknown.body);
      expectApiError(
        await bob.post(`/api/data-sources/${shared.id}/shares`, { userId: users.hank.id }),
        404,
        'not_found',
      );
      expectODataError(await feed(shared, creds.hank), 404);
    });

    it('sharing with oneself, an unknown user, or with both/neither of userId and username is refused', async () => {
      expectApiError(
        await bob.post(`/api/data-sources/${shared.id}/shares`, { username: 'bob' }),
        400,
        'cannot_share_with_self',
      );
      expectApiError(
        await bob.post(`/api/data-sources/${shared.id}/shares`, { username: 'nobody' }),
        404,
        'not_found',
      );
      expectApiError(
        await bob.post(`/api/data-sources/${shared.id}/shares`, { userId: randomUUID() }),
        404,
        'not_found',
      );
      expectApiError(
        await bob.post(`/api/data-sources/${shared.id}/shares`, {}),
        400,
        'invalid_data_source',
      );
      expectApiError(
        await bob.post(`/api/data-sources/${shared.id}/shares`, {
          userId: users.alice.id,
          username: 'alice',
        }),
        400,
        'invalid_data_source',
      );
    });

    it('a user of another tenant with a valid token gets 404 for the key: the same answer as an unknown key', async () => {
      const foreign = await feed(shared, creds.hank);
      expectODataError(foreign, 404);
      const unknown = await feedGet(test, `/odata/${'A'.repeat(24)}/`, { credentials: creds.hank });
      expectODataError(unknown, 404);
      expect(foreign.body).toEqual(unknown.body);
      expectODataError(await feed(shared, creds.hank, 'Deals'), 404);
      expectODataError(await feed(shared, creds.hank, '$metadata'), 404);
      expect((await list(hank)).map((s) => s.id)).not.toContain(shared.id);
    });

    it('an unknown key is 404 for the owner too (and checked after authentication: 401 without credentials)', async () => {
      expectODataError(
        await feedGet(test, `/odata/${'B'.repeat(24)}/`, { credentials: creds.bob }),
        404,
      );
      expectODataError(
        await feedGet(test, `/odata/${'B'.repeat(24)}/Deals`, { credentials: creds.bob }),
        404,
      );
      expectODataError(
        await feedGet(test, `/odata/${feedKey(shared).slice(0, -1)}/`, { credentials: creds.bob }),
        404,
      );
      expectChallenge(await feedGet(test, `/odata/${'B'.repeat(24)}/`));
    });

    it('after unshare the recipient is 403 again on the next request; data_source.unshared is recorded', async () => {
      const res = await bob.request(
        'DELETE',
        `/api/data-sources/${shared.id}/shares/${users.carol.id}`,
      );
      expect(res.status).toBe(204);

      expectODataError(await feed(shared, creds.carol), 403);
      expectODataError(await feed(shared, creds.carol, 'Deals'), 403);
      expect((await list(carol)).map((s) => s.id)).not.toContain(shared.id);
      expect((await list(bob)).find((s) => s.id === shared.id)!.sharedWith).toEqual([]);
      const recorded = (await events(carol, 'data_source.unshared')).filter(
        (e) => e.details.dataSourceId === shared.id,
      );
      expect(recorded).toEqual([
        expect.objectContaining({
          actor: ref('bob'),
          subjectUser: ref('carol'),
          details: expect.objectContaining({ with: 'carol' }),
        }),
      ]);
    });

    it('unshare by anyone but the owner is 404', async () => {
      await bob.post(`/api/data-sources/${shared.id}/shares`, { username: 'carol' });
      expectApiError(
        await carol.request('DELETE', `/api/data-sources/${shared.id}/shares/${users.carol.id}`),
        404,
        'not_found',
      );
      expectApiError(
        await hank.request('DELETE', `/api/data-sources/${shared.id}/shares/${users.carol.id}`),
        404,
        'not_found',
      );
      expect((await feed(shared, creds.carol)).status).toBe(200);
    });
  });

  describe('DELETE /api/data-sources/:id', () => {
    let doomed: DataSource;
    beforeAll(async () => {
      doomed = await createDataSource(bob, 'Doomed', ['deals']);
      await bob.post(`/api/data-sources/${doomed.id}/shares`, { username: 'carol' });
    });

    it('is 404 for the recipient, another tenant, an unknown id and a malformed id', async () => {
      expectApiError(
        await carol.request('DELETE', `/api/data-sources/${doomed.id}`),
        404,
        'not_found',
      );
      expectApiError(
        await hank.request('DELETE', `/api/data-sources/${doomed.id}`),
        404,
        'not_found',
      );
      expectApiError(
        await alice.request('DELETE', `/api/data-sources/${doomed.id}`),
        404,
        'not_found',
      );
      expectApiError(
        await bob.request('DELETE', `/api/data-sources/${randomUUID()}`),
        404,
        'not_found',
      );
      expectApiError(await bob.request('DELETE', '/api/data-sources/not-a-uuid'), 404, 'not_found');
      expect((await feed(doomed, creds.carol)).status).toBe(200);
    });

    it('by the owner: 204, gone from every list, its feed 404 for owner and recipient, data_source.deleted recorded', async () => {
      expect((await bob.request('DELETE', `/api/data-sources/${doomed.id}`)).status).toBe(204);

      expect((await list(bob)).map((s) => s.id)).not.toContain(doomed.id);
      expect((await list(carol)).map((s) => s.id)).not.toContain(doomed.id);
      expectODataError(await feed(doomed, creds.bob), 404);
      expectODataError(await feed(doomed, creds.carol), 404);
      expectApiError(
        await bob.request('DELETE', `/api/data-sources/${doomed.id}`),
        404,
        'not_found',
      );

      const recorded = (await events(bob, 'data_source.deleted')).filter(
        (e) => e.details.dataSourceId === doomed.id,
      );
      expect(recorded).toEqual([
        expect.objectContaining({
          actor: ref('bob'),
          subjectUser: ref('bob'),
          details: expect.objectContaining({ name: 'Doomed' }),
        }),
      ]);
    });
  });

  describe('GET /api/data-sources', () => {
    it("lists what the caller owns and what was shared with them, never another tenant's", async () => {
      const mine = await createDataSource(hank, 'Globex only', ['accounts']);
      const items = await list(hank);
      expect(items.map((s) => s.id)).toEqual([mine.id]);
      expect(items[0]).toEqual(expect.objectContaining({ owned: true, owner: ref('hank') }));

      for (const s of await list(bob)) {
        expect(s.owner.id).toBe(users.bob.id);
        expect(s.owned).toBe(true);
      }
      const carols = await list(carol);
      expect(carols.length).toBeGreaterThan(0);
      for (const s of carols) {
        expect(s.owned).toBe(s.owner.id === users.carol.id);
        if (!s.owned) expect(s.sharedWith).toEqual([]);
      }
      expect((await list(alice)).map((s) => s.owner.id)).not.toContain(users.hank.id);
    });

    it('is 401 unauthenticated without a session', async () => {
      expectApiError(
        await new Client(test.baseUrl).get('/api/data-sources'),
        401,
        'unauthenticated',
      );
    });
  });

  describe('history', () => {
    it("the tenant admin's history shows every data source event of the tenant, none of another's", async () => {
      const types = [
        'data_source.created',
        'data_source.shared',
        'data_source.unshared',
        'data_source.deleted',
      ];
      for (const type of types) {
        const items = await events(alice, type, '/api/admin/history');
        expect(items.length).toBeGreaterThan(0);
        for (const e of items) expect([users.bob.id, users.carol.id]).toContain(e.subjectUser?.id);
      }
    });
  });
});
