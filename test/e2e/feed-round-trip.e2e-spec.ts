import type { DataSource } from '@feedpass/contracts';
import type { Pool } from 'pg';
import { nativePool } from '../../apps/api/src/database/prepared';
import { FeedService } from '../../apps/api/src/odata/feed.service';
import type { ApiClient } from '../setup/api-client';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
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
import { mint } from '../setup/token-helpers';

/**
 * The feed's hot path (SPEC 14): a feed request reads its token and its data source in one
 * prepared statement on the pg pool, every time (nothing about a token is cached, SPEC 2),
 * and every answer — owned, shared, not shared, out of scope, unknown — is the one it was.
 */
describe('the feed: token and data source in one prepared statement', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let bob: ApiClient;
  let carol: ApiClient;
  let pool: Pool;
  const ds = {} as Record<'sales' | 'shared' | 'private', DataSource>;
  let creds: Credentials;
  let scoped: Credentials;

  beforeAll(async () => {
    test = await startTestApp();
    await seedDemoSchema(test, { deals: 20 });
    ({
      users,
      clients: { bob, carol },
    } = await seedAcmeAndGlobex(test));
    ds.sales = await createDataSource(bob, 'Sales', ['deals']);
    ds.shared = await createDataSource(carol, 'Shared', ['accounts']);
    ds.private = await createDataSource(carol, 'Private', ['deals']);
    expect(
      (await carol.post(`/api/data-sources/${ds.shared.id}/shares`, { username: 'bob' })).status,
    ).toBe(200);
    creds = (await mintCredentials(bob, 'bob', 'all')).credentials;
    const only = await mint(bob, 'Sales only', {
      scope: { kind: 'data_sources', dataSourceIds: [ds.sales.id] },
    });
    scoped = { username: 'bob', token: only.value };
    pool = await nativePool(test.orm.em);
  }, 60_000);
  afterAll(() => test?.close());

  /** The prepared statements (by name) that one feed request ran on the pool. */
  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const spy = jest.spyOn(pool, 'query');
    try {
      await run();
      return spy.mock.calls.map(([config]) => (config as { name?: string }).name ?? 'unnamed');
    } finally {
      spy.mockRestore();
    }
  }

  const feed = (source: DataSource, who: Credentials, sub = '') =>
    feedGet(test, `${feedPath(source)}${sub}`, { credentials: who });

  it('signs in and opens the data source in one statement, whatever the answer', async () => {
    // A first read of each, so that last use and last read are written (once a minute).
    await feed(ds.sales, creds);
    await feed(ds.shared, creds);
    const cases: [string, () => Promise<unknown>][] = [
      ['owned', async () => expect((await feed(ds.sales, creds)).status).toBe(200)],
      ['shared', async () => expect((await feed(ds.shared, creds, 'Accounts')).status).toBe(200)],
      ['not shared', async () => expectODataError(await feed(ds.private, creds), 403, 'forbidden')],
      [
        'unknown key',
        async () =>
          expectODataError(await feedGet(test, '/odata/NoSuchKey0/', { credentials: creds }), 404),
      ],
    ];
    for (const [name, run] of cases) {
      expect({ name, statements: await statementsOf(run) }).toEqual({
        name,
        statements: ['feedpass_tokens_for_basic'],
      });
    }
    // Only a refusal of scope looks up what the scope names.
    const outOfScope = await statementsOf(async () => {
      const error = expectODataError(await feed(ds.shared, scoped), 403, 'out_of_scope');
      expect(error.message).toBe('This token may read only these data sources: Sales.');
    });
    expect(outOfScope[0]).toBe('feedpass_tokens_for_basic');
  });

  it('reads the token every time: a revoked token is refused on the very next request', async () => {
    const { id, credentials } = await mintCredentials(bob, 'bob', 'to revoke');
    expect((await feed(ds.sales, credentials)).status).toBe(200);
    expect((await bob.post(`/api/tokens/${id}/revoke`)).status).toBe(200);
    expectODataError(await feed(ds.sales, credentials), 401);
  });

  it('reads sign-ins that arrive together in shared statements, each answered as alone', async () => {
    const { id, credentials: revoked } = await mintCredentials(bob, 'bob', 'revoked, in a crowd');
    expect((await bob.post(`/api/tokens/${id}/revoke`)).status).toBe(200);
    const kinds: [string, () => Promise<number>, number][] = [
      ['owned', async () => (await feed(ds.sales, creds)).status, 200],
      ['shared', async () => (await feed(ds.shared, creds, 'Accounts')).status, 200],
      ['not shared', async () => (await feed(ds.private, creds)).status, 403],
      ['scoped, in scope', async () => (await feed(ds.sales, scoped)).status, 200],
      ['scoped, out of scope', async () => (await feed(ds.shared, scoped)).status, 403],
      ['revoked', async () => (await feed(ds.sales, revoked)).status, 401],
      [
        'unknown key',
        async () => (await feedGet(test, '/odata/NoSuchKey0/', { credentials: creds })).status,
        404,
      ],
    ];
    const crowd = Array.from({ length: 5 }, () => kinds).flat();
    let answers: [string, number][] = [];
    const statements = await statementsOf(async () => {
      answers = await Promise.all(crowd.map(async ([name, run]) => [name, await run()]));
    });
    expect(answers).toEqual(crowd.map(([name, , status]) => [name, status]));
    const signIns = statements.filter((name) => name === 'feedpass_tokens_for_basic');
    expect(signIns.length).toBeGreaterThan(0);
    expect(signIns.length).toBeLessThan(crowd.length);
  });

  it('opens a data source for a caller whose sign-in did not read it, with the same answer', async () => {
    const feeds = test.app.get(FeedService);
    const key = /\/odata\/([^/]+)\/$/.exec(ds.shared.odataUrl)![1];
    const caller = {
      tenantId: users.bob.tenantId,
      userId: users.bob.id,
      username: 'bob',
      role: 'user' as const,
    };
    let opened: Awaited<ReturnType<FeedService['open']>> | undefined;
    const statements = await statementsOf(async () => {
      opened = await feeds.open(key, caller);
    });
    expect(statements).toEqual(['feedpass_source_for_feed']);
    expect(opened!.sets.map((s) => s.name)).toEqual(['Accounts']);
  });
});
