// Many Power BI refreshes at once (SPEC 14): `refreshes` readers, each with its own token,
// page the same deals through @odata.nextLink at the same moment, against one refresh
// alone. The figure is the aggregate rows/s of all of them against the one alone (no
// collapse: at least as many rows per second); the page latencies of the concurrent run and
// the server's RSS meanwhile are reported beside it.
import { createUsers } from '../lib/fixtures.mjs';
import { ApiSession, median } from '../lib/http.mjs';
import { basicAuth, feedClient } from '../lib/odata-client.mjs';
import { cpuOf, rssOf, sampleRss } from '../lib/processes.mjs';

/** The value at quantile `q` (0…1) of `values`, nearest rank. */
export function quantile(values, q) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * `count` readers of the feed's deals data source, each a user of the reader's tenant with
 * one token minted through the API (a user holds at most 5 active tokens, SPEC 2, so one
 * user per token), the data source shared with each of them by its owner.
 */
async function makeReaders(ctx, count) {
  const { app, db, feed, now } = ctx;
  const { rows } = await db.pool.query(`select tenant_id from app_user where username = $1`, [
    feed.username,
  ]);
  const prefix = 'bench-refresh-';
  await createUsers(db.pool, {
    tenantId: rows[0].tenant_id,
    prefix,
    count,
    passwordHash: ctx.passwordHash,
    now,
  });
  const owner = new ApiSession(app.baseUrl);
  await owner.login(feed.username, ctx.password);
  const { items } = await owner.expect(200, 'GET', '/api/data-sources');
  const source = items.find((s) => s.odataUrl.replace(/\/$/, '').endsWith(`/odata/${feed.key}`));
  if (!source) throw new Error(`the reader's data source ${feed.key} is not in its list`);
  const readers = [];
  for (let i = 1; i <= count; i++) {
    const username = `${prefix}${String(i).padStart(5, '0')}`;
    await owner.expect(200, 'POST', `/api/data-sources/${source.id}/shares`, { username });
    const session = new ApiSession(app.baseUrl);
    await session.login(username, ctx.password);
    const created = await session.expect(201, 'POST', '/api/tokens', {
      label: `bench refresh ${i}`,
    });
    readers.push({ username, token: created.value });
  }
  return readers;
}

