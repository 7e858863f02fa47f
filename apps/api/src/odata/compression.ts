import type { Transform } from 'node:stream';
import { constants, createBrotliCompress, createDeflate, createGzip } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip' | 'deflate';

/** At equal weight, the cheaper encoding wins: gzip, then br, then deflate. */
const PREFERENCE: readonly ContentEncoding[] = ['gzip', 'br', 'deflate'];

/**
 * The encoding to answer with, from `Accept-Encoding` (RFC 9110 §12.5.3): the highest
 * q-value among gzip, br and deflate (`*` standing for any not named), null for identity.
 * Power Query sends `gzip, deflate`.
 */
export function chooseEncoding(header: string | undefined): ContentEncoding | null {
  if (!header) return null;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: ContentEncoding | null = null;
  let bestWeight = 0;
  for (const encoding of PREFERENCE) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

/**
 * A compressing stream tuned for streaming feed pages: levels that keep the feed near the
 * speed of uncompressed paging while sending a small fraction of the bytes (measured by
 * `npm run bench`, docs/PERFORMANCE.md).
 */
export function createEncoder(encoding: ContentEncoding): Transform {
  switch (encoding) {
    case 'gzip':
      return createGzip({ level: 4 });
    case 'deflate':
      return createDeflate({ level: 4 });
    case 'br':
      return createBrotliCompress({
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 4,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        },
      });
  }
}
