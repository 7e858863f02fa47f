import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { DataSource } from '@feedpass/contracts';
import fc from 'fast-check';
import type pg from 'pg';
import { SourceDatabase } from '../../apps/api/src/data-sources/source-database';
import { signIn } from '../setup/e2e-helpers';
import {
  basicAuth,
  createDataSource,
  expectODataError,
  feedGet,
  feedPath,
  followAllPages,
  mintCredentials,
  POWER_BI_HEADERS,
  seedDemoSchema,
  sourcePool,
  type Credentials,
} from '../setup/odata-helpers';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

/**
 * The feed as a Power BI / Excel model (SPEC 10): relationships in $metadata, addressing by
 * key, navigation, $expand, $apply, compression, preferences and formats — every answer
 * checked against the same question asked of PostgreSQL directly.
 */

const SCHEMAS = resolve(__dirname, '../fixtures/odata-csdl-schemas');

/** A string-keyed table: keys with quotes, commas and slashes must round-trip. */
const EXTRA_SQL = [
  `create table demo.codes (code text primary key, label text)`,
  `insert into demo.codes values ('O''Neil', 'quote'), ('a,b/c', 'comma and slash'), ('plain', null)`,
  // Nullable foreign keys: notes of no account, of an account, of an account hidden by a
  // row filter; of a code (a text key) whose label may be null.
  `create table demo.notes (id integer primary key, account_id integer references demo.accounts (id),
     code_key text references demo.codes (code), body text)`,
  `insert into demo.notes select i, case when i % 3 = 0 then null else 1 + (i * 7) % 1000 end,
     (array['O''Neil', 'plain', null])[1 + i % 3], case when i % 5 = 0 then null else 'note ' || i end
     from generate_series(1, 1200) i`,
];

type Row = Record<string, unknown>;
interface Page {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: Row[];
}

