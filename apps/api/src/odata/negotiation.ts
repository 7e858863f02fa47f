import { ODataQueryError } from './query/odata-query-error.js';

/** How the JSON of a response is written, from the `Accept` header or `$format`. */
export interface ResponseFormat {
  /** `none` omits control information but `@odata.nextLink` and `@odata.count`. */
  metadata: 'minimal' | 'none';
  /** Int64 and Decimal as strings. */
  ieee754: boolean;
}

/** Preferences of the `Prefer` header this feed honours. */
export interface Preferences {
  maxPageSize: number | null;
  omitNulls: boolean;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

const JSON_RANGES = new Set(['application/json', 'application/*', '*/*']);
/** Older clients (and Power Query's Accept) spell the metadata level the OData v3 way. */
const V3_METADATA: Readonly<Record<string, string>> = {
  minimalmetadata: 'minimal',
  nometadata: 'none',
  fullmetadata: 'full',
  verbose: 'full',
};

const notAcceptable = (message: string) => new ODataQueryError(406, message);

/**
 * Picks the response format: `$format` if given (`json`, `application/json;odata.metadata=none`),
 * else the most preferred JSON media range of `Accept`. `IEEE754Compatible` is read only from
 * that media type, never from elsewhere in the URL. `odata.metadata=full` is refused (406) —
 * unless a lower-ranked JSON range of `Accept` allows minimal or none.
 */
export function negotiateFormat(
  accept: string | undefined,
  format: string | undefined,
): ResponseFormat {
  if (format !== undefined) {
    const [range] = parseMediaRanges(format.replace(/^json(?=;|$)/i, 'application/json'));
    if (!range || range.type !== 'application/json') {
      throw notAcceptable(
        `$format ${format.slice(0, 60)} is not offered; this service speaks JSON`,
      );
    }
    return formatOf(range, true)!;
  }
  const ranges = parseMediaRanges(accept ?? '')
    .filter((r) => JSON_RANGES.has(r.type) && r.q > 0)
    .sort((a, b) => b.q - a.q);
  if (ranges.length === 0) return { metadata: 'minimal', ieee754: false };
  for (const range of ranges) {
    const chosen = formatOf(range, false);
    if (chosen) return chosen;
  }
  throw notAcceptable(
    'odata.metadata=full is not offered; ask for application/json;odata.metadata=minimal or none',
  );
}

/** Null where the range asks for full metadata (and it is not the only choice). */
function formatOf(range: MediaRange, strict: boolean): ResponseFormat | null {
  const raw = range.params.get('odata.metadata') ?? V3_METADATA[range.params.get('odata') ?? ''];
  const metadata = raw?.toLowerCase() ?? 'minimal';
  if (metadata === 'full') {
    if (strict) throw notAcceptable('odata.metadata=full is not offered; use minimal or none');
    return null;
  }
  if (metadata !== 'minimal' && metadata !== 'none') {
    throw new ODataQueryError(
      400,
      `odata.metadata=${raw!.slice(0, 40)} is not a metadata level; use minimal or none`,
    );
  }
  const ieee = range.params.get('ieee754compatible')?.toLowerCase();
  if (ieee !== undefined && ieee !== 'true' && ieee !== 'false') {
    throw new ODataQueryError(
      400,
      `IEEE754Compatible must be true or false, not ${ieee.slice(0, 40)}`,
    );
  }
  return { metadata, ieee754: ieee === 'true' };
}

/** `type/subtype;param=value;q=0.8, …` → ranges, parameter names lower-cased. */
export function parseMediaRanges(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const map = new Map<string, string>();
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      const value = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (name === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else map.set(name, value);
    }
    ranges.push({ type: type.toLowerCase(), params: map, q });
  }
  return ranges;
}

/**
 * `Prefer: odata.maxpagesize=500, omit-values=nulls` (several headers arrive joined by
 * commas). Unknown preferences are ignored, as RFC 7240 says.
 */
export function parsePreferences(header: string | undefined): Preferences {
  const preferences: Preferences = { maxPageSize: null, omitNulls: false };
  for (const part of (header ?? '').split(',')) {
    const [name, value = ''] = part
      .split(';')[0]
      .split('=')
      .map((s) => s.trim().toLowerCase());
    const unquoted = value.replace(/^"(.*)"$/, '$1');
    if (name === 'odata.maxpagesize' && /^\d{1,9}$/.test(unquoted) && Number(unquoted) > 0) {
      preferences.maxPageSize = Number(unquoted);
    } else if (name === 'omit-values' && unquoted === 'nulls') {
      preferences.omitNulls = true;
    }
  }
  return preferences;
}

/** `Preference-Applied` for what a response honoured; null when nothing. */
export function preferenceApplied(applied: {
  maxPageSize?: number | null;
  omitNulls?: boolean;
}): string | null {
  const parts: string[] = [];
  if (applied.maxPageSize) parts.push(`odata.maxpagesize=${applied.maxPageSize}`);
  if (applied.omitNulls) parts.push('omit-values=nulls');
  return parts.length ? parts.join(', ') : null;
}
