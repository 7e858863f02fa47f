// Paging a large entity set through the OData feed the way Power BI does (follow
// @odata.nextLink until there is none), against reading the same rows with `pg` and
// JSON.stringify in one process; the server's RSS is sampled meanwhile.
import http from 'node:http';
import pg from 'pg';
import { median } from '../lib/http.mjs';
import { cpuOf, rssOf, sampleRss } from '../lib/processes.mjs';

/** The same text parsing the app's source connection uses: exact values, no lossy numbers. */
const RAW_TYPES = new Set([20, 1700, 1082, 1083, 1114, 1184]);
const types = {
  getTypeParser: (oid, format) =>
    RAW_TYPES.has(oid) ? (v) => v : pg.types.getTypeParser(oid, format),
};

const NEXT = '"@odata.nextLink":';

// One keep-alive connection, like a client reading pages one after another; raw buffers, so
// the client (on the same cores as the server) spends as little CPU as it can: only the
// tail of each page is decoded, to find @odata.nextLink.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function getPage(url, headers) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on('data', (chunk) => {
        chunks.push(chunk);
        bytes += chunk.length;
      });
      res.on('error', fail);
      res.on('end', () => {
        const ms = performance.now() - started;
        const body = () => Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200)
          return fail(new Error(`${url} answered ${res.statusCode}: ${body().slice(0, 300)}`));
        const tailChunks = [];
        for (let i = chunks.length - 1, size = 0; i >= 0 && size < 8192; i--) {
          tailChunks.unshift(chunks[i]);
          size += chunks[i].length;
        }
        const tail = Buffer.concat(tailChunks).toString('utf8');
        const at = tail.lastIndexOf(NEXT);
        done({
          ms,
          bytes,
          next: at < 0 ? null : JSON.parse(tail.slice(at + NEXT.length, tail.length - 1)),
          body,
        });
      });
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${url}: no answer within 120 s`)));
    req.on('error', fail);
  });
}

/** Rows sent before the page a nextLink points to (the `n` of its skiptoken). */
function rowsBefore(nextLink) {
  const token = new URL(nextLink).searchParams.get('$skiptoken');
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).n;
}

export async function pagingFigures(ctx) {
  try {
    await pagingFiguresOn(ctx);
  } finally {
    agent.destroy();
  }
}

async function pagingFiguresOn(ctx) {
  const { app, sizes, feed } = ctx;
  const headers = {
    authorization: `Basic ${Buffer.from(`${feed.username}:${feed.token}`).toString('base64')}`,
  };
  const first = `${app.baseUrl}/odata/${feed.key}/Deals`;
  // Warm both paths once (JIT, catalog cache, buffer cache) on a short read.
  await getPage(`${first}?$top=5000`, headers);

  const rssBefore = sampleRss(app.pid).stop().max;
  const maxPages = Math.ceil(sizes.deals / 5000) + 5;
  let lastUrl = first;
  const timeline = [];

  /** One client following @odata.nextLink from the first page to the last. */
  const appPass = async (firstPass) => {
    const sampler = sampleRss(app.pid, 50);
    const cpu0 = { app: cpuOf(app.pid), pg: ctx.db.cpu(), self: process.cpuUsage() };
    const started = performance.now();
    let url = first;
    let pages = 0;
    let bytes = 0;
    let lastRows = 0;
    while (url && pages < maxPages) {
      const page = await getPage(url, headers);
      pages++;
      bytes += page.bytes;
      lastUrl = url;
      if (firstPass && pages % 50 === 0)
        timeline.push(`${Math.round((rssOf(app.pid) ?? 0) / 1e6)} MB after ${pages}`);
      if (!page.next) lastRows = JSON.parse(page.body()).value.length;
      url = page.next;
    }
    const seconds = (performance.now() - started) / 1000;
    const self = process.cpuUsage(cpu0.self);
    const cpu = {
      app: cpuOf(app.pid) - cpu0.app,
      pg: ctx.db.cpu() - cpu0.pg,
      self: (self.user + self.system) / 1000,
    };
    const rss = sampler.stop();
    if (url) throw new Error(`paging did not end within ${maxPages} pages`);
    const rows = (lastUrl === first ? 0 : rowsBefore(lastUrl)) + lastRows;
    if (rows !== sizes.deals)
      throw new Error(`paging returned ${rows} rows, expected ${sizes.deals}`);
    return { seconds, rows, pages, bytes, rss, cpu };
  };

  // Baseline: the same rows, the same page size and order, read and serialised in one process.
  const client = new pg.Client({ connectionString: ctx.db.url, types });
  await client.connect();
  const columns =
    'id, account_id, owner, name, stage, amount, probability, is_won, created_at, closed_at';
  const basePass = async () => {
    const cpu0 = { pg: ctx.db.cpu(), self: process.cpuUsage() };
    const t0 = performance.now();
    let last = null;
    let rows = 0;
    let bytes = 0;
    for (let i = 0; i < maxPages; i++) {
      const { rows: page } = await client.query(
        last === null
          ? { text: `select ${columns} from demo.deals order by id limit 5000` }
          : {
              text: `select ${columns} from demo.deals where id > $1 order by id limit 5000`,
              values: [last],
            },
      );
      if (!page.length) break;
      bytes += Buffer.byteLength(JSON.stringify({ value: page }));
      rows += page.length;
      last = page[page.length - 1].id;
    }
    const self = process.cpuUsage(cpu0.self);
    return {
      seconds: (performance.now() - t0) / 1000,
      rows,
      bytes,
      cpu: { pg: ctx.db.cpu() - cpu0.pg, self: (self.user + self.system) / 1000 },
    };
  };

  const appRuns = [];
  const baseRuns = [];
  try {
    await client.query(`select ${columns} from demo.deals order by id limit 5000`);
    for (let round = 0; round < sizes.pagingRounds; round++) {
      if (round % 2) {
        baseRuns.push(await basePass());
        appRuns.push(await appPass(!appRuns.length));
      } else {
        appRuns.push(await appPass(!appRuns.length));
        baseRuns.push(await basePass());
      }
    }
  } finally {
    await client.end();
  }
  for (const b of baseRuns)
    if (b.rows !== sizes.deals)
      throw new Error(`baseline read ${b.rows} rows, expected ${sizes.deals}`);
  const rows = sizes.deals;
  const appSeconds = appRuns.reduce((n, r) => n + r.seconds, 0) / appRuns.length;
  const baseSeconds = baseRuns.reduce((n, r) => n + r.seconds, 0) / baseRuns.length;
  const rss = {
    max: Math.max(...appRuns.map((r) => r.rss.max)),
    samples: appRuns.reduce((n, r) => n + r.rss.samples, 0),
  };
  const { pages, bytes } = appRuns[0];
  const baseBytes = baseRuns[0].bytes;
  const cpuSeconds = (runs, what) => runs.reduce((n, r) => n + r.cpu[what], 0) / runs.length / 1000;
  const cpuText =
    `CPU per pass: feed ${cpuSeconds(appRuns, 'app').toFixed(1)} s in the server, ${cpuSeconds(appRuns, 'pg').toFixed(1)} s in PostgreSQL, ` +
    `${cpuSeconds(appRuns, 'self').toFixed(1)} s in the client; baseline ${cpuSeconds(baseRuns, 'self').toFixed(1)} s in its process, ` +
    `${cpuSeconds(baseRuns, 'pg').toFixed(1)} s in PostgreSQL`;
  const appRate = rows / appSeconds;
  const baseRate = rows / baseSeconds;
  const mb = (b) => (b / 1e6).toFixed(0);
  ctx.record({
    id: 'paging',
    title: `Rows/s paging ${rows.toLocaleString('en-US')} rows via OData nextLink`,
    value: appRate,
    unit: 'rows/s',
    baseline: baseRate,
    baselineUnit: 'rows/s',
    baselineLabel: 'pg + JSON.stringify in one process',
    ratio: appRate / baseRate,
    target: { op: '>=', value: 0.5, text: '≥ 0.5' },
    detail:
      `${pages} pages of 5,000 (server-driven paging, keyset on the primary key), ${mb(bytes)} MB of JSON in ${appRuns.map((r) => r.seconds.toFixed(1)).join(' / ')} s, ` +
      `one client following @odata.nextLink; the baseline reads the same rows with the same keyset query and page size ` +
      `(${mb(baseBytes)} MB of JSON) in ${baseRuns.map((r) => r.seconds.toFixed(1)).join(' / ')} s; ${appRuns.length} pass(es) each, alternated, mean time; ${cpuText}`,
    whyMissed: ctx.explain.paging?.({ appRate, baseRate, cpuText }),
  });
  ctx.record({
    id: 'paging-rss',
    title: 'Server RSS while paging',
    value: rss.max / 1e6,
    unit: 'MB max',
    baseline: 300,
    baselineUnit: 'MB',
    baselineLabel: 'the limit',
    ratio: rss.max / (300 * 1000 * 1000),
    ratioText: `${((rss.max / (300 * 1000 * 1000)) * 100).toFixed(0)} % of the limit`,
    target: { op: '<=', value: 1, text: '< 300 MB' },
    detail: `VmRSS of the server process sampled every 50 ms (${rss.samples} samples) while paging; ${mb(rssBefore)} MB before, then ${timeline.join(', ')} pages of the first pass`,
    whyMissed: ctx.explain.pagingRss?.({
      max: rss.max,
      before: rssBefore,
      timeline: `${timeline.join(', ')} pages`,
    }),
  });

  // Last page vs first page: each fetched alternately, median latency of each.
  const firstMs = [];
  const lastMs = [];
  for (let i = 0; i < sizes.latencyRepeats; i++) {
    firstMs.push((await getPage(first, headers)).ms);
    lastMs.push((await getPage(lastUrl, headers)).ms);
  }
  const f = median(firstMs);
  const l = median(lastMs);
  ctx.record({
    id: 'last-vs-first',
    title: 'Last-page latency of that set',
    value: l,
    unit: 'ms',
    baseline: f,
    baselineUnit: 'ms',
    baselineLabel: 'first page',
    ratio: l / f,
    target: { op: '<=', value: 1.5, text: '≤ 1.5×' },
    detail: `median of ${sizes.latencyRepeats} fetches of each, alternated (first page ${firstMs.map((x) => x.toFixed(0)).join('/')} ms, last page ${lastMs.map((x) => x.toFixed(0)).join('/')} ms)`,
    whyMissed: ctx.explain.lastVsFirst?.({ f, l }),
  });
}
