import type { SourceColumn } from '../data-sources/source-database.js';
import type { EdmType, PropertyModel } from './query/edm.js';
import { valueWriter, type RowWriterOptions } from './serialize.js';

/** smallint and integer: parsed to numbers, whose JSON is PostgreSQL's own text for them. */
const INT_OIDS = new Set([21, 23]);

/** How a column's text becomes its JSON value; `VALUE` is the general way, through strings. */
const COPY = 0; // the text is the JSON (smallint, integer)
const NUMBER = 1; // the text, if it is a JSON number (bigint, numeric); else VALUE
const STRING = 2; // the text in quotes, if nothing needs escaping; else VALUE
const BOOLEAN = 3; // 't' / 'f'
const TIMESTAMP = 4; // "2025-02-03 10:20:30.123+00" as "2025-02-03T10:20:30.123Z"; else VALUE
const VALUE = 5; // parse the text as pg would, then write it as serialize.ts does

function kindOf(type: EdmType, { oid, keepsText: text }: SourceColumn, ieee754: boolean): number {
  const int = INT_OIDS.has(oid);
  switch (type) {
    case 'Edm.Int16':
    case 'Edm.Int32':
      return int ? COPY : VALUE;
    case 'Edm.Int64':
    case 'Edm.Decimal':
      if (ieee754) return text ? STRING : VALUE;
      return int ? COPY : text ? NUMBER : VALUE;
    case 'Edm.Boolean':
      return oid === 16 ? BOOLEAN : VALUE;
    case 'Edm.DateTimeOffset':
      return oid === 1184 || oid === 1114 ? TIMESTAMP : VALUE;
    case 'Edm.Double':
    case 'Edm.Single':
      // JavaScript prints a double its own way (1e+20 → 100000000000000000000).
      return VALUE;
    default:
      return text ? STRING : VALUE;
  }
}

/** Worst case of JSON bytes per byte of text: a control character becomes `\u00XX`. */
const GROWTH = 6;
/** Room per column beyond that: quotes, a comma, `null`, a double printed at full length. */
const PER_COLUMN = 40;

/** The size of a chunk of JSON handed to the socket (or the compressor). */
const CHUNK_BYTES = 64 * 1024;
/** Spare chunks kept for reuse, for all responses together (4 MB). */
const SPARE_CHUNKS = 64;
const spare: Buffer[] = [];

/**
 * Hands out a chunk: a spare one if there is one. Chunks are reused rather than left to the
 * garbage collector, because their memory lies outside V8's heap: paging allocates little
 * else, so V8 would let hundreds of MB of them wait for a collection (the server's RSS while
 * paging rose from 177 to 240 MB with a new Buffer per chunk).
 */
function takeChunk(bytes: number): Buffer {
  if (bytes <= CHUNK_BYTES) return spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  return Buffer.allocUnsafe(bytes);
}

/** Gives a chunk back once its bytes are written (its write's callback), for reuse. */
function giveChunk(chunk: Buffer): void {
  if (chunk.length === CHUNK_BYTES && spare.length < SPARE_CHUNKS) spare.push(chunk);
}

/**
 * The JSON of a response, written into chunks of bytes: each is handed to `emit` when the
 * next write might not fit, and a new one begun. `emit` gets the bytes and a function to
 * call once they are written (never, if they never are): then their chunk is reused.
 */
export class JsonChunks {
  buf: Buffer;
  pos = 0;

  /** `size`: other than the usual chunks (and not reused), for tests. */
  constructor(
    private readonly emit: (bytes: Buffer, written: () => void) => void,
    private readonly size = CHUNK_BYTES,
  ) {
    this.buf = this.take(0);
  }

