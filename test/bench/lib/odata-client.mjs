// A client of the OData feed as Power BI reads it: GET a page, find @odata.nextLink at its
// end, follow it until there is none. Shared by the paging figures and the $expand / $apply
// figures. It spends as little CPU as it can (it runs on the same cores as the server): raw
// buffers, only the tail of each page is decoded to find the next link. A compressed page
// (Content-Encoding gzip/deflate/br) is inflated as it arrives — there is no other way to
// reach its last bytes — but only its last few kB are kept.
import http from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { cpuOf } from './processes.mjs';

const NEXT = '"@odata.nextLink":';
const TAIL_BYTES = 8192;

const DECODERS = { gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress };

/** Basic credentials of a feed reader, as Power BI sends them. */
export function basicAuth({ username, token }) {
  return { authorization: `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}` };
}

/**
 * One keep-alive connection, like a client reading pages one after another. `close()` when
 * done.
 */
export function feedClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  /**
   * GET one page. Resolves with its time, the bytes on the wire (`bytes`) and after
   * decoding (`decodedBytes`), the next link (or null) and `body()` — the whole text, for
   * identity responses only (a compressed page keeps just its tail).
   */
  function getPage(url, headers) {
    return new Promise((done, fail) => {
      const started = performance.now();
      const req = http.get(url, { agent, headers }, (res) => {
        const encoding = res.headers['content-encoding'];
        const decoder = encoding ? DECODERS[encoding]?.() : null;
        if (encoding && !decoder) {
          res.resume();
          return fail(new Error(`${url}: unknown Content-Encoding ${encoding}`));
        }
        let bytes = 0;
        let decodedBytes = 0;
        const chunks = []; // every decoded chunk (identity) or only the last ones (compressed)
        let kept = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
        });
        res.on('error', fail);
        const source = decoder ? res.pipe(decoder) : res;
        if (decoder) decoder.on('error', fail);
        source.on('data', (chunk) => {
          decodedBytes += chunk.length;
          chunks.push(chunk);
          kept += chunk.length;
          if (decoder) {
            while (chunks.length > 1 && kept - chunks[0].length >= TAIL_BYTES)
              kept -= chunks.shift().length;
          }
        });
        source.on('end', () => {
          const ms = performance.now() - started;
          const text = () => Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            return fail(new Error(`${url} answered ${res.statusCode}: ${text().slice(0, 300)}`));
          const tailChunks = [];
          for (let i = chunks.length - 1, size = 0; i >= 0 && size < TAIL_BYTES; i--) {
            tailChunks.unshift(chunks[i]);
            size += chunks[i].length;
          }
          const tail = Buffer.concat(tailChunks).toString('utf8');
          const at = tail.lastIndexOf(NEXT);
          done({
            ms,
            bytes,
            decodedBytes,
            encoding: encoding ?? null,
            next: at < 0 ? null : JSON.parse(tail.slice(at + NEXT.length, tail.length - 1)),
            tail,
            body: () => {
              if (decoder) throw new Error('a compressed page keeps only its tail');
              return text();
            },
          });
        });
      });
      req.setTimeout(120_000, () => req.destroy(new Error(`${url}: no answer within 120 s`)));
      req.on('error', fail);
    });
  }

  /**
   * Follows @odata.nextLink from `first` to the last page and checks that exactly
   * `expectRows` rows came back. `onPage(pages, page)` runs after every page (`page.ms`: its
   * latency, from the request to its last byte). CPU times (ms) of
   * the app process, PostgreSQL (`db.cpu`) and this process are measured around it.
   */
  async function pageThrough(first, headers, { expectRows, maxPages, app, db, onPage }) {
    const cpu0 = { app: cpuOf(app.pid), pg: db.cpu(), self: process.cpuUsage() };
    const started = performance.now();
    let url = first;
    let lastUrl = first;
    let pages = 0;
    let bytes = 0;
    let decodedBytes = 0;
    let lastRows = 0;
    let encoding = null;
    while (url && pages < maxPages) {
      const page = await getPage(url, headers);
      pages++;
      bytes += page.bytes;
      decodedBytes += page.decodedBytes;
      encoding = page.encoding;
      lastUrl = url;
      onPage?.(pages, page);
      if (!page.next && page.encoding === null) lastRows = JSON.parse(page.body()).value.length;
      url = page.next;
    }
    const seconds = (performance.now() - started) / 1000;
    const self = process.cpuUsage(cpu0.self);
    const cpu = {
      app: cpuOf(app.pid) - cpu0.app,
      pg: db.cpu() - cpu0.pg,
      self: (self.user + self.system) / 1000,
    };
    if (url) throw new Error(`paging ${first} did not end within ${maxPages} pages`);
    if (encoding !== null) {
      // A compressed last page keeps only its tail: count its rows from the same page asked
      // for uncompressed, after the clock stopped.
      const identity = Object.fromEntries(
        Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'accept-encoding'),
      );
      lastRows = JSON.parse((await getPage(lastUrl, identity)).body()).value.length;
    }
    const rows = (lastUrl === first ? 0 : rowsBefore(lastUrl)) + lastRows;
    if (rows !== expectRows)
      throw new Error(`paging ${first} returned ${rows} rows, expected ${expectRows}`);
    return { seconds, rows, pages, bytes, decodedBytes, encoding, cpu, lastUrl };
  }

  return { getPage, pageThrough, close: () => agent.destroy() };
}

/** Rows sent before the page a nextLink points to (the `n` of its skiptoken). */
export function rowsBefore(nextLink) {
  const token = new URL(nextLink).searchParams.get('$skiptoken');
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).n;
}
