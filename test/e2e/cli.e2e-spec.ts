import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ApiClient } from '../setup/api-client';
import { sql } from '../setup/e2e-helpers';
import { startTestApp, type TestApp } from '../setup/test-app';

const ROOT = resolve(__dirname, '../..');

/** Runs the built CLI (the global setup builds dist/) against the spec's database. */
function cli(
  test: TestApp,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const child = execFile(
      process.execPath,
      ['dist/apps/api/src/cli.js', ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          SSO_SECRET_KEY: 'ab'.repeat(32),
          DATABASE_URL: test.databaseUrl,
          ...options.env,
        },
      },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(options.stdin ?? '');
  });
}

describe('production bootstrap CLI', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.close());

  it('gives a tenant whose name slugs like another’s the first free suffix', async () => {
    for (const name of ['Umbrella Corp', 'umbrella corp.', 'UMBRELLA-CORP']) {
      expect(await cli(test, ['tenant:create', '--name', name])).toMatchObject({ code: 0 });
    }
    const rows = await sql<{ slug: string }>(
      test,
      "select slug from tenant where slug like 'umbrella-corp%' order by created_at",
    );
    expect(rows.map((r) => r.slug)).toEqual([
      'umbrella-corp',
      'umbrella-corp-2',
      'umbrella-corp-3',
    ]);
  });

  it('creates a tenant and an admin whose password comes from stdin, who can then sign in', async () => {
    const tenant = await cli(test, ['tenant:create', '--name', 'Initech']);
    expect(tenant).toMatchObject({ code: 0 });
    expect(tenant.stdout).toContain('Created tenant "Initech"');

    const user = await cli(
      test,
      [
        'user:create',
        '--tenant',
        'Initech',
        '--username',
        'peter',
        '--email',
        'peter@initech.test',
        '--display-name',
        'Peter',
        '--role',
        'admin',
      ],
      { stdin: 'a-password-from-stdin\n' },
    );
    expect(user.stdout).toContain('Created admin "peter"');

    const client = new ApiClient(test.baseUrl);
    const login = await client.login('peter', 'a-password-from-stdin');
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ user: { role: 'admin', tenant: { name: 'Initech' } } });
  });

  it('takes the password from FEEDPASS_PASSWORD instead of stdin', async () => {
    const user = await cli(
      test,
      [
        'user:create',
        '--tenant',
        'Initech',
        '--username',
        'milton',
        '--email',
        'm@initech.test',
        '--display-name',
        'Milton',
      ],
      { env: { FEEDPASS_PASSWORD: 'a-password-from-env' } },
    );
    expect(user.code).toBe(0);
    expect((await new ApiClient(test.baseUrl).login('milton', 'a-password-from-env')).status).toBe(
      200,
    );
  });

  it('refuses a weak password with the same rule as the API, and creates nothing', async () => {
    const user = await cli(
      test,
      [
        'user:create',
        '--tenant',
        'Initech',
        '--username',
        'bill',
        '--email',
        'b@initech.test',
        '--display-name',
        'Bill',
      ],
      { stdin: 'short\n' },
    );
    expect(user.code).not.toBe(0);
    expect(user.stderr).toContain('password must be 12 to 256 characters');
    expect((await new ApiClient(test.baseUrl).login('bill', 'short')).status).toBe(401);
  });

  it('refuses the demo seed in production', async () => {
    const seed = await cli(test, ['seed:demo']);
    expect(seed.code).not.toBe(0);
    expect(seed.stderr).toContain('NODE_ENV=production');
  });
});