  /** Makes sure `bytes` more fit in `buf` from `pos`. */
  room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.hand();
    this.buf = this.take(bytes);
  }

  private take(bytes: number): Buffer {
    return this.size === CHUNK_BYTES
      ? takeChunk(bytes)
      : Buffer.allocUnsafe(Math.max(this.size, bytes));
  }

  byte(code: number): void {
    this.room(1);
    this.buf[this.pos++] = code;
  }

  text(text: string): void {
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Hands over what is left. */
  end(): void {
    this.hand();
    this.buf = Buffer.alloc(0);
  }

  private hand(): void {
    const chunk = this.buf;
    if (this.pos) this.emit(chunk.subarray(0, this.pos), () => giveChunk(chunk));
    else giveChunk(chunk);
    this.pos = 0;
  }
}

/**
 * A single-valued navigation property written inside each row from columns of the same
 * statement (the related row joined to it): `"Account":{…}`, or `"Account":null` when the
 * row has none.
 */
export interface RelatedObject {
  name: string;
  /** Writes the related row's properties, from their columns in the statement. */
  writer: RowBytesWriter;
  /** A column that is null exactly when there is no related row (its key). */
  present: number;
}

/**
 * Writes rows as PostgreSQL sends them (DataRow message bodies, data-sources/row-tap.ts)
 * straight into JSON bytes: the same JSON, byte for byte, that {@link rowWriter} writes from
 * pg's parsed rows, without a string per value. Integers, numbers, timestamps, booleans and
 * strings with nothing to escape are copied or rewritten byte by byte; anything else (a
 * string to escape, a double, a type without a fast way, text that is not valid UTF-8) takes
 * the general way through a string, pg's type parser and serialize.ts's writer.
 * `positions` gives each property's column in the statement.
 */
export class RowBytesWriter {
  private readonly names: Buffer[];
  private readonly columns: number[];
  private readonly writers: ((value: unknown) => string)[];
  private readonly prefix: Buffer;
  private readonly omitNulls: boolean;
  private readonly fixed: number;
  private readonly related: { name: Buffer; writer: RowBytesWriter; present: number }[];
  private kinds: number[] = [];
  private parsers: ((text: string) => unknown)[] = [];
  private starts = new Int32Array(16);
  private lengths = new Int32Array(16);

  constructor(
    private readonly properties: PropertyModel[],
    positions: ReadonlyMap<PropertyModel, number>,
    private readonly options: Pick<RowWriterOptions, 'ieee754' | 'omitNulls' | 'prefix'> & {
      related?: RelatedObject[];
    },
  ) {
    this.names = properties.map((p) => Buffer.from(`${JSON.stringify(p.name)}:`));
    this.columns = properties.map((p) => positions.get(p)!);
    this.writers = properties.map((p) => valueWriter(p.type, options.ieee754));
    this.prefix = Buffer.from(options.prefix ?? '');
    this.omitNulls = options.omitNulls ?? false;
    this.related = (options.related ?? []).map((r) => ({
      name: Buffer.from(`,${JSON.stringify(r.name)}:`),
      writer: r.writer,
      present: r.present,
    }));
    this.fixed = this.related.reduce(
      (n, r) => n + r.name.length + r.writer.fixed,
      this.prefix.length + this.names.reduce((n, name) => n + name.length + PER_COLUMN, 2),
    );
  }

  /** The statement's columns, from its RowDescription: how each is read from then on. */
  describe(columns: SourceColumn[]): void {
    for (const { writer } of this.related) writer.describe(columns);
    this.parsers = columns.map((c) => c.parse);
    this.kinds = this.properties.map((p, i) =>
      kindOf(p.type, columns[this.columns[i]], this.options.ieee754),
    );
    if (columns.length > this.starts.length) {
      this.starts = new Int32Array(columns.length);
      this.lengths = new Int32Array(columns.length);
    }
  }

  /**
   * Writes one row (`src[start, end)`, a DataRow body) as a JSON object into `out`: its
   * properties, then its related objects, then `suffix` (expanded properties as UTF-8, each
   * with a leading comma).
   */
  write(out: JsonChunks, src: Buffer, start: number, end: number, suffix?: Buffer): void {
    this.locate(src, start);
    out.room(GROWTH * (end - start) + this.fixed + (suffix ? suffix.length : 0));
    out.pos = this.objectAt(out.buf, out.pos, src, this.starts, this.lengths, suffix);
  }