/** A raw GET over node:http, so compressed bodies arrive as the server sent them. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the feed as a Power BI and Excel model (SPEC 10)', () => {
  let test: TestApp;
  let pool: pg.Pool;
  let crm: DataSource;
  let dealsOnly: DataSource;
  let creds: Credentials;
  let path: string;
  let root: string;
  let statements = 0;

  const get = <T = Page>(url: string, headers: Record<string, string> = {}) =>
    feedGet<T>(test, url, { credentials: creds, headers });
  const rows = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;

  beforeAll(async () => {
    test = await startTestApp();
    await seedDemoSchema(test, { extra: EXTRA_SQL });
    pool = sourcePool(test);
    await seedTenant(test, 'Acme', [{ username: 'bob' }]);
    const bob = await signIn(test, 'bob', TEST_PASSWORD);
    crm = await createDataSource(bob, 'CRM', [
      'accounts',
      'contacts',
      'deals',
      'deal_products',
      'account_totals',
      'codes',
    ]);
    dealsOnly = await createDataSource(bob, 'Deals only', ['deals', 'deal_products']);
    ({ credentials: creds } = await mintCredentials(bob, 'bob', 'Power BI Desktop'));
    path = feedPath(crm);
    root = test.baseUrl + path;
    // Every statement the feed sends to the source takes a connection from its pool, for
    // that statement alone (pool.query, or a page streamed from a checked-out client).
    test.app.get(SourceDatabase).pool.on('acquire', () => {
      statements += 1;
    });
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await test?.close();
  });

  describe('$metadata', () => {
    let xml: string;
    beforeAll(async () => {
      const res = await get(`${path}$metadata`);
      expect(res.status).toBe(200);
      xml = res.text;
    });

    it('relates Deal → Account with a referential constraint and partner, and Account → Deals as a collection', () => {
      expect(xml).toContain(
        '<NavigationProperty Name="Account" Type="feedpass.Account" Nullable="false" Partner="Deals">' +
          '<ReferentialConstraint Property="AccountId" ReferencedProperty="Id"/></NavigationProperty>',
      );
      expect(xml).toContain(
        '<NavigationProperty Name="Deals" Type="Collection(feedpass.Deal)" Partner="Account"/>',
      );
      expect(xml).toContain(
        '<NavigationProperty Name="Contacts" Type="Collection(feedpass.Contact)" Partner="Account"/>',
      );
      expect(xml).toMatch(
        /<EntitySet Name="Deals" EntityType="feedpass.Deal">(?=.*<NavigationPropertyBinding Path="Account" Target="Accounts"\/>).*?<\/EntitySet>/,
      );
      expect(xml).toContain('<NavigationPropertyBinding Path="Deals" Target="Deals"/>');
    });

    it('keys the composite-key table on both columns and relates it to its deal', () => {
      expect(xml).toContain(
        '<EntityType Name="DealProduct"><Key><PropertyRef Name="DealId"/><PropertyRef Name="Product"/></Key>',
      );
      expect(xml).toContain(
        '<NavigationProperty Name="Deal" Type="feedpass.Deal" Nullable="false" Partner="DealProducts">',
      );
    });

    it('validates against the OASIS CSDL XML schema', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'metadata-')), 'metadata.xml');
      writeFileSync(file, xml);
      expect(() =>
        execFileSync('xmllint', ['--noout', '--schema', join(SCHEMAS, 'edmx.xsd'), file], {
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      ).not.toThrow();
    });

    it('a foreign key to a table the data source does not publish adds nothing', async () => {
      const res = await get(`${feedPath(dealsOnly)}$metadata`);
      expect(res.text).not.toContain('Name="Account"');
      expect(res.text).toContain('<NavigationProperty Name="DealProducts"');
    });
  });

  describe('addressing', () => {
    it('Deals(42) is the entity, with a $entity context', async () => {
      const res = await get<Row>(`${path}Deals(42)`);
      const [expected] = await rows('select id, name, amount from demo.deals where id = 42');
      expect(res.status).toBe(200);
      expect(res.body['@odata.context']).toBe(`${root}$metadata#Deals/$entity`);
      expect(res.body).toMatchObject({
        Id: 42,
        Name: expected.name,
        Amount: Number(expected.amount),
      });
    });

    it('composite keys in either order, and string keys with quotes, commas and slashes', async () => {
      const [product] = await rows(
        `select quantity from demo.deal_products where deal_id = 1 and product = 'Support'`,
      );
      expect(product).toBeDefined();
      for (const key of [`DealId=1,Product='Support'`, `Product='Support',DealId=1`]) {
        const res = await get<Row>(`${path}DealProducts(${encodeURIComponent(key)})`);
        expect(res.status).toBe(200);
        expect(res.body.Quantity).toBe(product.quantity);
      }
      expect((await get<Row>(`${path}Codes('O''Neil')`)).body.Label).toBe('quote');
      expect((await get<Row>(`${path}Codes(${encodeURIComponent("'a,b/c'")})`)).body.Label).toBe(
        'comma and slash',
      );
    });

    it('an absent key is a 404 OData error; a malformed one a 400 naming the problem', async () => {
      expectODataError(await get(`${path}Deals(999999999)`), 404, 'not_found');
      const error = expectODataError(await get(`${path}Deals('x')`), 400, 'bad_request');
      expect(error.message).toContain('Edm.Int64');
      expect(expectODataError(await get(`${path}DealProducts(1)`), 400).message).toContain(
        'composite key',
      );
    });

    it('a property, its $value as text/plain, and 204 for a null', async () => {
      const [deal] = await rows('select name from demo.deals where id = 7');
      const prop = await get<Row>(`${path}Deals(7)/Name`);
      expect(prop.body).toEqual({
        '@odata.context': `${root}$metadata#Deals(7)/Name`,
        value: deal.name,
      });
      const value = await get(`${path}Deals(7)/Name/$value`);
      expect(value.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(value.text).toBe(deal.name);
      expect((await get(`${path}Codes('plain')/Label`)).status).toBe(204);
    });

    it('Deals(n)/Account is the single related entity', async () => {
      const [expected] = await rows(
        'select a.id, a.name from demo.deals d join demo.accounts a on a.id = d.account_id where d.id = 123',
      );
      const res = await get<Row>(`${path}Deals(123)/Account`);
      expect(res.body['@odata.context']).toBe(`${root}$metadata#Accounts/$entity`);
      expect(res.body).toMatchObject({ Id: expected.id, Name: expected.name });
    });

    it('Accounts(n)/Deals pages through exactly that account’s deals, with $count and /$count', async () => {
      const expected = (
        await rows('select id from demo.deals where account_id = 5 order by id')
      ).map((r) => Number(r.id));
      const all = await followAllPages<{ Id: number }>(
        test,
        `${path}Accounts(5)/Deals?$select=Id`,
        {
          credentials: creds,
          headers: { prefer: 'odata.maxpagesize=30' },
        },
      );
      expect(all.rows.map((r) => r.Id)).toEqual(expected);
      expect(all.pageSizes.length).toBeGreaterThan(1);
      for (const link of all.links) expect(link.startsWith(`${root}Accounts(5)/Deals?`)).toBe(true);
      const counted = await get(`${path}Accounts(5)/Deals?$count=true&$top=0`);
      expect(counted.body['@odata.count']).toBe(expected.length);
      expect((await get(`${path}Accounts(5)/Deals/$count`)).text).toBe(String(expected.length));
      expect((await get<Row>(`${path}Accounts(5)/Deals(${expected[0]})`)).body.Id).toBe(
        expected[0],
      );
      expectODataError(await get(`${path}Accounts(6)/Deals(${expected[0]})`), 404);
      expectODataError(await get(`${path}Accounts(999999)/Deals`), 404);
    });

    it('HEAD answers the headers of GET without a body', async () => {
      const authorization = basicAuth(creds.username, creds.token);
      for (const sub of ['Deals?$top=2', '$metadata', 'Deals(1)']) {
        const get = await fetch(`${root}${sub}`, { headers: { authorization } });
        const head = await fetch(`${root}${sub}`, { method: 'HEAD', headers: { authorization } });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
        expect(head.headers.get('odata-version')).toBe('4.0');
        expect(await head.text()).toBe('');
        expect((await get.text()).length).toBeGreaterThan(0);
      }
    });

    it('unknown paths are 404 and other methods 405 with Allow, all OData errors', async () => {
      expectODataError(await get(`${path}Deals/a/b/c`), 404, 'not_found');
      expectODataError(await get('/odata'), 404);
      for (const method of ['POST', 'DELETE', 'PATCH', 'PUT']) {
        const res = await fetch(`${root}Deals`, {
          method,
          headers: { authorization: basicAuth(creds.username, creds.token) },
        });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe('GET, HEAD');
        expect(res.headers.get('odata-version')).toBe('4.0');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'method_not_allowed',
        );
      }
    });
  });

  describe('$expand', () => {
    it('Deals?$expand=Account gives every deal its account, as SQL joins them, across pages', async () => {
      const all = await followAllPages<Row & { Account: Row }>(
        test,
        `${path}Deals?$select=Id,AccountId&$expand=Account($select=Id,Name)&$top=12000`,
        { credentials: creds },
      );
      const expected = await rows(
        'select d.id, a.id as account_id, a.name from demo.deals d join demo.accounts a on a.id = d.account_id order by d.id limit 12000',
      );
      expect(all.rows).toHaveLength(12000);
      expect(all.rows.map((r) => [r.Id, r.Account.Id, r.Account.Name])).toEqual(
        expected.map((r) => [Number(r.id), r.account_id, r.name]),
      );
      expect(all.responses[0].body).toMatchObject({
        '@odata.context': `${root}$metadata#Deals(Id,AccountId,Account(Id,Name))`,
      });
    });

    it('nested $filter, $orderby and $top on a collection match the same window in SQL', async () => {
      const res = await get(
        `${path}Accounts?$filter=Id le 20&$expand=Deals($select=Id,Amount;$filter=Amount gt 5000;$orderby=Amount desc;$top=3)`,
      );
      const expected = await rows(
        `select account_id, id, amount from (
           select account_id, id, amount, row_number() over (partition by account_id order by amount desc, id) as n
             from demo.deals where account_id <= 20 and amount > 5000) x
          where n <= 3 order by account_id, n`,
      );
      const got = res.body.value.flatMap((a) =>
        (a.Deals as Row[]).map((d) => [a.Id, d.Id, d.Amount]),
      );
      expect(got).toEqual(expected.map((r) => [r.account_id, Number(r.id), Number(r.amount)]));
      expect(res.body.value).toHaveLength(20);
    });

    it('an expanded collection is bounded by the page size, with a nextLink that continues it', async () => {
      const res = await get(`${path}Accounts(1)?$expand=Deals($select=Id)`, {
        prefer: 'odata.maxpagesize=40',
      });
      const body = res.body as unknown as Row;
      const deals = body.Deals as { Id: number }[];
      const expected = (
        await rows('select id from demo.deals where account_id = 1 order by id')
      ).map((r) => Number(r.id));
      expect(deals.map((d) => d.Id)).toEqual(expected.slice(0, 40));
      const rest = await followAllPages<{ Id: number }>(
        test,
        body['Deals@odata.nextLink'] as string,
        {
          credentials: creds,
        },
      );
      expect([...deals.map((d) => d.Id), ...rest.rows.map((r) => r.Id)]).toEqual(expected);
    });

    it('a single-valued $expand joined into the page writes what the per-page expansion writes', async () => {
      // $count holds the page and loads Account with a statement of its own; without it the
      // account is joined into the page's statement and written from the same row. Apart from
      // the count (and $count=true carried into the next link) the two answers are the same.
      const withoutCount = (text: string) =>
        text.replace(/"@odata\.count":"?\d+"?,/, '').replace('&$count=true', '');
      const small = { prefer: 'odata.maxpagesize=700' };
      const variants: [string, Record<string, string>][] = [
        ['$expand=Account', {}],
        ['$expand=Account', small],
        ['$select=Id,AccountId&$expand=Account($select=Name,CreatedAt)', small],
        ['$select=Name&$expand=Account($select=Country)&$orderby=Amount desc,Name', small],
        ['$expand=Account&$orderby=Stage&$skip=10', small], // ties in the ordering
        ['$expand=Account', { prefer: 'omit-values=nulls' }],
        ['$expand=Account&$filter=IsWon', { accept: 'application/json;IEEE754Compatible=true' }],
        ['$expand=Account&$skip=7', { accept: 'application/json;odata.metadata=none' }],
      ];
      for (const [query, headers] of variants) {
        const joined = await get(`${path}Deals?$top=2500&${query}`, headers);
        const held = await get(`${path}Deals?$top=2500&${query}&$count=true`, headers);
        expect([joined.status, held.status]).toEqual([200, 200]);
        expect(joined.body.value.length).toBeGreaterThan(100);
        expect(joined.text).toBe(withoutCount(held.text));
      }
    });

    it('a joined $expand gives null for a missing or hidden related row, as SQL does', async () => {
      const bob = await signIn(test, 'bob', TEST_PASSWORD);
      const notes = await createDataSource(bob, 'Notes', ['notes', 'accounts', 'codes']);
      const filtered = await bob.patch(`/api/data-sources/${notes.id}`, {
        rowFilters: { accounts: "Id le 500 and Industry ne 'Retail'", notes: 'Id le 1100' },
      });
      expect(filtered.status).toBe(200);
      const expected = await rows(
        `select n.id, n.body, a.id as account_id, a.name, c.code, c.label from demo.notes n
           left join demo.accounts a on a.id = n.account_id and a.id <= 500 and a.industry <> 'Retail'
           left join demo.codes c on c.code = n.code_key where n.id <= 1100 order by n.id`,
      );
      expect(expected.some((r) => r.account_id === null && r.id % 3 !== 0)).toBe(true); // hidden
      const url = `${feedPath(notes)}Notes?$expand=Account($select=Id,Name),Code`;
      for (const count of ['', '&$count=true']) {
        const all = await followAllPages<Row & { Account: Row | null; Code: Row | null }>(
          test,
          url + count,
          { credentials: creds, headers: { prefer: 'odata.maxpagesize=100' } },
        );
        expect(all.responses).toHaveLength(11);
        expect(
          all.rows.map((r) => [
            r.Id,
            r.Body,
            r.Account?.Id ?? null,
            r.Account?.Name ?? null,
            r.Code,
          ]),
        ).toEqual(
          expected.map((r) => [
            r.id,
            r.body,
            r.account_id,
            r.name,
            r.code === null ? null : { Code: r.code, Label: r.label },
          ]),
        );
      }
      // Nulls left out inside the related rows as in the rows themselves.
      const prefer = { prefer: 'omit-values=nulls' };
      const joined = await get(`${feedPath(notes)}Notes?$expand=Account,Code&$top=300`, prefer);
      const held = await get(
        `${feedPath(notes)}Notes?$expand=Account,Code&$top=300&$count=true`,
        prefer,
      );
      expect(joined.text).toContain('"Code":{"Code":"plain"}');
      expect(joined.text.slice(joined.text.indexOf('"value":['))).toBe(
        held.text.slice(held.text.indexOf('"value":[')),
      );
    });

    it('costs one statement per page for each expanded property, for 1 parent or 5,000', async () => {
      const cost = async (top: number) => {
        const before = statements;
        const res = await get(`${path}Deals?$top=${top}&$expand=Account,DealProducts`);
        expect(res.status).toBe(200);
        expect(res.body.value).toHaveLength(top);
        return statements - before;
      };
      const one = await cost(1);
      const many = await cost(5000);
      expect(many).toBe(one);
      expect(one).toBeLessThanOrEqual(3);
    });

    it('refuses what it cannot do: unknown properties 400, deeper levels 501', async () => {
      expect(expectODataError(await get(`${path}Deals?$expand=Nope`), 400).message).toContain(
        'Nope',
      );
      expectODataError(await get(`${path}Deals?$expand=Account($expand=Deals)`), 501);
      expectODataError(await get(`${path}Deals?$expand=Account/$ref`), 501);
    });
  });

  describe('$apply', () => {
    it('groupby with every aggregate equals the same GROUP BY in SQL', async () => {
      const res = await get(
        `${path}Deals?$apply=${encodeURIComponent(
          'groupby((Stage),aggregate(Amount with sum as Total,Amount with average as Mean,Amount with min as Low,Amount with max as High,AccountId with countdistinct as Accounts,$count as Count))',
        )}&$orderby=Stage`,
      );
      const expected = await rows(
        `select stage, sum(amount) as total, avg(amount) as mean, min(amount) as low, max(amount) as high,
                count(distinct account_id) as accounts, count(*) as n
           from demo.deals group by stage order by stage`,
      );
      expect(res.status).toBe(200);
      expect(res.body['@odata.context']).toBe(
        `${root}$metadata#Deals(Stage,Total,Mean,Low,High,Accounts,Count)`,
      );
      expect(
        res.body.value.map((r) => [r.Stage, r.Total, r.Low, r.High, r.Accounts, r.Count]),
      ).toEqual(
        expected.map((r) => [
          r.stage,
          Number(r.total),
          Number(r.low),
          Number(r.high),
          Number(r.accounts),
          Number(r.n),
        ]),
      );
      for (const [i, r] of res.body.value.entries()) {
        expect(r['@odata.id']).toBeNull();
        expect(Number(r.Mean)).toBeCloseTo(Number(expected[i].mean), 6);
      }
    });

    it('filter, groupby and a filter on the result fold into one statement', async () => {
      const before = statements;
      const res = await get(
        `${path}Deals?$apply=${encodeURIComponent(
          "filter(Stage ne 'Closed Lost')/groupby((AccountId),aggregate(Amount with sum as Total))/filter(Total gt 500000)",
        )}&$count=true`,
      );
      const expected = await rows(
        `select account_id, sum(amount) as total from demo.deals where stage <> 'Closed Lost'
          group by account_id having sum(amount) > 500000 order by account_id`,
      );
      expect(res.body['@odata.count']).toBe(expected.length);
      expect(res.body.value.map((r) => [r.AccountId, r.Total])).toEqual(
        expected.map((r) => [r.account_id, Number(r.total)]),
      );
      // One for the rows, one for @odata.count.
      expect(statements - before).toBe(2);
    });

    it('aggregate alone is one row; unsupported transformations are 501', async () => {
      const res = await get(`${path}Deals?$apply=aggregate($count as N)`);
      expect(res.body.value).toEqual([{ '@odata.id': null, N: 100_000 }]);
      expectODataError(await get(`${path}Deals?$apply=topcount(5,Amount)`), 501);
      expectODataError(await get(`${path}Deals?$apply=groupby((Nope))`), 400);
    });
  });

  describe('compression', () => {
    it.each([
      ['gzip', gunzipSync],
      ['deflate', inflateSync],
      ['br', brotliDecompressSync],
    ] as const)(
      '%s decodes to exactly the uncompressed body, far smaller',
      async (encoding, decode) => {
        const url = `${root}Deals?$top=5000`;
        const headers = {
          ...POWER_BI_HEADERS,
          authorization: basicAuth(creds.username, creds.token),
        };
        const plain = await rawGet(url, headers);
        const packed = await rawGet(url, { ...headers, 'accept-encoding': encoding });
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(packed.headers['content-encoding']).toBe(encoding);
        expect(packed.headers.vary).toMatch(/Accept-Encoding/i);
        expect(decode(packed.body).equals(plain.body)).toBe(true);
        expect(packed.body.length).toBeLessThan(plain.body.length * 0.2);
      },
    );

    it("Power Query's gzip, deflate gets gzip", async () => {
      const res = await rawGet(`${root}`, {
        authorization: basicAuth(creds.username, creds.token),
        'accept-encoding': 'gzip, deflate',
      });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(res.body).toString()).value.length).toBeGreaterThan(0);
    });
  });

  describe('preferences and formats', () => {
    it('Prefer: omit-values=nulls leaves nulls out and says so', async () => {
      const res = await get(`${path}Deals?$top=20&$select=Id,ClosedAt`, {
        prefer: 'omit-values=nulls',
      });
      expect(res.headers.get('preference-applied')).toBe('omit-values=nulls');
      const open = (
        await rows('select id from demo.deals where id <= 20 and closed_at is null')
      ).map((r) => Number(r.id));
      expect(open.length).toBeGreaterThan(0);
      for (const row of res.body.value) {
        expect('ClosedAt' in row).toBe(!open.includes(row.Id as number));
      }
    });

    it('odata.metadata=none omits the context but keeps nextLink and count; full is 406', async () => {
      const res = await get(`${path}Deals?$count=true`, {
        accept: 'application/json;odata.metadata=none',
      });
      expect(res.body['@odata.context']).toBeUndefined();
      expect(res.body['@odata.count']).toBe(100_000);
      expect(res.body['@odata.nextLink']).toBeDefined();
      expect(res.headers.get('content-type')).toMatch(/odata\.metadata=none/);
      expectODataError(
        await get(`${path}Deals`, { accept: 'application/json;odata.metadata=full' }),
        406,
      );
    });

    it('IEEE754Compatible comes from the media type only, never from a string in the URL', async () => {
      const res = await get(
        `${path}Deals?$top=1&$filter=${encodeURIComponent("Name ne 'IEEE754Compatible=true'")}`,
      );
      expect(typeof res.body.value[0].Id).toBe('number');
      const strings = await get(
        `${path}Deals?$top=1&$format=${encodeURIComponent('application/json;IEEE754Compatible=true')}`,
      );
      expect(typeof strings.body.value[0].Id).toBe('string');
    });

    it('a malformed option is refused before any statement reaches the source', async () => {
      for (const query of ['$top=abc', '$count=maybe', '$skip=-1', '$search=x', '$foo=1']) {
        const before = statements;
        const res = await get(`${path}Deals?${query}&$expand=Account`);
        expect(res.status === 400 || res.status === 501).toBe(true);
        expectODataError(res, res.status);
        expect(statements - before).toBe(0);
      }
    });

    it('accepts a 16 kB query string', async () => {
      const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
      const filter = `Id in (${ids.join(',')})`.padEnd(15_500, ' ');
      const url = `${path}Deals?$select=Id&$filter=${encodeURIComponent(filter)}`;
      expect(url.length).toBeGreaterThan(15_000);
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.body.value).toHaveLength(2000);
    });
  });

  describe('hostile input', () => {
    const property = (arbitrary: fc.Arbitrary<string>, toUrl: (s: string) => string) =>
      fc.assert(
        fc.asyncProperty(arbitrary, async (text) => {
          const res = await get(toUrl(text));
          // Valid OData the feed does not implement is 501; nothing is ever a server error.
          expect(res.status === 501 || res.status < 500).toBe(true);
          if (res.status >= 400) expectODataError(res, res.status);
        }),
        { numRuns: 60, seed: 20261201 },
      );
    const pieces = (words: string[]) =>
      fc
        .array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 4 })), { maxLength: 8 })
        .map((a) => a.join(''));

    it('keys never cause a server error', () =>
      property(
        pieces([
          "'",
          "''",
          ',',
          '=',
          'Id',
          'DealId',
          'Product',
          '1',
          '-1',
          '(',
          ')',
          '%2F',
          'null',
          '2e5',
        ]),
        (s) => `${path}DealProducts(${encodeURIComponent(s)})`,
      ));

    it('$expand never causes a server error', () =>
      property(
        pieces([
          'Account',
          'DealProducts',
          '(',
          ')',
          ';',
          '$select=',
          '$filter=',
          '$top=',
          ',',
          '*',
          '/',
          "'",
        ]),
        (s) => `${path}Deals?$top=2&$expand=${encodeURIComponent(s)}`,
      ));

    it('$apply never causes a server error', () =>
      property(
        pieces([
          'groupby((',
          'Stage',
          '))',
          'aggregate(',
          'Amount with sum as T',
          '$count as N',
          ')',
          '/',
          'filter(',
          'Amount gt 1',
          ',',
        ]),
        (s) => `${path}Deals?$apply=${encodeURIComponent(s)}`,
      ));
  });
});