export async function concurrencyFigure(ctx) {
  const { app, db, sizes, feed } = ctx;
  const count = sizes.refreshes;
  const rows = Math.min(sizes.refreshRows, sizes.deals);
  const readers = await makeReaders(ctx, count);
  const clients = readers.map(() => feedClient());
  try {
    const url = `${app.baseUrl}/odata/${feed.key}/Deals?$top=${rows}`;
    const headersOf = readers.map((r) => basicAuth(r));
    // Warm every token (its first use writes last_used_at) and the server on a short read.
    await Promise.all(
      clients.map((c, i) =>
        c.getPage(`${app.baseUrl}/odata/${feed.key}/Deals?$top=100`, headersOf[i]),
      ),
    );
    const maxPages = Math.ceil(rows / 1000) + 5;

    /**
     * Every reader's refresh, all at once (`together`) or one after another, each alone;
     * every page's latency kept.
     */
    const refresh = async (together) => {
      const latencies = [];
      const rss = sampleRss(app.pid, 50);
      const before = { app: cpuOf(app.pid), pg: db.cpu(), self: process.cpuUsage() };
      const started = performance.now();
      const one = (c, i) =>
        c.pageThrough(url, headersOf[i], {
          expectRows: rows,
          maxPages,
          app,
          db,
          onPage: (_, page) => latencies.push(page.ms),
        });
      const passes = [];
      if (together) passes.push(...(await Promise.all(clients.map(one))));
      else for (const [i, c] of clients.entries()) passes.push(await one(c, i));
      const seconds = (performance.now() - started) / 1000;
      const self = process.cpuUsage(before.self);
      return {
        seconds,
        rows: passes.reduce((sum, p) => sum + p.rows, 0),
        pages: passes.reduce((sum, p) => sum + p.pages, 0),
        slowest: Math.max(...passes.map((p) => p.seconds)),
        fastest: Math.min(...passes.map((p) => p.seconds)),
        latencies,
        rss: rss.stop(),
        cpu: {
          app: (cpuOf(app.pid) - before.app) / 1000,
          pg: (db.cpu() - before.pg) / 1000,
          self: (self.user + self.system) / 1e6,
        },
      };
    };

    const rssBefore = rssOf(app.pid) ?? 0;
    const alone = [];
    const together = [];
    for (let round = 0; round < sizes.refreshRounds; round++) {
      const order = round % 2 ? ['together', 'alone'] : ['alone', 'together'];
      for (const which of order) {
        if (which === 'alone') alone.push(await refresh(false));
        else together.push(await refresh(true));
      }
    }

    const rate = (r) => r.rows / r.seconds;
    const aloneRate = median(alone.map(rate));
    const togetherRate = median(together.map(rate));
    const latencies = together.flatMap((r) => r.latencies);
    const aloneLatencies = alone.flatMap((r) => r.latencies);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    const aloneP50 = quantile(aloneLatencies, 0.5);
    const aloneP99 = quantile(aloneLatencies, 0.99);
    const rssMax = Math.max(...together.map((r) => r.rss.max));
    const aloneRssMax = Math.max(...alone.map((r) => r.rss.max));
    const n0 = (x) => Math.round(x).toLocaleString('en-US');
    const s1 = (x) => x.toFixed(1);
    const cpuText = (runs) => {
      const mean = (what) => runs.reduce((sum, r) => sum + r.cpu[what], 0) / runs.length;
      return `${s1(mean('app'))} s in the server, ${s1(mean('pg'))} s in PostgreSQL, ${s1(mean('self'))} s in the clients`;
    };
    const rssText = `server RSS max ${n0(rssMax / 1e6)} MB during the concurrent runs (${n0(aloneRssMax / 1e6)} MB during the one-at-a-time runs, ${n0(rssBefore / 1e6)} MB before the first)`;
    const title = `${count} Power BI refreshes at once (${count} tokens, ${rows.toLocaleString('en-US')} deals each)`;
    const pages = together[0].pages;
    ctx.record({
      id: 'concurrency',
      title,
      value: togetherRate,
      unit: 'rows/s aggregate',
      baseline: aloneRate,
      baselineUnit: 'rows/s',
      baselineLabel: 'one refresh alone',
      ratio: togetherRate / aloneRate,
      target: { op: '>=', value: 1, text: '≥ 1.0× (no collapse)' },
      detail:
        `${count} readers (one user and one token each, the deals data source shared with them), each paging ` +
        `Deals?$top=${rows} through @odata.nextLink on its own keep-alive connection, all started at once ` +
        `(${pages} pages of ${n0(rows / (pages / count))} rows in all); the baseline runs the same ${count} refreshes one after another, ` +
        `each alone; ${sizes.refreshRounds} round(s) of each, alternated, median rows/s; ` +
        `concurrent ${together.map((r) => `${s1(r.seconds)} s (refreshes took ${s1(r.fastest)}–${s1(r.slowest)} s)`).join(', ')}; ` +
        `one at a time ${alone.map((r) => `${s1(r.seconds)} s (a refresh took ${s1(r.fastest)}–${s1(r.slowest)} s)`).join(', ')}; ` +
        `page latency concurrent p50 ${n0(p50)} ms, p99 ${n0(p99)} ms, max ${n0(Math.max(...latencies))} ms over ${latencies.length} pages; ` +
        `alone p50 ${n0(aloneP50)} ms, p99 ${n0(aloneP99)} ms; ${rssText}; ` +
        `CPU per run of ${count} refreshes: concurrent ${cpuText(together)}; one at a time ${cpuText(alone)}`,
      whyMissed: ctx.explain.concurrency?.({ togetherRate, aloneRate, p50, p99, count }),
    });
    ctx.record({
      id: 'concurrency-p99',
      title: `p99 page latency of those ${count} refreshes`,
      value: p99,
      unit: 'ms',
      baseline: aloneP99,
      baselineUnit: 'ms',
      baselineLabel: 'p99 of one refresh alone',
      ratio: p99 / aloneP99,
      ratioText: `${(p99 / aloneP99).toFixed(1)}× (p50 ${n0(p50)} ms vs ${n0(aloneP50)} ms)`,
      target: { none: true, text: 'reported' },
      detail: `every page of the concurrent runs (${latencies.length}), from the request to its last byte; ${rssText}`,
    });
  } finally {
    for (const c of clients) c.close();
  }
}
