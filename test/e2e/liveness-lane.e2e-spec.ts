import { XSRF_COOKIE } from '@feedpass/contracts';
import { DatabaseProbe } from '../../apps/api/src/health/database-probe';
import { startTestApp, type TestApp } from '../setup/test-app';

/**
 * GET /api/health (SPEC 14): liveness shares one database probe per process (at most one
 * ping in flight, its result reused for a second), and while the probe knows the database is
 * up the answer comes from the liveness lane in front of Express — with everything an /api
 * answer carries through Express.
 */
describe('liveness: the shared database probe and the liveness lane', () => {
  let test: TestApp;
  let probe: DatabaseProbe;

  beforeAll(async () => {
    test = await startTestApp();
    probe = test.app.get(DatabaseProbe);
  });
  afterAll(() => test.close());

  const health = () => `${test.baseUrl}/api/health`;

  /** The headers of an answer, minus what differs per request or per connection. */
  function stable(res: Response): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of res.headers) {
      if (['date', 'x-request-id', 'set-cookie', 'connection', 'keep-alive'].includes(name))
        continue;
      headers[name] = value;
    }
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith(`${XSRF_COOKIE}=`));
    if (cookie) headers['set-cookie'] = cookie.replace(/=[^;]*/, '=…');
    return headers;
  }

  it('costs at most one ping for many concurrent liveness requests', async () => {
    probe.forget();
    const before = probe.pings;

    const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(health())));

    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(probe.pings - before).toBeLessThanOrEqual(1);
    expect(probe.knownUp()).toBe(true);
  });

  it('answers from the lane exactly as the controller answers through Express', async () => {
    probe.forget();
    const throughExpress = await fetch(health()); // stale probe: the controller pings
    expect(probe.knownUp()).toBe(true);
    const fromLane = await fetch(health()); // fresh probe: answered in front of Express

    expect(fromLane.status).toBe(200);
    expect(await fromLane.json()).toEqual(await throughExpress.json());
    expect(stable(fromLane)).toEqual(stable(throughExpress));
    expect(stable(fromLane)).toMatchObject({
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'set-cookie': `${XSRF_COOKIE}=…; Path=/; SameSite=Lax`,
    });
  });

  it('answers HEAD with the headers and no body, and keeps a sane request id and a client XSRF cookie', async () => {
    await fetch(health());
    const head = await fetch(health(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-length')).toBe(
      String(Buffer.byteLength(await (await fetch(health())).text())),
    );

    const traced = await fetch(health(), {
      headers: { 'X-Request-Id': 'probe-7', cookie: `${XSRF_COOKIE}=${'a'.repeat(43)}` },
    });
    expect(traced.headers.get('x-request-id')).toBe('probe-7');
    expect(traced.headers.getSetCookie()).toEqual([]);
  });

  it('gives every /api answer the same security headers as liveness, and Swagger UI the portal policy', async () => {
    await fetch(health());
    const lane = stable(await fetch(health()));
    const security = (h: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(h).filter(([name]) =>
          [
            'cache-control',
            'content-security-policy',
            'cross-origin-resource-policy',
            'referrer-policy',
            'strict-transport-security',
            'x-content-type-options',
            'x-frame-options',
          ].includes(name),
        ),
      );
    for (const path of ['/api/auth/me', '/api/no-such-route']) {
      expect(security(stable(await fetch(`${test.baseUrl}${path}`)))).toEqual(security(lane));
    }

    const docs = await fetch(`${test.baseUrl}/api/docs`);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(docs.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('counts the lane answers in the metrics under the route pattern', async () => {
    const count = async () => {
      const text = await (await fetch(`${test.baseUrl}/metrics`)).text();
      const line = text
        .split('\n')
        .find((l) =>
          l.startsWith(
            'feedpass_http_requests_total{method="GET",route="/api/health",status="200"}',
          ),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    await fetch(health());
    expect(probe.knownUp()).toBe(true);
    const before = await count();

    for (let i = 0; i < 5; i++) expect((await fetch(health())).status).toBe(200);

    expect((await count()) - before).toBe(5);
  });

  it('answers over https as Express does: HSTS and a Secure XSRF cookie', async () => {
    const secure = await startTestApp({ PUBLIC_URL: 'https://feeds.example.test' });
    try {
      const secureProbe = secure.app.get(DatabaseProbe);
      secureProbe.forget();
      const throughExpress = await fetch(`${secure.baseUrl}/api/health`);
      expect(secureProbe.knownUp()).toBe(true);
      const fromLane = await fetch(`${secure.baseUrl}/api/health`);

      expect(stable(fromLane)).toEqual(stable(throughExpress));
      expect(stable(fromLane)).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'set-cookie': `${XSRF_COOKIE}=…; Path=/; Secure; SameSite=Lax`,
      });
    } finally {
      await secure.close();
    }
  });

  it('logs each lane answer once with its request id when LOG_REQUESTS is on', async () => {
    const logged = await startTestApp({ LOG_REQUESTS: 'true', LOG_LEVEL: 'info' });
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await fetch(`${logged.baseUrl}/api/health`);
      expect(logged.app.get(DatabaseProbe).knownUp()).toBe(true);
      const res = await fetch(`${logged.baseUrl}/api/health`, {
        headers: { 'X-Request-Id': 'lane-log-1' },
      });
      expect(res.headers.get('x-request-id')).toBe('lane-log-1');
      // pino-http writes its line on the response's 'finish'.
      for (let i = 0; i < 40 && !lines.some((l) => l.includes('lane-log-1')); i++)
        await new Promise((done) => setTimeout(done, 50));
    } finally {
      write.mockRestore();
      await logged.close();
    }
    const mine = lines.filter((l) => l.includes('"id":"lane-log-1"'));
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0])).toMatchObject({
      req: { id: 'lane-log-1', method: 'GET', url: '/api/health' },
      res: { statusCode: 200 },
    });
  });
});
