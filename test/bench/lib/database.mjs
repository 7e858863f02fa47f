// The benchmark's own throwaway PostgreSQL (embedded, fsync off) with pg_stat_statements
// loaded, so the queries a request issues can be counted exactly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../../scripts/embedded-postgres.mjs';
import { freePort, onCleanup } from './processes.mjs';

/**
 * Starts PostgreSQL in `dir` (initialised there), enables pg_stat_statements (which needs
 * a restart: it is a preloaded library), and returns the database URL, a small pool for the
 * benchmark's own SQL, and a stop function (also registered as a cleanup).
 */
export async function startDatabase(dir) {
  const port = await freePort();
  let log = '';
  const keep = (line) => {
    log = (log + line).slice(-4000);
  };
  const options = { dir, port, database: 'feedpass', durable: false, log: keep };
  let server = await startEmbeddedPostgres(options);
  let stopped = false;
  const stopServer = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
  };
  onCleanup(stopServer);
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
    await admin.query(`alter system set pg_stat_statements.max = 10000`);
    // Bulk loads of a million rows without checkpoints every few seconds.
    await admin.query(`alter system set max_wal_size = '4GB'`);
  } finally {
    await admin.end();
  }
  await server.stop();
  server = await startEmbeddedPostgres(options);
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => undefined);
  let ended = false;
  const stop = async () => {
    if (!ended) {
      ended = true;
      await pool.end();
    }
    await stopServer();
  };
  onCleanup(stop);
  await pool.query('create extension if not exists pg_stat_statements');
  const { rows } = await pool.query('show server_version');
  const postmaster = Number(
    readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  return {
    url: server.url,
    adminUrl: server.adminUrl,
    pool,
    stop,
    version: rows[0].server_version,
    log: () => log,
    cpu: () => serverCpu(postmaster),
  };
}

/**
 * Statements executed in the benchmark database so far (pg_stat_statements, every
 * statement counted once per execution, BEGIN/COMMIT included), not counting the reads of
 * pg_stat_statements itself.
 */
export async function statementCount(pool) {
  const { rows } = await pool.query(
    `select coalesce(sum(s.calls), 0)::bigint as n
       from pg_stat_statements s join pg_database d on d.oid = s.dbid
      where d.datname = current_database() and s.query not ilike '%pg_stat_statements%'`,
  );
  return Number(rows[0].n);
}

export async function vacuum(pool, tables) {
  for (const table of tables) await pool.query(`vacuum (analyze) ${table}`);
}

/**
 * CPU time (ms) used so far by this PostgreSQL server: the postmaster, its live children
 * (backends and background workers) and the children it has reaped.
 */
function serverCpu(postmaster) {
  const stat = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    } catch {
      return null;
    }
  };
  const ticks = (f, from) => Number(f[from]) + Number(f[from + 1]);
  const main = stat(postmaster);
  if (!main) return 0;
  // After the command name: [1] is ppid, [11],[12] utime/stime, [13],[14] reaped children's.
  let total = ticks(main, 11) + ticks(main, 13);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmaster) continue;
    const f = stat(entry);
    if (f && Number(f[1]) === postmaster) total += ticks(f, 11);
  }
  return (total * 1000) / 100;
}