  /** `{…}` at `b[p]` from the located columns; returns the position after it. */
  private objectAt(
    b: Buffer,
    p: number,
    src: Buffer,
    starts: Int32Array,
    lengths: Int32Array,
    suffix?: Buffer,
  ): number {
    b[p++] = 0x7b; // {
    p = copy(this.prefix, 0, this.prefix.length, b, p);
    let first = this.prefix.length === 0;
    const { names, columns, kinds } = this;
    for (let i = 0; i < names.length; i++) {
      const column = columns[i];
      const length = lengths[column];
      if (length < 0 && this.omitNulls) continue;
      if (!first) b[p++] = 0x2c; // ,
      first = false;
      const name = names[i];
      p = copy(name, 0, name.length, b, p);
      if (length < 0) {
        p = copy(NULL, 0, 4, b, p);
        continue;
      }
      const s = starts[column];
      const e = s + length;
      let q = -1;
      switch (kinds[i]) {
        case COPY:
          if (isPrintedInteger(src, s, e)) q = copy(src, s, e, b, p);
          break;
        case NUMBER:
          if (isJsonNumber(src, s, e)) q = copy(src, s, e, b, p);
          break;
        case STRING:
          q = quoted(src, s, e, b, p);
          break;
        case BOOLEAN:
          if (length === 1 && src[s] === 0x74) q = copy(TRUE, 0, 4, b, p);
          else if (length === 1 && src[s] === 0x66) q = copy(FALSE, 0, 5, b, p);
          break;
        case TIMESTAMP:
          q = timestamp(src, s, e, b, p);
          break;
      }
      if (q < 0) {
        const value = this.parsers[column](src.toString('utf8', s, e));
        q = p + b.write(this.writers[i](value), p, 'utf8');
      }
      p = q;
    }
    for (const { name, writer, present } of this.related) {
      // `,"Account":` (without its comma when nothing came before it)
      p = copy(name, first ? 1 : 0, name.length, b, p);
      first = false;
      p =
        lengths[present] < 0 ? copy(NULL, 0, 4, b, p) : writer.objectAt(b, p, src, starts, lengths);
    }
    if (suffix?.length) p = copy(suffix, first ? 1 : 0, suffix.length, b, p);
    b[p++] = 0x7d; // }
    return p;
  }

  /** A column's value in a row as pg would have parsed it (null for SQL null). */
  value(src: Buffer, start: number, column: number): unknown {
    this.locate(src, start);
    return this.parsed(src, column);
  }

  /** Some columns of a row as an object keyed by their names, their values as pg parses them. */
  object(src: Buffer, start: number, columns: { name: string; column: number }[]) {
    this.locate(src, start);
    const row: Record<string, unknown> = {};
    for (const { name, column } of columns) row[name] = this.parsed(src, column);
    return row;
  }

  private parsed(src: Buffer, column: number): unknown {
    const length = this.lengths[column];
    if (length < 0) return null;
    const s = this.starts[column];
    return this.parsers[column](src.toString('utf8', s, s + length));
  }

