// Request-rate figures under autocannon (50 connections, from this process; the app is
// another process): liveness vs a bare node:http server, the OData service document with a
// valid Basic token vs liveness, and malformed-token rejections with the queries they cost.
import { request } from 'node:http';
import { join } from 'node:path';
import { statementCount } from '../lib/database.mjs';
import { alternate, load } from '../lib/http.mjs';
import { cpuOf, freePort, startNode, waitForHttp } from '../lib/processes.mjs';

/** Status, headers (as sent, minus the per-connection ones node adds itself) and body. */
function capture(url) {
  return new Promise((done, fail) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const skip = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
        const headers = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (!skip.has(res.rawHeaders[i].toLowerCase()))
            headers.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        }
        done({ status: res.statusCode, headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', fail);
    req.end();
  });
}

/**
 * Counts, for each run, the database statements (pg_stat_statements) and the CPU time of
 * the process that answered: before/after hooks for `alternate`.
 */
function runCounter(pool, pidOf) {
  const perTarget = {};
  return {
    perTarget,
    hooks: {
      before: async (name) => ({ statements: await statementCount(pool), cpu: cpuOf(pidOf(name)) }),
      after: async (name, run, before) => {
        const statements = await statementCount(pool);
        const cpu = cpuOf(pidOf(name));
        const t = (perTarget[name] ??= { statements: 0, requests: 0, cpuMs: 0 });
        // The reads of pg_stat_statements themselves are excluded by statementCount's filter.
        t.statements += statements - before.statements;
        t.cpuMs += cpu - before.cpu;
        t.requests += run.requests;
      },
    },
  };
}

const statusText = (statuses) =>
  Object.entries(statuses)
    .map(([code, n]) => `${n.toLocaleString('en-US')}×${code}`)
    .join(', ');

export async function livenessFigures(ctx) {
  const { app, sizes, db } = ctx;
  const healthUrl = `${app.baseUrl}/api/health`;
  const answer = await capture(healthUrl);
  if (answer.status !== 200) throw new Error(`GET /api/health answered ${answer.status}`);
  const port = await freePort();
  const bare = startNode(
    'bare node:http server',
    [join(import.meta.dirname, '..', 'bare-server.mjs')],
    {
      env: {
        ...process.env,
        PORT: String(port),
        BENCH_RESPONSE: JSON.stringify({
          status: answer.status,
          headers: answer.headers,
          body: answer.body.toString('base64'),
        }),
      },
    },
  );
  const bareUrl = `http://127.0.0.1:${port}/api/health`;
  try {
    await waitForHttp(bareUrl, bare, { timeoutMs: 10_000 });
    const replay = await capture(bareUrl);
    if (
      !replay.body.equals(answer.body) ||
      JSON.stringify(replay.headers) !== JSON.stringify(answer.headers)
    ) {
      throw new Error('the bare server does not answer the same bytes as /api/health');
    }
    const counter = runCounter(db.pool, (name) => (name === 'bare' ? bare.pid : app.pid));
    const odataUrl = `${app.baseUrl}/odata/${ctx.feed.key}/`;
    const auth = {
      authorization: `Basic ${Buffer.from(`${ctx.feed.username}:${ctx.feed.token}`).toString('base64')}`,
    };
    const check = await fetch(odataUrl, { headers: auth });
    if (check.status !== 200)
      throw new Error(`the service document answered ${check.status}: ${await check.text()}`);
    const documentBytes = Buffer.byteLength(await check.text());

    const runs = await alternate(
      {
        bare: { url: bareUrl },
        health: { url: healthUrl },
        odata: { url: odataUrl, headers: auth },
        // The app's cheapest answer: the same middleware and routing, no database.
        floor: { url: `${app.baseUrl}/api/auth/me`, expect: '401' },
      },
      {
        rounds: sizes.loadRounds,
        seconds: sizes.loadSeconds,
        warmup: sizes.warmupSeconds,
        onRun: counter.hooks,
      },
    );
    for (const [name, r] of Object.entries(runs)) {
      const expected = name === 'floor' ? '401' : '200';
      if (r.errors || r.timeouts || Object.keys(r.statuses).some((s) => s !== expected)) {
        throw new Error(
          `${name}: not every request answered 200 (${statusText(r.statuses)}, ${r.errors} errors, ${r.timeouts} timeouts)`,
        );
      }
    }
    const q = (name) => counter.perTarget[name].statements / counter.perTarget[name].requests;
    const cpu = (name) =>
      Math.round((counter.perTarget[name].cpuMs * 1000) / counter.perTarget[name].requests);
    ctx.livenessRps = runs.health.rps;
    const seconds = `${sizes.loadRounds} × ${sizes.loadSeconds} s each, alternated after a ${sizes.warmupSeconds} s warm-up, 50 connections`;

    ctx.record({
      id: 'odata-vs-liveness',
      title: 'OData service document req/s, valid Basic token',
      value: runs.odata.rps,
      unit: 'req/s',
      baseline: runs.health.rps,
      baselineUnit: 'req/s',
      baselineLabel: 'liveness GET /api/health',
      ratio: runs.odata.rps / runs.health.rps,
      target: { op: '>=', value: 0.8, text: '≥ 0.8' },
      detail:
        `GET /odata/{key}/ (${documentBytes} bytes) with one valid token, ${seconds}; ` +
        `${q('odata').toFixed(2)} database statements per request vs ${q('health').toFixed(2)} for /api/health ` +
        `(pg_stat_statements); the app process spent ${cpu('odata')} µs of CPU per request vs ${cpu('health')} µs; ` +
        `p50 latency ${runs.odata.latencyP50} ms vs ${runs.health.latencyP50} ms`,
      whyMissed: ctx.explain.odataVsLiveness?.({
        odata: runs.odata,
        health: runs.health,
        floor: runs.floor,
        q,
        cpu,
      }),
    });
    ctx.record({
      id: 'liveness-vs-bare',
      title: 'App liveness req/s (GET /api/health)',
      value: runs.health.rps,
      unit: 'req/s',
      baseline: runs.bare.rps,
      baselineUnit: 'req/s',
      baselineLabel: 'bare node:http, same bytes',
      ratio: runs.health.rps / runs.bare.rps,
      target: { op: '>=', value: 0.5, text: '≥ 0.5' },
      detail:
        `GET /api/health is the app's liveness endpoint, and its cheapest one that answers 200 ` +
        `(its database check is the process's shared probe: at most one \`select 1\` in flight, its result reused for a ` +
        `second; ${q('health').toFixed(2)} statements per request); the bare server replays its exact ` +
        `status, headers and ${answer.body.length}-byte body; ${seconds}; CPU per request: app ${cpu('health')} µs, bare server ${cpu('bare')} µs; p50 ${runs.health.latencyP50} ms vs ${runs.bare.latencyP50} ms. ` +
        `The app's cheapest answer of all, GET /api/auth/me without a session (401 from the session guard, ` +
        `${q('floor').toFixed(2)} statements, ${cpu('floor')} µs of CPU per request), ran at ${Math.round(runs.floor.rps).toLocaleString('en-US')} req/s ` +
        `(${(runs.floor.rps / runs.bare.rps).toFixed(2)} of the bare server)`,
      whyMissed: ctx.explain.livenessVsBare?.({
        health: runs.health,
        bare: runs.bare,
        floor: runs.floor,
        q,
        cpu,
      }),
    });
  } finally {
    await bare.stop();
  }
}

