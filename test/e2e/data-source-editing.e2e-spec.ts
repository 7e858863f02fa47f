import type {
  AdminDataSourceList,
  DataSource,
  DataSourceList,
  DataSourcePreview,
  HistoryPage,
} from '@feedpass/contracts';
import type pg from 'pg';
import type { ApiClient } from '../setup/api-client';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
import { createUser, expectApiError, signIn, sql } from '../setup/e2e-helpers';
import {
  createDataSource,
  expectODataError,
  feedGet,
  feedPath,
  mintCredentials,
  seedDemoSchema,
  sourcePool,
  type Credentials,
} from '../setup/odata-helpers';
import { startTestApp, TEST_PASSWORD, type SeededUser, type TestApp } from '../setup/test-app';

/**
 * Data sources as the original connector has them (SPEC 11): edit without breaking the URL,
 * row filters that hold on every path of the feed, preview, clone, transfer, the admin
 * inventory, search and "last read". Row counts are checked against SQL with the same
 * predicate.
 */

const WON = "Stage eq 'Closed Won'";
const WON_SQL = "stage = 'Closed Won'";

interface Page {
  '@odata.count'?: number;
  value: Record<string, unknown>[];
}

describe('data sources: edit, row filters, preview, clone, transfer (SPEC 11)', () => {
  let test: TestApp;
  let pool: pg.Pool;
  let users: Record<string, SeededUser>;
  let alice: ApiClient; // Acme admin
  let bob: ApiClient; // Acme, owns data sources
  let carol: ApiClient; // Acme, a recipient
  let gina: ApiClient; // Globex admin
  let hank: ApiClient; // Globex
  const creds = {} as Record<'bob' | 'carol' | 'hank', Credentials>;

  const feed = <T = Page>(source: Pick<DataSource, 'odataUrl'>, who: Credentials, sub = '') =>
    feedGet<T>(test, `${feedPath(source)}${sub}`, { credentials: who });
  const count = async (where: string, table = 'deals') =>
    Number((await pool.query(`select count(*) as n from demo.${table} where ${where}`)).rows[0].n);
  const patch = (client: ApiClient, source: DataSource, body: unknown) =>
    client.patch<DataSource>(`/api/data-sources/${source.id}`, body);
  const events = async (client: ApiClient, type: string) => {
    const res = await client.get<HistoryPage>(`/api/history?type=${type}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const shareWith = async (source: DataSource, username: string) =>
    expect((await bob.post(`/api/data-sources/${source.id}/shares`, { username })).status).toBe(
      200,
    );
  const stored = async (source: DataSource) =>
    (
      await sql<{ name: string; tables: string[]; row_filters: Record<string, string> }>(
        test,
        'select name, tables, row_filters from data_source where id = ?',
        [source.id],
      )
    )[0];

  beforeAll(async () => {
    test = await startTestApp();
    await seedDemoSchema(test, { deals: 3000 });
    pool = sourcePool(test);
    ({
      users,
      clients: { alice, bob, carol, gina, hank },
    } = await seedAcmeAndGlobex(test));
    creds.bob = (await mintCredentials(bob, 'bob')).credentials;
    creds.carol = (await mintCredentials(carol, 'carol')).credentials;
    creds.hank = (await mintCredentials(hank, 'hank')).credentials;
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await test?.close();
  });

  describe('PATCH /api/data-sources/:id', () => {
    it('renames and changes tables without changing the URL: Power BI’s requests keep working', async () => {
      const source = await createDataSource(bob, 'Pipeline', ['deals']);
      expect((await feed(source, creds.bob, 'Deals?$top=1')).status).toBe(200);

      const res = await patch(bob, source, {
        name: '  Sales pipeline ',
        tables: ['deals', 'accounts'],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Sales pipeline', tables: ['deals', 'accounts'] });
      expect(res.body.odataUrl).toBe(source.odataUrl);
      expect((await feed(source, creds.bob, 'Deals?$top=1')).status).toBe(200);
      expect((await feed(source, creds.bob, 'Accounts?$top=1')).status).toBe(200);

      const [event] = await events(bob, 'data_source.updated');
      expect(event.details).toMatchObject({
        dataSourceId: source.id,
        changes: {
          name: { from: 'Pipeline', to: 'Sales pipeline' },
          tables: { from: ['deals'], to: ['deals', 'accounts'] },
        },
      });
    });

    it('removing a table a recipient reads is allowed and recorded; the feed then says 404 for it', async () => {
      const source = await createDataSource(bob, 'Two tables', ['deals', 'accounts']);
      await shareWith(source, 'carol');
      expect((await feed(source, creds.carol, 'Accounts?$top=1')).status).toBe(200);
      expect((await patch(bob, source, { tables: ['deals'] })).status).toBe(200);
      expectODataError(await feed(source, creds.carol, 'Accounts?$top=1'), 404);
      const [event] = await events(bob, 'data_source.updated');
      expect(event.details).toMatchObject({
        changes: { tables: { from: ['deals', 'accounts'], to: ['deals'] } },
      });
    });

    it.each([
      ['a blank name', { name: '   ' }, 'invalid_data_source'],
      ['a name over 100 characters', { name: 'x'.repeat(101) }, 'invalid_data_source'],
      ['an unknown table', { tables: ['deals', 'app_user'] }, 'invalid_data_source'],
      ['no tables', { tables: [] }, 'invalid_data_source'],
      [
        'a filter that does not parse',
        { rowFilters: { deals: "Stage eq 'x" } },
        'invalid_row_filter',
      ],
      [
        'a filter on an unknown column',
        { rowFilters: { deals: 'Nope gt 1' } },
        'invalid_row_filter',
      ],
      [
        'a filter of the wrong type',
        { rowFilters: { deals: 'Amount eq true' } },
        'invalid_row_filter',
      ],
      [
        'a filter for a table it does not publish',
        { rowFilters: { accounts: 'Id gt 1' } },
        'invalid_row_filter',
      ],
      ['filters that are not text', { rowFilters: { deals: 5 } }, 'invalid_row_filter'],
      ['an unknown field', { owner: 'carol' }, 'validation_failed'],
    ])('%s is a 400 with a stable code, and nothing is saved', async (_name, body, code) => {
      const source = await createDataSource(bob, 'Unchanged', ['deals']);
      const before = await stored(source);
      const res = await patch(bob, source, { name: 'Changed', ...body });
      const error = expectApiError(res, 400, code as never);
      expect(error.message).toMatch(/\S/);
      expect(await stored(source)).toEqual(before);
    });

    it("a parse error names the table and says what is wrong, as the feed's parser does", async () => {
      const source = await createDataSource(bob, 'Parse error', ['deals']);
      const res = await patch(bob, source, { rowFilters: { deals: 'Nope gt 1' } });
      expect(res.body).toMatchObject({
        code: 'invalid_row_filter',
        message: "Row filter of deals: $filter: unknown property 'Nope' at position 1",
      });
    });

    it('only the owner edits: a recipient, an admin and another tenant get 404', async () => {
      const source = await createDataSource(bob, 'Owner only', ['deals']);
      await shareWith(source, 'carol');
      for (const client of [carol, alice, hank, gina]) {
        expectApiError(await patch(client, source, { name: 'Mine now' }), 404, 'not_found');
      }
      expect((await stored(source)).name).toBe('Owner only');
    });
  });

  describe('row filters', () => {
    let source: DataSource;
    beforeAll(async () => {
      source = await createDataSource(bob, 'Won deals', ['deals', 'accounts']);
      const res = await patch(bob, source, { rowFilters: { deals: ` ${WON} ` } });
      expect(res.status).toBe(200);
      expect(res.body.rowFilters).toEqual({ deals: WON });
      await shareWith(source, 'carol');
    });

    it('hide rows from rows and $count — for the owner too — exactly as SQL with the same predicate', async () => {
      const expected = await count(WON_SQL);
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThan(await count('true'));
      for (const who of [creds.bob, creds.carol]) {
        const page = await feed(source, who, 'Deals?$count=true&$select=Id,Stage&$top=3000');
        expect(page.body['@odata.count']).toBe(expected);
        expect(page.body.value).toHaveLength(expected);
        expect(new Set(page.body.value.map((r) => r.Stage))).toEqual(new Set(['Closed Won']));
        expect((await feed(source, who, 'Deals/$count')).text).toBe(String(expected));
      }
      // A query's own $filter narrows further, never widens.
      const both = await feed(
        source,
        creds.carol,
        `Deals/$count?$filter=${encodeURIComponent("Stage eq 'Prospecting' or Amount gt 0")}`,
      );
      expect(both.text).toBe(String(expected));
    });

    it('hide rows from key lookups, navigation, $expand and $apply', async () => {
      const [hidden] = (
        await pool.query(
          `select id, account_id from demo.deals where not (${WON_SQL}) order by id limit 1`,
        )
      ).rows;
      const [shown] = (
        await pool.query(
          `select id, account_id from demo.deals where ${WON_SQL} order by id limit 1`,
        )
      ).rows;
      expectODataError(await feed(source, creds.carol, `Deals(${hidden.id})`), 404);
      expect((await feed(source, creds.carol, `Deals(${shown.id})`)).status).toBe(200);
      expectODataError(await feed(source, creds.carol, `Deals(${hidden.id})/Account`), 404);

      const account = Number(shown.account_id);
      const nav = await feed(source, creds.carol, `Accounts(${account})/Deals?$count=true`);
      expect(nav.body['@odata.count']).toBe(await count(`${WON_SQL} and account_id = ${account}`));

      const expanded = await feed(
        source,
        creds.carol,
        `Accounts?$filter=Id le 30&$expand=Deals($select=Id)&$top=30`,
      );
      const inExpand = expanded.body.value.reduce((n, a) => n + (a.Deals as unknown[]).length, 0);
      expect(inExpand).toBe(await count(`${WON_SQL} and account_id <= 30`));

      const grouped = await feed(
        source,
        creds.carol,
        `Deals?$apply=${encodeURIComponent('groupby((Stage),aggregate($count as N))')}`,
      );
      expect(grouped.body.value).toEqual([
        { '@odata.id': null, Stage: 'Closed Won', N: await count(WON_SQL) },
      ]);
    });

    it('a recipient sees neither the filter nor a way to change it', async () => {
      const list = await carol.get<DataSourceList>('/api/data-sources');
      expect(list.body.items.find((s) => s.id === source.id)!.rowFilters).toEqual({});
      expectApiError(await patch(carol, source, { rowFilters: {} }), 404, 'not_found');
    });

    it('a change takes effect on the next feed request; removing the table removes its filter', async () => {
      expect(
        (await patch(bob, source, { rowFilters: { deals: "Stage eq 'Prospecting'" } })).status,
      ).toBe(200);
      expect((await feed(source, creds.carol, 'Deals/$count')).text).toBe(
        String(await count("stage = 'Prospecting'")),
      );
      expect((await patch(bob, source, { rowFilters: {} })).body.rowFilters).toEqual({});
      expect((await feed(source, creds.carol, 'Deals/$count')).text).toBe(
        String(await count('true')),
      );
      const [event] = await events(bob, 'data_source.updated');
      expect(event.details).toMatchObject({
        changes: { rowFilters: { from: { deals: "Stage eq 'Prospecting'" }, to: {} } },
      });

      await patch(bob, source, { rowFilters: { deals: WON } });
      const res = await patch(bob, source, { tables: ['accounts'] });
      expect(res.body.rowFilters).toEqual({});
      expect((await stored(source)).row_filters).toEqual({});
    });
  });

  describe('preview', () => {
    it('shows the first rows as the feed serves them, filter applied, to owner and recipient', async () => {
      const source = await createDataSource(bob, 'Preview', ['deals']);
      await patch(bob, source, { rowFilters: { deals: WON } });
      await shareWith(source, 'carol');
      const ids = (
        await pool.query(`select id from demo.deals where ${WON_SQL} order by id limit 5`)
      ).rows.map((r) => String(r.id));

      const owner = await bob.get<DataSourcePreview>(
        `/api/data-sources/${source.id}/preview?table=deals&top=5`,
      );
      expect(owner.status).toBe(200);
      expect(owner.body).toMatchObject({
        table: 'deals',
        entitySet: 'Deals',
        filtered: true,
        rowFilter: WON,
      });
      expect(owner.body.columns.map((c) => [c.name, c.type]).slice(0, 2)).toEqual([
        ['Id', 'Edm.Int64'],
        ['AccountId', 'Edm.Int32'],
      ]);
      // Int64 and Decimal as strings (every digit), the rest as JSON values.
      expect(owner.body.rows.map((r) => r.Id)).toEqual(ids);
      expect(new Set(owner.body.rows.map((r) => r.Stage))).toEqual(new Set(['Closed Won']));
      expect(typeof owner.body.rows[0].Amount).toBe('string');

      const recipient = await carol.get<DataSourcePreview>(
        `/api/data-sources/${source.id}/preview?table=deals&top=5`,
      );
      expect(recipient.body).toMatchObject({ filtered: true, rowFilter: null });
      expect(recipient.body.rows).toEqual(owner.body.rows);

      const defaults = await bob.get<DataSourcePreview>(
        `/api/data-sources/${source.id}/preview?table=deals`,
      );
      expect(defaults.body.rows).toHaveLength(20);
    });

    it('refuses a table it does not publish, more than 100 rows, and anyone else', async () => {
      const source = await createDataSource(bob, 'Preview limits', ['deals']);
      expectApiError(
        await bob.get(`/api/data-sources/${source.id}/preview?table=accounts`),
        400,
        'invalid_data_source',
      );
      expectApiError(
        await bob.get(`/api/data-sources/${source.id}/preview?table=deals&top=101`),
        400,
        'validation_failed',
      );
      expectApiError(
        await bob.get(`/api/data-sources/${source.id}/preview`),
        400,
        'validation_failed',
      );
      for (const client of [carol, alice, hank]) {
        expectApiError(
          await client.get(`/api/data-sources/${source.id}/preview?table=deals`),
          404,
          'not_found',
        );
      }
    });
  });

  describe('clone', () => {
    it('the owner or a recipient gets a copy of their own: same tables and filters, new URL, no shares', async () => {
      const source = await createDataSource(bob, 'Original', ['deals', 'accounts']);
      await patch(bob, source, { rowFilters: { deals: WON } });
      await shareWith(source, 'carol');
      for (const [client, owner] of [
        [bob, 'bob'],
        [carol, 'carol'],
      ] as const) {
        const res = await client.post<DataSource>(`/api/data-sources/${source.id}/clone`, {
          name: `${owner}'s copy`,
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          name: `${owner}'s copy`,
          tables: ['deals', 'accounts'],
          owned: true,
          owner: { username: owner },
          sharedWith: [],
          rowFilters: { deals: WON },
        });
        expect(res.body.odataUrl).not.toBe(source.odataUrl);
        const who = owner === 'bob' ? creds.bob : creds.carol;
        expect((await feed(res.body, who, 'Deals/$count')).text).toBe(String(await count(WON_SQL)));
        const [event] = await events(client, 'data_source.cloned');
        expect(event.details).toMatchObject({
          dataSourceId: res.body.id,
          from: { dataSourceId: source.id, name: 'Original' },
        });
      }
    });

    it('nobody else can clone, and a bad name is a 400', async () => {
      const source = await createDataSource(bob, 'Not yours', ['deals']);
      for (const client of [carol, alice, hank]) {
        expectApiError(
          await client.post(`/api/data-sources/${source.id}/clone`, { name: 'Copy' }),
          404,
          'not_found',
        );
      }
      expectApiError(
        await bob.post(`/api/data-sources/${source.id}/clone`, { name: ' ' }),
        400,
        'invalid_data_source',
      );
    });
  });

  describe('transfer', () => {
    it('the owner hands it over: same URL, the new owner edits, the previous owner keeps reading', async () => {
      const source = await createDataSource(bob, 'Handed over', ['deals']);
      await shareWith(source, 'carol');
      const res = await bob.post<DataSource>(`/api/data-sources/${source.id}/transfer`, {
        username: 'carol',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        owned: false,
        owner: { username: 'carol' },
        odataUrl: source.odataUrl,
      });

      expect((await patch(carol, source, { name: 'Carol’s now' })).status).toBe(200);
      expectApiError(await patch(bob, source, { name: 'Bob again' }), 404, 'not_found');
      expect((await feed(source, creds.bob, 'Deals?$top=1')).status).toBe(200);
      expect((await feed(source, creds.carol, 'Deals?$top=1')).status).toBe(200);
      const carolsView = (await carol.get<DataSourceList>('/api/data-sources')).body.items.find(
        (s) => s.id === source.id,
      )!;
      expect(carolsView.sharedWith.map((u) => u.username)).toEqual(['bob']);
      const [event] = await events(carol, 'data_source.transferred');
      expect(event.details).toMatchObject({ dataSourceId: source.id, from: 'bob', to: 'carol' });
    });

    it('a tenant admin can transfer any of the tenant’s; nobody else can', async () => {
      const source = await createDataSource(bob, 'Admin moves it', ['deals']);
      expectApiError(
        await carol.post(`/api/data-sources/${source.id}/transfer`, { username: 'carol' }),
        404,
        'not_found',
      );
      expectApiError(
        await gina.post(`/api/data-sources/${source.id}/transfer`, { username: 'hank' }),
        404,
        'not_found',
      );
      const res = await alice.post<DataSource>(`/api/data-sources/${source.id}/transfer`, {
        userId: users.carol.id,
      });
      expect(res.status).toBe(200);
      expect(res.body.owner.username).toBe('carol');
    });

    it('refuses another tenant’s user (404, existence not leaked), the owner and unknown fields', async () => {
      const source = await createDataSource(bob, 'Stays', ['deals']);
      const otherTenant = await bob.post(`/api/data-sources/${source.id}/transfer`, {
        username: 'hank',
      });
      const nobody = await bob.post(`/api/data-sources/${source.id}/transfer`, {
        username: 'nobody-at-all',
      });
      expectApiError(otherTenant, 404, 'not_found');
      expect(otherTenant.body).toEqual(nobody.body);
      expectApiError(
        await bob.post(`/api/data-sources/${source.id}/transfer`, { username: 'bob' }),
        400,
        'already_owner',
      );
      expectApiError(
        await bob.post(`/api/data-sources/${source.id}/transfer`, {}),
        400,
        'invalid_data_source',
      );
      expect(
        (await bob.get<DataSourceList>('/api/data-sources')).body.items.find(
          (s) => s.id === source.id,
        )!.owned,
      ).toBe(true);
    });
  });

  describe('when an owner leaves, and the admin inventory', () => {
    it('a deactivated owner’s data source keeps serving recipients, is flagged for admins, and an admin transfers it', async () => {
      const {
        users: [dora],
        clients: [doraClient],
      } = await seedMore(test, ['dora']);
      const source = await createDataSource(doraClient, 'Dora’s report', ['deals']);
      expect(
        (await doraClient.post(`/api/data-sources/${source.id}/shares`, { username: 'carol' }))
          .status,
      ).toBe(200);
      expect((await alice.post(`/api/admin/users/${dora.id}/deactivate`)).status).toBe(200);

      expect((await feed(source, creds.carol, 'Deals?$top=1')).status).toBe(200);
      const inventory = await alice.get<AdminDataSourceList>('/api/admin/data-sources');
      const row = inventory.body.items.find((s) => s.id === source.id)!;
      expect(row).toMatchObject({
        ownerDeactivated: true,
        owner: { username: 'dora' },
        sharedWith: [{ username: 'carol' }],
      });

      // To a deactivated user: refused.
      expectApiError(
        await alice.post(`/api/data-sources/${source.id}/transfer`, { username: 'dora' }),
        400,
        'already_owner',
      );
      const moved = await alice.post<DataSource>(`/api/data-sources/${source.id}/transfer`, {
        username: 'bob',
      });
      expect(moved.status).toBe(200);
      // The deactivated previous owner gets no share.
      const after = (
        await alice.get<AdminDataSourceList>('/api/admin/data-sources')
      ).body.items.find((s) => s.id === source.id)!;
      expect(after).toMatchObject({ ownerDeactivated: false, owner: { username: 'bob' } });
      expect(after.sharedWith.map((u) => u.username)).toEqual(['carol']);
      expectApiError(
        await bob.post(`/api/data-sources/${source.id}/transfer`, { username: 'dora' }),
        400,
        'user_deactivated',
      );
    });

    it('lists every data source of the tenant only, with shares, filtered tables and last reader; filters by owner and name', async () => {
      const source = await createDataSource(bob, 'Inventory Zebra', ['deals', 'accounts']);
      await patch(bob, source, { rowFilters: { deals: WON } });
      await shareWith(source, 'carol');
      await feed(source, creds.carol, 'Deals?$top=1');
      const res = await alice.get<AdminDataSourceList>('/api/admin/data-sources?q=zebra');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({
        name: 'Inventory Zebra',
        owner: { username: 'bob' },
        tables: ['deals', 'accounts'],
        filteredTables: ['deals'],
        lastReadBy: { username: 'carol' },
        sharedWith: [{ username: 'carol' }],
      });
      expect(res.body.items[0].lastReadAt).not.toBeNull();
      const byOwner = await alice.get<AdminDataSourceList>(
        `/api/admin/data-sources?ownerId=${users.carol.id}`,
      );
      expect(byOwner.body.items.every((s) => s.owner.username === 'carol')).toBe(true);
      const globex = await gina.get<AdminDataSourceList>('/api/admin/data-sources');
      expect(globex.body.items.some((s) => s.owner.username === 'bob')).toBe(false);
      expectApiError(await bob.get('/api/admin/data-sources'), 403, 'forbidden');
      expectApiError(
        await alice.get('/api/admin/data-sources?ownerId=nope'),
        400,
        'validation_failed',
      );
    });
  });

  describe('the list: search, whose, last read', () => {
    it('searches by name (any case, wildcards literal) and narrows to owned or shared', async () => {
      const mine = await createDataSource(bob, 'Quarterly 100% Revenue', ['deals']);
      const theirs = await createDataSource(carol, 'Quarterly_costs', ['deals']);
      expect(
        (await carol.post(`/api/data-sources/${theirs.id}/shares`, { username: 'bob' })).status,
      ).toBe(200);
      const names = async (query: string) =>
        (await bob.get<DataSourceList>(`/api/data-sources?${query}`)).body.items.map((s) => s.name);
      expect(await names('q=QUARTERLY')).toEqual(['Quarterly 100% Revenue', 'Quarterly_costs']);
      expect(await names('q=quarterly&scope=owned')).toEqual(['Quarterly 100% Revenue']);
      expect(await names('q=quarterly&scope=shared')).toEqual(['Quarterly_costs']);
      expect(await names(`q=${encodeURIComponent('100%')}`)).toEqual(['Quarterly 100% Revenue']);
      expect(await names('q=y_c')).toEqual(['Quarterly_costs']);
      // As a LIKE wildcard, % would match "y 100% R".
      expect(await names(`q=${encodeURIComponent('y%R')}`)).toEqual([]);
      expect(
        (await bob.get<DataSourceList>('/api/data-sources?scope=owned')).body.items.map(
          (s) => s.id,
        ),
      ).toContain(mine.id);
      expectApiError(await bob.get('/api/data-sources?scope=everyone'), 400, 'validation_failed');
    });

    it('last read is written at most once a minute per data source', async () => {
      const source = await createDataSource(bob, 'Read often', ['deals']);
      const lastRead = async () =>
        (await bob.get<DataSourceList>('/api/data-sources')).body.items.find(
          (s) => s.id === source.id,
        )!.lastReadAt;
      expect(await lastRead()).toBeNull();
      await feed(source, creds.bob, 'Deals?$top=1');
      const first = await lastRead();
      expect(first).toBe(test.clock.now().toISOString());
      test.clock.advance(30_000);
      await feed(source, creds.bob, 'Deals?$top=1');
      expect(await lastRead()).toBe(first);
      test.clock.advance(31_000);
      await feed(source, creds.bob, 'Deals?$top=1');
      expect(await lastRead()).toBe(test.clock.now().toISOString());
    });
  });
});

/** More users of Acme, signed in (alice creates them). */
async function seedMore(test: TestApp, names: string[]) {
  const admin = await signIn(test, 'alice', TEST_PASSWORD);
  const users = [];
  const clients = [];
  for (const name of names) {
    users.push(await createUser(admin, name, { password: TEST_PASSWORD }));
    clients.push(await signIn(test, name, TEST_PASSWORD));
  }
  return { users, clients };
}
