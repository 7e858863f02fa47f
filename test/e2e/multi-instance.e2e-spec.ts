import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { resolve } from 'node:path';
import pg from 'pg';
import { ApiClient } from '../setup/api-client';
import { cliTenant, runCli } from '../setup/api-process';
import { SmtpSink } from '../setup/smtp-sink';
import { createTestDatabase } from '../setup/test-database';
import { freePort } from '../setup/free-port';
import { testEnv } from '../setup/test-env';

/**
 * Two real API processes (`node dist/apps/api/src/main.js`, built by the global setup) on
 * one database, behind a tiny round-robin proxy: sessions, revocation and the expiry
 * job's exactly-once delivery hold whichever instance a request reaches (SPEC.md 9).
 */
const ROOT = resolve(__dirname, '../..');
const PASSWORD = 'multi-instance-password';

interface Instance {
  url: string;
  process: ChildProcess;
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('an API instance did not start');
}

/** Round-robin: request n goes to instance n mod 2; `served` records which one. */
function roundRobinProxy(
  targets: string[],
): Promise<{ server: Server; url: string; served: number[] }> {
  const served: number[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const index = next++ % targets.length;
    served.push(index);
    const target = new URL(req.url!, targets[index]);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({
        server,
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        served,
      }),
    ),
  );
}

const basic = (user: string, token: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`,
});

describe('two API instances on one database', () => {
  let databaseUrl: string;
  let sink: SmtpSink;
  let env: Record<string, string>;
  let a: Instance;
  let b: Instance;
  let proxy: Awaited<ReturnType<typeof roundRobinProxy>>;
  let odataUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    sink = await SmtpSink.start();
    // A small source schema for the feed.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(
      'create schema demo; create table demo.items (id int primary key, name text); insert into demo.items values (1, $$one$$), (2, $$two$$)',
    );
    await db.end();
    env = testEnv(databaseUrl, { SMTP_URL: sink.url });
    await cliTenant(
      env,
      'Cluster',
      ['ann', 'ben'].map((username) => ({ username, displayName: username })),
      PASSWORD,
    );
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
    proxy = await roundRobinProxy([a.url, b.url]);
  }, 60_000);

  afterAll(async () => {
    for (const instance of [a, b]) instance?.process.kill('SIGTERM');
    proxy?.server.close();
    await sink?.stop();
  });

  it('a session started on one instance works on the other, and signing out on either ends it on both', async () => {
    const onA = new ApiClient(a.url);
    expect((await onA.login('ann', PASSWORD)).status).toBe(200);
    const onB = new ApiClient(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);

    expect((await onB.get<{ username: string }>('/api/auth/me')).body.username).toBe('ann');
    expect((await onB.post('/api/auth/logout')).status).toBe(204);
    expect((await onA.get('/api/auth/me')).status).toBe(401);
  });

  it('a token revoked through one instance is refused by the other on its very next request', async () => {
    const ann = new ApiClient(a.url);
    await ann.login('ann', PASSWORD);
    const source = await ann.post<{ odataUrl: string }>('/api/data-sources', {
      name: 'Items',
      tables: ['items'],
    });
    expect(source.status).toBe(201);
    odataUrl = new URL(source.body.odataUrl).pathname;
    const minted = await ann.post<{ token: { id: string }; value: string }>('/api/tokens', {
      label: 'cluster',
    });

    for (const instance of [a, b]) {
      expect(
        (
          await fetch(`${instance.url}${odataUrl}Items`, {
            headers: basic('ann', minted.body.value),
          })
        ).status,
      ).toBe(200);
    }
    const onB = new ApiClient(b.url);
    for (const [name, value] of ann.cookies) onB.cookies.set(name, value);
    expect((await onB.post(`/api/tokens/${minted.body.token.id}/revoke`)).status).toBe(200);
    for (const instance of [a, b]) {
      expect(
        (
          await fetch(`${instance.url}${odataUrl}Items`, {
            headers: basic('ann', minted.body.value),
          })
        ).status,
      ).toBe(401);
    }
  });

  it('behind a round-robin proxy a whole session works, whichever instance serves each step', async () => {
    const client = new ApiClient(proxy.url);
    expect((await client.login('ben', PASSWORD)).status).toBe(200);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    const minted = await client.post<{ value: string; token: { id: string } }>('/api/tokens', {
      label: 'via proxy',
    });
    expect(minted.status).toBe(201);
    const list = await client.get<{ items: { id: string }[] }>('/api/tokens');
    expect(list.body.items.map((t) => t.id)).toContain(minted.body.token.id);
    expect((await client.post(`/api/tokens/${minted.body.token.id}/revoke`)).status).toBe(200);
    expect(new Set(proxy.served)).toEqual(new Set([0, 1]));
  });

  it('failed sign-ins are throttled per instance (SPEC.md 9 allows it): 5 failures on one lock that one only', async () => {
    const onA = new ApiClient(a.url);
    await onA.primeXsrf();
    for (let i = 0; i < 5; i++)
      expect(
        (await onA.post('/api/auth/login', { username: 'ben', password: 'wrong-password!' }))
          .status,
      ).toBe(401);
    const locked = await onA.post('/api/auth/login', { username: 'ben', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await new ApiClient(b.url).login('ben', PASSWORD)).status).toBe(200);
  });

  it('two instances running the expiry job at the same moment send each notice once', async () => {
    const ann = new ApiClient(a.url);
    await ann.login('ann', PASSWORD);
    const expiresAt = new Date(Date.now() + 3 * 60 * 60 * 1000).toISOString();
    const minted = await ann.post<{ token: { id: string } }>('/api/tokens', {
      label: 'due soon',
      expiresAt,
    });
    expect(minted.status).toBe(201);
    const after = new Date(Date.now() + 4 * 60 * 60 * 1000).toISOString();

    const runs = await Promise.all([
      runCli(['job:expiry', '--now', after], env),
      runCli(['job:expiry', '--now', after], env),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    await new Promise((r) => setTimeout(r, 200));
    const mails = sink.messages.filter((m) => m.text.includes('due soon'));
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('has expired');
  });
});
