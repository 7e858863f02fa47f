import type { DataSource } from '@feedpass/contracts';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signIn } from '../setup/e2e-helpers';
import {
  basicAuth,
  createDataSource,
  feedPath,
  mintCredentials,
  POWER_BI_HEADERS,
  seedDemoSchema,
  type Credentials,
} from '../setup/odata-helpers';
import { ODataService } from '../../apps/api/src/odata/odata.service';
import {
  seedTenant,
  startAppOn,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../setup/test-app';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** GET (or HEAD) over node:http, so the Host header is ours and the body's bytes are kept. */
function get(port: number, path: string, headers: Record<string, string>, method = 'GET') {
  return new Promise<Answer>((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { host: 'feed.example', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const stable: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (['date', 'x-request-id', 'connection', 'keep-alive'].includes(name)) continue;
            stable[name] = String(value);
          }
          done({ status: res.statusCode!, headers: stable, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** `http_requests_total` by route label at /metrics, for GET. */
async function requestsByRoute(test: TestApp): Promise<Map<string, number>> {
  const text = await (await fetch(`${test.baseUrl}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^feedpass_http_requests_total\{([^}]*)\} (\d+)/gm)) {
    const route = /route="([^"]*)"/.exec(m[1]!)?.[1];
    const status = /status="([^"]*)"/.exec(m[1]!)?.[1];
    if (/method="GET"/.test(m[1]!) && route?.startsWith('/odata'))
      counts.set(`${route} ${status}`, (counts.get(`${route} ${status}`) ?? 0) + Number(m[2]));
  }
  return counts;
}

/**
 * The feed's reads are answered in front of Express's router (odata/feed-lane.ts, SPEC 14),
 * by the same middlewares, guard, service and error rendering. The same Express application,
 * served on a second port without the lane, is the reference: every answer — status, headers,
 * bytes — and every metric must be the one the routed request gives.
 */
describe('the feed lane answers exactly as the routed feed', () => {
  let test: TestApp;
  let routed: Server;
  let routedPort: number;
  let lanePort: number;
  let source: DataSource;
  let creds: Credentials;
  let key: string;

  beforeAll(async () => {
    test = await startTestApp();
    await seedDemoSchema(test, { deals: 30 });
    await seedTenant(test, 'Acme', [{ username: 'bob' }]);
    const bob = await signIn(test, 'bob', TEST_PASSWORD);
    source = await createDataSource(bob, 'Sales', ['deals', 'accounts']);
    creds = (await mintCredentials(bob, 'bob', 'lane')).credentials;
    key = feedPath(source).split('/')[2]!;
    lanePort = Number(new URL(test.baseUrl).port);
    // Express itself, as Nest built it, on a server of its own: no lane in front.
    routed = createServer(test.app.getHttpAdapter().getInstance());
    await new Promise<void>((done) => routed.listen(0, '127.0.0.1', done));
    routedPort = (routed.address() as AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await new Promise((done) => routed?.close(done));
    await test?.close();
  });

  const signedIn = () => ({ ...POWER_BI_HEADERS, authorization: basicAuth('bob', creds.token) });

  const cases: Array<
    [string, () => { path: string; headers: Record<string, string>; method?: string }]
  > = [
    ['the service document', () => ({ path: `/odata/${key}/`, headers: signedIn() })],
    [
      'the service document without the slash',
      () => ({ path: `/odata/${key}`, headers: signedIn() }),
    ],
    ['the service document, any case', () => ({ path: `/ODATA/${key}/`, headers: signedIn() })],
    ['$metadata', () => ({ path: `/odata/${key}/$metadata`, headers: signedIn() })],
    [
      'a page of an entity set',
      () => ({ path: `/odata/${key}/Deals?$top=3&$orderby=Id%20desc`, headers: signedIn() }),
    ],
    [
      'a gzip page that runs over the page size',
      () => ({
        path: `/odata/${key}/Deals?$select=Id`,
        headers: { ...signedIn(), 'accept-encoding': 'gzip', prefer: 'odata.maxpagesize=7' },
      }),
    ],
    ['$count', () => ({ path: `/odata/${key}/Deals/$count`, headers: signedIn() })],
    ['HEAD', () => ({ path: `/odata/${key}/Deals?$top=2`, headers: signedIn(), method: 'HEAD' })],
    [
      'a malformed $filter (400)',
      () => ({ path: `/odata/${key}/Deals?$filter=Amount%20eq`, headers: signedIn() }),
    ],
    [
      'unsupported OData (501)',
      () => ({ path: `/odata/${key}/Deals?$search=blue`, headers: signedIn() }),
    ],
    ['an unknown entity set (404)', () => ({ path: `/odata/${key}/Nope`, headers: signedIn() })],
    ['an unknown data source (404)', () => ({ path: '/odata/NoSuchKey0/', headers: signedIn() })],
    ['no credentials (401)', () => ({ path: `/odata/${key}/`, headers: { ...POWER_BI_HEADERS } })],
    [
      'a wrong token (401)',
      () => ({
        path: `/odata/${key}/`,
        headers: { ...POWER_BI_HEADERS, authorization: basicAuth('bob', 'not-a-token') },
      }),
    ],
    [
      'the wrong username (401)',
      () => ({
        path: `/odata/${key}/`,
        headers: { ...POWER_BI_HEADERS, authorization: basicAuth('carol', creds.token) },
      }),
    ],
  ];

  /** How many requests reached Express's router while `run` ran. */
  async function routedDuring<T>(run: () => Promise<T>): Promise<[T, number]> {
    const express = test.app.getHttpAdapter().getInstance() as unknown as { handle: () => void };
    const spy = jest.spyOn(express, 'handle');
    try {
      return [await run(), spy.mock.calls.length];
    } finally {
      spy.mockRestore();
    }
  }

  it.each(cases)('%s', async (_name, make) => {
    const { path, headers, method } = make();
    const [fromLane, routedByLane] = await routedDuring(() => get(lanePort, path, headers, method));
    const [throughExpress, routedByExpress] = await routedDuring(() =>
      get(routedPort, path, headers, method),
    );
    expect([routedByLane, routedByExpress]).toEqual([0, 1]);
    expect(fromLane.status).toBe(throughExpress.status);
    expect(fromLane.headers).toEqual(throughExpress.headers);
    expect(fromLane.body.equals(throughExpress.body)).toBe(true);
  });

  it('answers the cases above with what the feed promises, not merely alike', async () => {
    const doc = await get(lanePort, `/odata/${key}/`, signedIn());
    expect(doc.status).toBe(200);
    expect(JSON.parse(doc.body.toString())).toMatchObject({
      '@odata.context': `http://feed.example/odata/${key}/$metadata`,
      value: [
        { name: 'Deals', kind: 'EntitySet', url: 'Deals' },
        { name: 'Accounts', kind: 'EntitySet', url: 'Accounts' },
      ],
    });
    expect(doc.headers).toMatchObject({
      'odata-version': '4.0',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    const refused = await get(lanePort, `/odata/${key}/`, { ...POWER_BI_HEADERS });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Basic realm="feedpass", charset="UTF-8"');
    expect(JSON.parse(refused.body.toString()).error.code).toBe('unauthorized');
  });

  it('leaves other methods and addresses to Express: 405 and 404 as before', async () => {
    const [post, routed] = await routedDuring(() =>
      get(lanePort, `/odata/${key}/`, signedIn(), 'POST'),
    );
    expect(routed).toBe(1);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const bare = await get(lanePort, '/odata', signedIn());
    expect(bare.status).toBe(404);
    expect(bare.body.equals((await get(routedPort, '/odata', signedIn())).body)).toBe(true);
  });

  it('counts its requests under the route patterns Express counts them under', async () => {
    const paths = [
      `/odata/${key}/`,
      `/odata/${key}`,
      `/odata/${key}?$format=json`,
      `/odata/${key}/Deals?$top=1`,
      `/odata/${key}/Nope`,
      `/odata/${key}//Deals`,
    ];
    const counted = async (port: number) => {
      const before = await requestsByRoute(test);
      for (const path of paths) await get(port, path, signedIn());
      const after = await requestsByRoute(test);
      const added: Record<string, number> = {};
      for (const [label, n] of after)
        if (n > (before.get(label) ?? 0)) added[label] = n - (before.get(label) ?? 0);
      return added;
    };
    const viaExpress = await counted(routedPort);
    expect(Object.values(viaExpress).reduce((a, b) => a + b, 0)).toBe(paths.length);
    expect(await counted(lanePort)).toEqual(viaExpress);
  });

  // Last: passport keeps the strategy of the instance made last (feed-pool-lifecycle.e2e-spec).
  it('answers a failure of its own as a 500 that says nothing, logged with the request', async () => {
    const logging = await startAppOn(test.databaseUrl, { LOG_LEVEL: 'error' });
    const odata = logging.app.get(ODataService);
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    jest.spyOn(odata, 'handle').mockRejectedValueOnce(new Error('the disk caught fire'));
    let answer: Answer;
    try {
      answer = await get(Number(new URL(logging.baseUrl).port), `/odata/${key}/`, {
        ...signedIn(),
        'x-request-id': 'lane-500',
      });
    } finally {
      write.mockRestore();
      await logging.close();
    }
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body.toString())).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side' },
    });
    const logged = lines.filter((l) => l.includes('the disk caught fire'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({
      level: 50,
      context: 'Errors',
      req: { id: 'lane-500', method: 'GET', url: `/odata/${key}/` },
    });
    expect(logged[0]).not.toContain(creds.token);
  });
});
