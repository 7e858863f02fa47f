// Portal initial JavaScript: the scripts index.html loads (and, transitively, the chunks
// they import statically — lazy routes are dynamic imports and not counted), gzip-compressed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const STATIC_IMPORT = /(?:\bfrom\s*|\bimport\s*)["'`]\.\/([\w.-]+\.js)["'`]/g;

export function initialJavaScript(browserDir) {
  const html = readFileSync(join(browserDir, 'index.html'), 'utf8');
  const entries = [
    ...html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"/g),
  ].map((m) => m[1].replace(/^\.?\//, ''));
  const files = new Set();
  const queue = [...entries];
  while (queue.length && files.size < 1000) {
    const file = queue.shift();
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(join(browserDir, file), 'utf8');
    for (const m of source.matchAll(STATIC_IMPORT)) if (!files.has(m[1])) queue.push(m[1]);
  }
  const sizes = [...files].map((file) => {
    const raw = readFileSync(join(browserDir, file));
    return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  });
  return {
    entries,
    files: sizes,
    raw: sizes.reduce((n, f) => n + f.raw, 0),
    gzip: sizes.reduce((n, f) => n + f.gzip, 0),
  };
}

export function portalFigure(ctx) {
  const js = initialJavaScript(ctx.portalDir);
  const targetBytes = 250 * 1000;
  ctx.record({
    id: 'portal-js',
    title: 'Portal initial JavaScript, gzip',
    value: js.gzip / 1000,
    unit: 'kB',
    baseline: targetBytes / 1000,
    baselineUnit: 'kB',
    baselineLabel: 'the budget',
    ratio: js.gzip / targetBytes,
    target: { op: '<=', value: 1, text: '≤ 250 kB' },
    detail:
      `${js.files.length} initial file(s) (${js.files.map((f) => `${f.file} ${(f.gzip / 1000).toFixed(1)} kB gzip`).join(', ')}); ` +
      `${(js.raw / 1000).toFixed(1)} kB uncompressed; gzip level 9; lazy routes excluded`,
    whyMissed: ctx.explain.portal?.({ gzip: js.gzip }),
  });
}
