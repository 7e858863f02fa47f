// Paging a large entity set through the OData feed the way Power BI does (follow
// @odata.nextLink until there is none), against reading the same rows with `pg` and
// JSON.stringify in one process; the server's RSS is sampled meanwhile.
import pg from 'pg';
import { median } from '../lib/http.mjs';
import { basicAuth, feedClient } from '../lib/odata-client.mjs';
import { rssOf, sampleRss } from '../lib/processes.mjs';

/** The same text parsing the app's source connection uses: exact values, no lossy numbers. */
const RAW_TYPES = new Set([20, 1700, 1082, 1083, 1114, 1184]);
const types = {
  getTypeParser: (oid, format) =>
    RAW_TYPES.has(oid) ? (v) => v : pg.types.getTypeParser(oid, format),
};

/** SPEC 14's memory limit of the server while paging (uncompressed and compressed). */
const RSS_LIMIT_MB = 200;

export async function pagingFigures(ctx) {
  const client = feedClient();
  try {
    await pagingFiguresOn(ctx, client);
  } finally {
    client.close();
  }
}

async function pagingFiguresOn(ctx, { getPage, pageThrough }) {
  const { app, sizes, feed } = ctx;
  const headers = basicAuth(feed);
  const gzipHeaders = { ...headers, 'accept-encoding': 'gzip' };
  const first = `${app.baseUrl}/odata/${feed.key}/Deals`;
  // Warm both paths once (JIT, catalog cache, buffer cache) on a short read.
  await getPage(`${first}?$top=5000`, headers);
  await getPage(`${first}?$top=5000`, gzipHeaders);

  const rssBefore = sampleRss(app.pid).stop().max;
  const maxPages = Math.ceil(sizes.deals / 5000) + 5;
  let lastUrl = first;
  const timelines = { identity: [], gzip: [] };

  /** One client following @odata.nextLink from the first page to the last. */
  const appPass = async (kind) => {
    const timeline = timelines[kind].length ? null : timelines[kind];
    const before = rssOf(app.pid) ?? 0;
    const sampler = sampleRss(app.pid, 50);
    const pass = await pageThrough(first, kind === 'gzip' ? gzipHeaders : headers, {
      expectRows: sizes.deals,
      maxPages,
      app,
      db: ctx.db,
      onPage: (pages) => {
        if (timeline && pages % 50 === 0)
          timeline.push(`${Math.round((rssOf(app.pid) ?? 0) / 1e6)} MB after ${pages}`);
      },
    });
    if (kind === 'gzip' && pass.encoding !== 'gzip')
      throw new Error(`Accept-Encoding: gzip was answered with ${pass.encoding ?? 'identity'}`);
    if (kind === 'identity') lastUrl = pass.lastUrl;
    return { ...pass, rss: sampler.stop(), before };
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
  const gzipRuns = [];
  const baseRuns = [];
  try {
    await client.query(`select ${columns} from demo.deals order by id limit 5000`);
    // The first pass on the freshly started server is the uncompressed one (its RSS figure
    // is about paging alone); then the order turns round every round.
    const passes = {
      identity: async () => appRuns.push(await appPass('identity')),
      base: async () => baseRuns.push(await basePass()),
      gzip: async () => gzipRuns.push(await appPass('gzip')),
    };
    for (let round = 0; round < sizes.pagingRounds; round++) {
      const order = round % 2 ? ['gzip', 'base', 'identity'] : ['identity', 'base', 'gzip'];
      for (const name of order) await passes[name]();
    }
  } finally {
    await client.end();
  }
  for (const b of baseRuns)
    if (b.rows !== sizes.deals)
      throw new Error(`baseline read ${b.rows} rows, expected ${sizes.deals}`);
  const rows = sizes.deals;
  const meanSeconds = (runs) => runs.reduce((n, r) => n + r.seconds, 0) / runs.length;
  const appSeconds = meanSeconds(appRuns);
  const gzipSeconds = meanSeconds(gzipRuns);
  const baseSeconds = meanSeconds(baseRuns);
  const { pages, bytes } = appRuns[0];
  const gzipBytes = gzipRuns[0].bytes;
  const baseBytes = baseRuns[0].bytes;
  const cpuSeconds = (runs, what) => runs.reduce((n, r) => n + r.cpu[what], 0) / runs.length / 1000;
  const baseCpuText =
    `baseline ${cpuSeconds(baseRuns, 'self').toFixed(1)} s in its process, ` +
    `${cpuSeconds(baseRuns, 'pg').toFixed(1)} s in PostgreSQL`;
  const feedCpuText = (runs, clientWork) =>
    `${cpuSeconds(runs, 'app').toFixed(1)} s in the server, ${cpuSeconds(runs, 'pg').toFixed(1)} s in PostgreSQL, ` +
    `${cpuSeconds(runs, 'self').toFixed(1)} s in the client${clientWork}`;
  const cpuText = `CPU per pass: feed ${feedCpuText(appRuns, '')}; ${baseCpuText}`;
  const gzipCpuText =
    `CPU per pass: gzip feed ${feedCpuText(gzipRuns, ' (inflating every page, keeping its last 8 kB)')}; ` +
    `uncompressed feed ${feedCpuText(appRuns, '')}; ${baseCpuText}`;
  const appRate = rows / appSeconds;
  const gzipRate = rows / gzipSeconds;
  const baseRate = rows / baseSeconds;
  const mb = (b) => (b / 1e6).toFixed(0);
  const times = (runs) => runs.map((r) => r.seconds.toFixed(1)).join(' / ');
  ctx.record({
    id: 'paging',
    title: `Rows/s paging ${rows.toLocaleString('en-US')} rows via OData nextLink`,
    value: appRate,
    unit: 'rows/s',
    baseline: baseRate,
    baselineUnit: 'rows/s',
    baselineLabel: 'pg + JSON.stringify in one process',
    ratio: appRate / baseRate,
    target: { op: '>=', value: 0.8, text: '≥ 0.8' },
    detail:
      `${pages} pages of 5,000 (server-driven paging, keyset on the primary key), ${mb(bytes)} MB of JSON in ${times(appRuns)} s, ` +
      `one client following @odata.nextLink; the baseline reads the same rows with the same keyset query and page size ` +
      `(${mb(baseBytes)} MB of JSON) in ${times(baseRuns)} s; ${appRuns.length} pass(es) each, alternated with the gzip passes, mean time; ${cpuText}`,
    whyMissed: ctx.explain.paging?.({ appRate, baseRate, cpuText }),
  });
  ctx.record(
    rssFigure({
      id: 'paging-rss',
      title: 'Server RSS while paging',
      runs: appRuns,
      before: rssBefore,
      timeline: timelines.identity,
      explain: ctx.explain.pagingRss,
      atBoot: app.rssAtBoot,
    }),
  );
  ctx.record({
    id: 'paging-gzip',
    title: `Rows/s paging ${rows.toLocaleString('en-US')} rows via nextLink with \`Accept-Encoding: gzip\``,
    value: gzipRate,
    unit: 'rows/s',
    baseline: baseRate,
    baselineUnit: 'rows/s',
    baselineLabel: 'pg + JSON.stringify in one process',
    ratio: gzipRate / baseRate,
    target: { op: '>=', value: 0.6, text: '≥ 0.6' },
    detail:
      `the same ${pages} pages with Accept-Encoding: gzip (answered gzip, level 2, streamed), ${mb(gzipBytes)} MB on the wire ` +
      `(${mb(gzipRuns[0].decodedBytes)} MB inflated) in ${times(gzipRuns)} s; the client inflates every page as it arrives ` +
      `(the only way to reach @odata.nextLink at its end) and keeps only its last 8 kB, so its CPU is counted separately; ` +
      `uncompressed ${times(appRuns)} s, baseline ${times(baseRuns)} s; ${gzipRuns.length} pass(es), alternated, mean time; ${gzipCpuText}`,
    whyMissed: ctx.explain.pagingGzip?.({
      gzipRate,
      appRate,
      baseRate,
      gz: { app: cpuSeconds(gzipRuns, 'app'), self: cpuSeconds(gzipRuns, 'self') },
      id: { app: cpuSeconds(appRuns, 'app'), self: cpuSeconds(appRuns, 'self') },
    }),
  });
  ctx.record({
    id: 'paging-gzip-bytes',
    title: 'Bytes on the wire of that gzip run',
    value: gzipBytes / 1e6,
    unit: 'MB',
    baseline: bytes / 1e6,
    baselineUnit: 'MB',
    baselineLabel: 'the uncompressed run',
    ratio: gzipBytes / bytes,
    target: { op: '<=', value: 0.15, text: '≤ 0.15' },
    detail: `response bodies as received (compressed), ${pages} pages; the uncompressed run's bodies ${mb(bytes)} MB (${Math.round(bytes / rows)} bytes per row, ${(gzipBytes / rows).toFixed(1)} compressed)`,
    whyMissed: ctx.explain.pagingGzipBytes?.({ gzipBytes, bytes }),
  });
  ctx.record(
    rssFigure({
      id: 'paging-gzip-rss',
      title: 'Server RSS while paging with gzip',
      runs: gzipRuns,
      timeline: timelines.gzip,
      before: gzipRuns[0].before,
      explain: ctx.explain.pagingGzipRss,
    }),
  );

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

/** The server's peak RSS over `runs` against SPEC 14's limit. */
function rssFigure({ id, title, runs, before, timeline, explain, atBoot }) {
  const max = Math.max(...runs.map((r) => r.rss.max));
  const samples = runs.reduce((n, r) => n + r.rss.samples, 0);
  const limit = RSS_LIMIT_MB * 1e6;
  const pages = timeline.length
    ? `${timeline.join(', ')} pages`
    : 'no reading after fewer than 50 pages';
  return {
    id,
    title,
    value: max / 1e6,
    unit: 'MB max',
    baseline: RSS_LIMIT_MB,
    baselineUnit: 'MB',
    baselineLabel: 'the limit',
    ratio: max / limit,
    ratioText: `${((max / limit) * 100).toFixed(0)} % of the limit`,
    target: { op: '<=', value: 1, text: `< ${RSS_LIMIT_MB} MB` },
    detail: `VmRSS of the server process sampled every 50 ms (${samples} samples) while paging; ${Math.round(before / 1e6)} MB before its first pass, then ${pages} of the first such pass; the most of each pass in order: ${runs.map((r) => Math.round(r.rss.max / 1e6)).join(' / ')} MB`,
    whyMissed: explain?.({ max, before, timeline: pages, atBoot, limit: RSS_LIMIT_MB }),
  };
}
