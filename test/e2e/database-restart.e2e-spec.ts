import type { NestExpressApplication } from '@nestjs/platform-express';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { ApiClient } from '../setup/api-client';
import { cliOk, cliTenant, ROOT, sleep, within } from '../setup/api-process';

import { createInterface, type Interface } from 'node:readline';
import { freePort } from '../setup/free-port';

/**
 * PostgreSQL restarted under the app (issue 7, faults): while it is down, requests fail
 * fast with 503 and Retry-After (never 500, never a hang); once it is back, the app
 * recovers by itself — same sessions, same data — without a restart.
 */
const PASSWORD = 'restart-password-1';

describe('the database restarting under the app', () => {
  let dir: string;
  let pgProcess: ChildProcessWithoutNullStreams;
  let pgLines: AsyncIterator<string>;
  let databaseUrl: string;
  let app: NestExpressApplication;
  let client: ApiClient;

  /** Sends a command to the PostgreSQL controller process and waits for its answer. */
  const tell = async (command: 'stop' | 'start', answer: string) => {
    pgProcess.stdin.write(`${command}\n`);
    const line = await pgLines.next();
    expect(line.value).toBe(answer);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'feedpass-restart-'));
    const port = await freePort();
    pgProcess = spawn(process.execPath, ['test/setup/pg-server.mjs', dir, String(port)], {
      cwd: ROOT,
    });
    pgLines = (createInterface({ input: pgProcess.stdout }) as Interface)[Symbol.asyncIterator]();
    databaseUrl = (JSON.parse((await pgLines.next()).value as string) as { url: string }).url;
    const env = { NODE_ENV: 'test', DATABASE_URL: databaseUrl };
    await cliOk(['migrate'], env);
    await cliTenant(env, 'Restart', [{ username: 'rita', displayName: 'Rita' }], PASSWORD);
    const config = loadConfig({
      ...env,
      PORTAL_DIR: '',
      SEED_DEMO: 'false',
      MIGRATE_ON_BOOT: 'false',
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    client = new ApiClient((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    expect((await client.login('rita', PASSWORD)).status).toBe(200);
    expect((await client.post('/api/tokens', { label: 'before the restart' })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (pgProcess) {
      pgProcess.stdin.end();
      await new Promise((done) => pgProcess.once('exit', done));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while PostgreSQL is down, then recovers by itself', async () => {
    await tell('stop', 'stopped');

    for (const path of ['/api/auth/me', '/api/tokens', '/api/health']) {
      const res = await within(client.get<{ code: string; statusCode: number }>(path), 10_000);
      expect({ path, status: res.status }).toEqual({ path, status: 503 });
      expect(res.body.code).toBe('service_unavailable');
      if (path !== '/api/health') expect(res.headers.get('retry-after')).toBe('5');
    }
    const write = await within(
      client.post<{ code: string }>('/api/tokens', { label: 'while down' }),
      10_000,
    );
    expect(write.status).toBe(503);

    await tell('start', 'started');
    let me = await client.get<{ username: string }>('/api/auth/me');
    for (let i = 0; i < 50 && me.status !== 200; i++) {
      await sleep(200);
      me = await client.get<{ username: string }>('/api/auth/me');
    }
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('rita');
    const tokens = await client.get<{ items: { label: string }[] }>('/api/tokens');
    expect(tokens.body.items.map((t) => t.label)).toEqual(['before the restart']);
    expect((await client.post('/api/tokens', { label: 'after the restart' })).status).toBe(201);
  });
});