/**
 * Malformed tokens (right shape, wrong checksum) from many client addresses (X-Forwarded-For
 * behind TRUST_PROXY=loopback, a fresh username and address per request, so the per-address
 * throttle never steps in and every answer is the full 401 path), then from one address
 * (the throttle's 429 path). Statements are counted with pg_stat_statements over each run.
 */
export async function malformedFigure(ctx) {
  const { app, sizes, db } = ctx;
  const url = `${app.baseUrl}/odata/${ctx.feed.key}/`;
  const token = ctx.malformedToken;
  let n = 0;
  const spread = (req) => {
    n++;
    const user = `bench-probe-${n}`;
    req.headers = {
      ...req.headers,
      authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`,
      'x-forwarded-for': `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    };
    return req;
  };
  const single = (req) => {
    req.headers = {
      ...req.headers,
      authorization: `Basic ${Buffer.from(`bench-attacker:${token}`).toString('base64')}`,
      'x-forwarded-for': '127.0.0.9',
    };
    return req;
  };
  const before = await statementCount(db.pool);
  await load({ url, seconds: sizes.warmupSeconds, setupRequest: spread });
  const many = await load({
    url,
    seconds: sizes.loadSeconds * sizes.loadRounds,
    setupRequest: spread,
  });
  const middle = await statementCount(db.pool);
  ctx.failedSignIns = n;
  const one = await load({ url, seconds: sizes.loadSeconds, setupRequest: single });
  const after = await statementCount(db.pool);
  const manyQueries = middle - before;
  const oneQueries = after - middle;
  const rejected = (r) => (r.statuses['401'] ?? 0) + (r.statuses['429'] ?? 0);
  if (rejected(many) !== many.requests || rejected(one) !== one.requests) {
    throw new Error(
      `a malformed token was not rejected: ${statusText(many.statuses)} / ${statusText(one.statuses)}`,
    );
  }
  const ratioText = `${manyQueries + oneQueries} queries`;
  ctx.record({
    id: 'malformed',
    title: 'Malformed-token rejections/s',
    value: many.rps,
    unit: 'rejections/s',
    baseline: manyQueries + oneQueries,
    baselineUnit: 'statements',
    baselineLabel: 'database statements issued for them',
    ratio: manyQueries + oneQueries,
    ratioText,
    target: { op: '==', value: 0, text: '0 queries' },
    detail:
      `${many.requests.toLocaleString('en-US')} requests with a well-shaped token whose checksum is wrong, ` +
      `each from its own username and address (${statusText(many.statuses)} in the measured ${fmtS(many.seconds)} s, after a warm-up), ` +
      `then ${one.requests.toLocaleString('en-US')} from one username and address at ${Math.round(one.rps).toLocaleString('en-US')}/s ` +
      `(${statusText(one.statuses)}: the failure throttle answers 429 after 10); ` +
      `${manyQueries} + ${oneQueries} statements in the database meanwhile (pg_stat_statements, all statements of the app's database); ` +
      `for comparison this run's liveness endpoint served ${Math.round(ctx.livenessRps ?? 0).toLocaleString('en-US')} req/s`,
    whyMissed:
      'Statements reached the database while only malformed tokens were sent: the well-formedness check no longer runs before the token lookup (apps/api/src/odata-auth/token-authenticator.ts).',
  });
}

const fmtS = (s) => s.toFixed(1);
