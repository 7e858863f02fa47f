// Starts one throwaway PostgreSQL for the test run (or uses TEST_DATABASE_ADMIN_URL) and
// migrates a template database that each spec file clones, so every file starts clean.
// Migrations run through the real CLI (`migrate`), exactly as production runs them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.mjs';
// Node runs the TypeScript helper as it is (type stripping): one freePort for every spec.
import { freePort } from './free-port.ts';

const root = resolve(import.meta.dirname, '../..');
const TEMPLATE_DB = 'feedpass_template';

export default async function globalSetup() {
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'feedpass-test-pg-'));
    const server = await startEmbeddedPostgres({
      dir,
      port: await freePort(),
      database: 'postgres',
      durable: false,
    });
    adminUrl = server.adminUrl;
    globalThis.__FEEDPASS_PG__ = { stop: server.stop, dir };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  execFileSync(process.execPath, ['scripts/build-api.mjs'], { cwd: root, stdio: 'ignore' });
  execFileSync(process.execPath, ['dist/apps/api/src/cli.js', 'migrate'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: templateUrl.toString(),
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.env.TEST_DATABASE_ADMIN_URL = adminUrl;
  process.env.TEST_DATABASE_TEMPLATE = TEMPLATE_DB;
}
