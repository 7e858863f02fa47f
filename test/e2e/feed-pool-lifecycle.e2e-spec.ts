import type { DataSource } from '@feedpass/contracts';
import { signIn } from '../setup/e2e-helpers';
import {
  createDataSource,
  feedGet,
  feedPath,
  mintCredentials,
  seedDemoSchema,
  type Credentials,
} from '../setup/odata-helpers';
import {
  seedTenant,
  startAppOn,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../setup/test-app';

/**
 * The feed signs in with prepared statements run straight on MikroORM's pg pool
 * (`database/prepared.ts`). MikroORM's connection outlives its pool: closing the ORM ends the
 * pool and connecting again makes a new one. Whatever happened to a pool before — another
 * instance in the process closed, this instance's ORM closed and connected again — a feed
 * request signs in on a pool that is open.
 *
 * Each test starts its own instances. passport keeps one `basic` strategy per process, the
 * one of the instance constructed last, so that instance is the one whose ORM a test closes.
 */
describe('the feed sign-in on the pool MikroORM holds now', () => {
  let test: TestApp;
  let source: DataSource;
  let creds: Credentials;
  const started: TestApp[] = [];

  beforeAll(async () => {
    test = await startTestApp();
    await seedDemoSchema(test, { deals: 5 });
    await seedTenant(test, 'Acme', [{ username: 'bob' }]);
    const bob = await signIn(test, 'bob', TEST_PASSWORD);
    source = await createDataSource(bob, 'Sales', ['deals']);
    creds = (await mintCredentials(bob, 'bob')).credentials;
  }, 60_000);
  afterEach(async () => {
    for (const instance of started.splice(0)) {
      await instance.close();
      // An ORM a feed request opened again after its app closed (see the `.failing` test).
      await instance.orm.close();
    }
  });
  afterAll(() => test?.close());

  /** Another instance on the spec's database, closed after the test unless the test did. */
  async function instance(): Promise<TestApp> {
    const app = await startAppOn(test.databaseUrl, {}, test.clock);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await app.close();
    };
    const tracked = { ...app, close };
    started.push(tracked);
    return tracked;
  }

  /** The status of the feed's service document, read on `app` with Bob's token. */
  const readFeed = async (app: TestApp, who = creds) =>
    (await feedGet(app, feedPath(source), { credentials: who })).status;

  it('two instances on one database: closing one leaves the other signing the feed in', async () => {
    const first = await instance();
    const second = await instance();
    // Both have signed a feed request in (and so prepared their statements) before.
    expect(await readFeed(first)).toBe(200);
    expect(await readFeed(second)).toBe(200);

    await second.close();
    expect(await readFeed(first)).toBe(200);
    expect(await readFeed(first)).toBe(200);
  });

  it('two instances on one database: closing the other one leaves this one signing in too', async () => {
    const first = await instance();
    const second = await instance();
    expect(await readFeed(first)).toBe(200);
    expect(await readFeed(second)).toBe(200);

    await first.close();
    expect(await readFeed(second)).toBe(200);
  });

  // Known bug outside the pool: passport's strategies are process-wide, so the instance
  // constructed last (`second`) signs in the feed requests of every instance in the process,
  // on its own ORM — which MikroORM opens again once it is closed (odata-auth/basic.strategy).
  // Remove `.failing` once each instance signs its own requests in.
  it.failing('a feed request to one instance leaves a closed instance closed', async () => {
    const first = await instance();
    const second = await instance();
    expect(await readFeed(second)).toBe(200);

    await second.close();
    expect(await readFeed(first)).toBe(200);
    expect(await second.orm.isConnected()).toBe(false);
  });

  it('an ORM closed and connected again signs the feed in on its new pool', async () => {
    const app = await instance();
    const bob = await signIn(app, 'bob', TEST_PASSWORD);
    expect(await readFeed(app)).toBe(200);

    await app.orm.close();
    await app.orm.connect();

    // The portal's ORM queries run on the new pool, and so does the feed's sign-in, each time.
    expect((await bob.get<{ username: string }>('/api/auth/me')).body.username).toBe('bob');
    expect(await readFeed(app)).toBe(200);
    expect(await readFeed(app)).toBe(200);
  });

  it('an ORM reconnected (orm.reconnect) signs the feed in, and still refuses a wrong token', async () => {
    const app = await instance();
    expect(await readFeed(app)).toBe(200);

    await app.orm.reconnect();

    expect(await readFeed(app)).toBe(200);
    const last = creds.token.at(-1) === 'x' ? 'y' : 'x';
    const wrong = { username: 'bob', token: `${creds.token.slice(0, -1)}${last}` };
    expect(await readFeed(app, wrong)).toBe(401);
  });
});
