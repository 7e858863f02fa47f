import { MikroORM } from '@mikro-orm/postgresql';
import { ApiClient } from '../setup/api-client';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

/** Operations endpoints (issue 8): Prometheus metrics, readiness, request ids. */
describe('operations endpoints', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
    await seedTenant(test, 'Ops', [{ username: 'olga' }]);
  });
  afterAll(() => test.close());

  const metric = (text: string, line: RegExp) => {
    const found = text.split('\n').find((l) => line.test(l));
    return found ? Number(found.split(' ').pop()) : 0;
  };

  it('counts requests by route pattern and status, auth failures and minted tokens at /metrics', async () => {
    const before = await (await fetch(`${test.baseUrl}/metrics`)).text();
    const client = new ApiClient(test.baseUrl);
    await client.primeXsrf();
    expect(
      (await client.post('/api/auth/login', { username: 'olga', password: 'wrong-password-x' }))
        .status,
    ).toBe(401);
    expect((await client.login('olga', TEST_PASSWORD)).status).toBe(200);
    const minted = await client.post<{ token: { id: string } }>('/api/tokens', {
      label: 'metered',
    });
    expect(minted.status).toBe(201);
    expect((await client.get(`/api/tokens`)).status).toBe(200);

    const res = await fetch(`${test.baseUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const after = await res.text();
    expect(
      metric(after, /^feedpass_auth_failures_total\{kind="login"\}/) -
        metric(before, /^feedpass_auth_failures_total\{kind="login"\}/),
    ).toBe(1);
    expect(metric(after, /^feedpass_tokens_total\{event="minted"\}/)).toBe(1);
    // Route patterns, never raw paths with ids.
    expect(after).toMatch(
      /feedpass_http_requests_total\{method="POST",route="\/api\/tokens",status="201"\} 1/,
    );
    expect(after).not.toContain(minted.body.token.id);
    expect(after).toMatch(/^feedpass_outbox_queued 0$/m);
    expect(after).toMatch(/^process_resident_memory_bytes /m);
  });

  it('is ready when the database answers and every migration is applied; not ready with one pending', async () => {
    const ready = await fetch(`${test.baseUrl}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      database: 'up',
      pendingMigrations: [],
    });

    const connection = test.app.get(MikroORM).em.getConnection();
    const [last] = await connection.execute<{ name: string }[]>(
      'select name from mikro_orm_migrations order by id desc limit 1',
    );
    await connection.execute('delete from mikro_orm_migrations where name = ?', [last.name]);
    try {
      const pending = await fetch(`${test.baseUrl}/api/health/ready`);
      expect(pending.status).toBe(503);
      expect(await pending.json()).toMatchObject({
        code: 'service_unavailable',
        pendingMigrations: [last.name],
      });
      // Liveness stays green: the process is fine, it just must not take traffic.
      expect((await fetch(`${test.baseUrl}/api/health`)).status).toBe(200);
    } finally {
      await connection.execute(
        `insert into mikro_orm_migrations (name, executed_at) values (?, now())`,
        [last.name],
      );
    }
  });

  it('tags every response with a request id, keeping a sane one the caller sent', async () => {
    const mine = await fetch(`${test.baseUrl}/api/health`, {
      headers: { 'X-Request-Id': 'trace-42' },
    });
    expect(mine.headers.get('x-request-id')).toBe('trace-42');
    const hostile = await fetch(`${test.baseUrl}/api/health`, {
      headers: { 'X-Request-Id': 'bad id with spaces <script>' },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
