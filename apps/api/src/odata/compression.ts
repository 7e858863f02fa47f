import type { Transform } from 'node:stream';
import {
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  type BrotliOptions,
  type ZlibOptions,
} from 'node:zlib';

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
 * A compressing stream tuned for streaming feed pages: low levels, because a page of rows is
 * repetitive enough that gzip level 2 sends about an eighth of the bytes for little more than
 * half the CPU of level 4 (measured in docs/PERFORMANCE.md), and a 1 MB buffer so the page
 * is written while zlib compresses on its own thread instead of one chunk at a time. Memory
 * stays bounded: that buffer per response.
 */
export function createEncoder(encoding: ContentEncoding): Transform {
  switch (encoding) {
    case 'gzip':
      return createGzip(tuned<ZlibOptions>({ level: 2 }));
    case 'deflate':
      return createDeflate(tuned<ZlibOptions>({ level: 2 }));
    case 'br':
      return createBrotliCompress(
        tuned<BrotliOptions>({
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 3,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          },
        }),
      );
  }
}

/** zlib hands its options on to the stream it is: the buffer size is a stream option. */
function tuned<T extends object>(options: T): T & { highWaterMark: number } {
  return { ...options, highWaterMark: 1 << 20 };
}