  /** Where each column's text lies in a DataRow body. */
  private locate(src: Buffer, start: number): void {
    const count = (src[start] << 8) | src[start + 1];
    let q = start + 2;
    for (let c = 0; c < count; c++) {
      const length = (src[q] << 24) | (src[q + 1] << 16) | (src[q + 2] << 8) | src[q + 3];
      q += 4;
      this.starts[c] = q;
      this.lengths[c] = length;
      if (length > 0) q += length;
    }
  }
}

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** Copies `src[s, e)` to `b` at `p`; returns the position after it. */
function copy(src: Uint8Array, s: number, e: number, b: Uint8Array, p: number): number {
  if (e - s > 64) {
    b.set(src.subarray(s, e), p);
    return p + (e - s);
  }
  for (let i = s; i < e; i++) b[p++] = src[i];
  return p;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * `src[s, e)` is an integer as JavaScript prints it (so parsing it and printing the number
 * gives the same text): PostgreSQL's smallint and integer always are.
 */
function isPrintedInteger(src: Uint8Array, s: number, e: number): boolean {
  let i = src[s] === 0x2d ? s + 1 : s;
  if (i === e || e - i > 15 || (src[i] === 0x30 && (e - i > 1 || i > s))) return false;
  for (; i < e; i++) if (!isDigit(src[i])) return false;
  return true;
}

/** `src[s, e)` matches /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i (serialize.ts NUMBER_TEXT). */
function isJsonNumber(src: Uint8Array, s: number, e: number): boolean {
  let i = s;
  if (src[i] === 0x2d) i++;
  let from = i;
  while (i < e && isDigit(src[i])) i++;
  if (i === from) return false;
  if (i < e && src[i] === 0x2e) {
    from = ++i;
    while (i < e && isDigit(src[i])) i++;
    if (i === from) return false;
  }
  if (i < e && (src[i] | 0x20) === 0x65) {
    i++;
    if (src[i] === 0x2b || src[i] === 0x2d) i++;
    from = i;
    while (i < e && isDigit(src[i])) i++;
    if (i === from) return false;
  }
  return i === e;
}

/**
 * `"text"` when the text needs no escaping in JSON (no quote, backslash or control character)
 * and is valid UTF-8; else -1.
 */
function quoted(src: Uint8Array, s: number, e: number, b: Uint8Array, p: number): number {
  b[p++] = 0x22;
  let i = s;
  while (i < e) {
    const c = src[i];
    if (c >= 0x80) {
      const n = utf8Sequence(src, i, e);
      if (n === 0) return -1;
      for (const stop = i + n; i < stop; i++) b[p++] = src[i];
      continue;
    }
    if (c < 0x20 || c === 0x22 || c === 0x5c) return -1;
    b[p++] = c;
    i++;
  }
  b[p++] = 0x22;
  return p;
}

/** The length of the well-formed UTF-8 sequence at `src[i]` (RFC 3629), or 0. */
function utf8Sequence(src: Uint8Array, i: number, e: number): number {
  const c = src[i];
  if (c >= 0xc2 && c <= 0xdf) return within(src, i + 1, e, 0x80, 0xbf) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const low = c === 0xe0 ? 0xa0 : 0x80;
    const high = c === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    return within(src, i + 1, e, low, high) && within(src, i + 2, e, 0x80, 0xbf) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const low = c === 0xf0 ? 0x90 : 0x80;
    const high = c === 0xf4 ? 0x8f : 0xbf;
    return within(src, i + 1, e, low, high) &&
      within(src, i + 2, e, 0x80, 0xbf) &&
      within(src, i + 3, e, 0x80, 0xbf)
      ? 4
      : 0;
  }
  return 0;
}

/** A continuation byte at `src[j]`, before `e`, in `[low, high]`. */
function within(src: Uint8Array, j: number, e: number, low: number, high: number): boolean {
  return j < e && src[j] >= low && src[j] <= high;
}

/** serialize.ts's common case of a timestamp, as bytes; -1 for any other text. */
function timestamp(src: Uint8Array, s: number, e: number, b: Uint8Array, p: number): number {
  if (
    e - s <= 19 ||
    src[s + 10] !== 0x20 ||
    src[e - 3] !== 0x2b ||
    src[e - 2] !== 0x30 ||
    src[e - 1] !== 0x30
  ) {
    return -1;
  }
  b[p++] = 0x22; // "
  for (let i = s; i < s + 10; i++) b[p++] = src[i];
  b[p++] = 0x54; // T
  for (let i = s + 11; i < e - 3; i++) b[p++] = src[i];
  b[p++] = 0x5a; // Z
  b[p++] = 0x22;
  return p;
}
