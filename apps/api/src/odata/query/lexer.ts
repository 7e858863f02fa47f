import { clip } from './edm.js';
import { checkOptionLength, queryError, type ODataQueryError } from './odata-query-error.js';

/**
 * A literal as the OData v4 ABNF types it. Values that a JS number cannot hold exactly (Int64,
 * Decimal, Double) stay strings; dates and times are normalised strings PostgreSQL parses
 * without help from the session time zone.
 */
export type Literal =
  | { type: 'null' }
  | { type: 'Edm.String'; value: string }
  | { type: 'Edm.Boolean'; value: boolean }
  | { type: 'Edm.Int32'; value: number }
  | { type: 'Edm.Int64' | 'Edm.Decimal' | 'Edm.Double' | 'Edm.Single'; value: string }
  | { type: 'Edm.Date'; value: string }
  /** Always converted to UTC: `2025-02-03T00:00:00+01:00` → `2025-02-02T23:00:00Z`. */
  | { type: 'Edm.DateTimeOffset'; value: string }
  | { type: 'Edm.TimeOfDay'; value: string }
  /** Lower-case canonical form. */
  | { type: 'Edm.Guid'; value: string };

export type Punctuation = '(' | ')' | ',' | '/' | ':' | '*' | '-' | '[' | ']' | '{' | '}';

interface TokenBase {
  /** 0-based offset of the first character. */
  pos: number;
  /** The source text of the token. */
  text: string;
}

export type Token =
  /** An identifier, possibly namespace-qualified (`geo.distance`); keywords are names too. */
  | (TokenBase & { kind: 'name' })
  | (TokenBase & { kind: 'literal'; literal: Literal })
  | (TokenBase & { kind: 'punct'; text: Punctuation })
  /** `$it`, `$root`, `@alias` …: valid OData the feed does not implement. */
  | (TokenBase & { kind: 'special' })
  | (TokenBase & { kind: 'eof' });

const WHITESPACE = /[ \t\r\n]+/y;
const GUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/y;
const DATE = /(\d{4})-(\d{2})-(\d{2})/y;
const TIME_PART = /[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/y;
const ZONE = /[Zz]|([+-])(\d{2}):(\d{2})/y;
const TIME_OF_DAY = /(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/y;
const NUMBER = /[+-]?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const SUFFIX = /[mMdDfFlL]/y;
export const IDENTIFIER = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]*/uy;
/** A character that may not directly follow a number, date, time or Guid literal. */
const LITERAL_CONTINUATION = /[\p{L}\p{N}_.:'"+-]/u;
const PUNCTUATION = new Set<string>(['(', ')', ',', '/', ':', '*', '[', ']', '{', '}']);

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_FRACTION_DIGITS = 12;

/** Prefixed literals (`duration'P1D'`) of OData v4 that the feed does not implement. */
const UNSUPPORTED_PREFIXED = new Set(['duration', 'binary', 'geography', 'geometry']);
/** OData v2/v3 prefixed literals, not valid in v4: answered with the v4 spelling. */
const V3_PREFIXED: Record<string, string> = {
  datetime: '2025-02-03T00:00:00Z',
  datetimeoffset: '2025-02-03T00:00:00Z',
  time: '10:20:30',
  guid: '01234567-89ab-cdef-0123-456789abcdef',
};

/** Splits a query option value into tokens; whitespace between tokens is any run of blanks. */
export function tokenize(text: string, option: string): Token[] {
  checkOptionLength(text, option);
  return new Lexer(text, option).run();
}

class Lexer {
  private i = 0;
  private readonly tokens: Token[] = [];

  constructor(
    private readonly text: string,
    private readonly option: string,
  ) {}

  run(): Token[] {
    const { text } = this;
    for (;;) {
      WHITESPACE.lastIndex = this.i;
      if (WHITESPACE.test(text)) this.i = WHITESPACE.lastIndex;
      if (this.i >= text.length) break;
      const start = this.i;
      const ch = text[start];
      if (ch === "'") this.string();
      else if (PUNCTUATION.has(ch))
        this.push({ kind: 'punct', pos: start, text: ch as Punctuation });
      else if (ch === '$' || ch === '@') this.special();
      else if (this.guid()) continue;
      else if (isDigit(ch)) this.numberOrTemporal();
      else if (ch === '-' || ch === '+') this.sign();
      else if (this.matches(IDENTIFIER)) this.name();
      else throw this.error(400, `unexpected character '${ch}'`, start);
    }
    this.tokens.push({ kind: 'eof', pos: text.length, text: '' });
    return this.tokens;
  }

  private push(token: Token): void {
    this.tokens.push(token);
    this.i = token.pos + token.text.length;
  }

  private matches(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.i;
    return re.exec(this.text);
  }

  private error(status: 400 | 501, message: string, pos: number, detail = ''): ODataQueryError {
    return queryError(status, this.option, message, pos, detail);
  }

  private literal(start: number, end: number, literal: Literal, what: string): void {
    const next = this.text[end];
    if (next !== undefined && LITERAL_CONTINUATION.test(next)) {
      throw this.error(400, `malformed ${what} '${clip(this.text.slice(start, end + 1))}'`, start);
    }
    this.push({ kind: 'literal', pos: start, text: this.text.slice(start, end), literal });
  }

  private string(): void {
    const { text } = this;
    const start = this.i;
    let value = '';
    let from = start + 1;
    for (;;) {
      const quote = text.indexOf("'", from);
      if (quote < 0) throw this.error(400, 'unterminated string literal', start);
      value += text.slice(from, quote);
      if (text[quote + 1] === "'") {
        value += "'";
        from = quote + 2;
        continue;
      }
      if (value.includes('\u0000')) {
        throw this.error(400, 'string literal contains a NUL character', start);
      }
      this.push({
        kind: 'literal',
        pos: start,
        text: text.slice(start, quote + 1),
        literal: { type: 'Edm.String', value },
      });
      return;
    }
  }

  private special(): void {
    const start = this.i;
    IDENTIFIER.lastIndex = start + 1;
    const m = IDENTIFIER.exec(this.text);
    if (!m) throw this.error(400, `unexpected character '${this.text[start]}'`, start);
    this.push({ kind: 'special', pos: start, text: this.text.slice(start, IDENTIFIER.lastIndex) });
  }

  private guid(): boolean {
    const m = this.matches(GUID);
    if (!m) return false;
    this.literal(
      this.i,
      GUID.lastIndex,
      { type: 'Edm.Guid', value: m[0].toLowerCase() },
      'Guid literal',
    );
    return true;
  }

  private numberOrTemporal(): void {
    const date = this.matches(DATE);
    if (date) return this.dateOrDateTime(date);
    const time = this.matches(TIME_OF_DAY);
    if (time) return this.timeOfDay(time);
    this.number();
  }

  private sign(): void {
    const { text } = this;
    const start = this.i;
    if (isDigit(text[start + 1] ?? '')) return this.number();
    if (text[start] === '-' && text.startsWith('INF', start + 1)) {
      return this.literal(start, start + 4, { type: 'Edm.Double', value: '-Infinity' }, 'number');
    }
    if (text[start] === '-') return this.push({ kind: 'punct', pos: start, text: '-' });
    throw this.error(400, "unexpected character '+'", start);
  }

  private number(): void {
    const start = this.i;
    const m = this.matches(NUMBER);
    if (!m) throw this.error(400, 'malformed number', start);
    let end = NUMBER.lastIndex;
    SUFFIX.lastIndex = end;
    const suffix = SUFFIX.test(this.text) ? this.text[end].toUpperCase() : '';
    if (suffix) end += 1;
    const digits = m[0].startsWith('+') ? m[0].slice(1) : m[0];
    const integral = m[1] === undefined && m[2] === undefined;
    let literal: Literal;
    if (suffix === 'L') {
      if (!integral) throw this.error(400, `malformed number '${clip(m[0])}L'`, start);
      literal = { type: 'Edm.Int64', value: digits };
    } else if (suffix === 'D') literal = { type: 'Edm.Double', value: digits };
    else if (suffix === 'F') literal = { type: 'Edm.Single', value: digits };
    else if (suffix === 'M' || !integral) literal = { type: 'Edm.Decimal', value: digits };
    else {
      const n = BigInt(digits);
      if (n >= INT32_MIN && n <= INT32_MAX) literal = { type: 'Edm.Int32', value: Number(n) };
      else if (n >= INT64_MIN && n <= INT64_MAX) literal = { type: 'Edm.Int64', value: digits };
      else literal = { type: 'Edm.Decimal', value: digits };
    }
    this.literal(start, end, literal, 'number');
  }

  private dateOrDateTime(date: RegExpExecArray): void {
    const start = this.i;
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    let end = DATE.lastIndex;
    const dateText = date[0];
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      throw this.error(400, `invalid date '${dateText}'`, start);
    }
    TIME_PART.lastIndex = end;
    const time = TIME_PART.exec(this.text);
    if (!time) {
      return this.literal(start, end, { type: 'Edm.Date', value: dateText }, 'Date literal');
    }
    end = TIME_PART.lastIndex;
    const clock = this.clock(time, start);
    ZONE.lastIndex = end;
    const zone = ZONE.exec(this.text);
    if (!zone) {
      throw this.error(
        400,
        `DateTimeOffset literal '${clip(this.text.slice(start, end))}' has no time zone`,
        start,
        ": add 'Z' or an offset such as +01:00 (a '+' in a URL must be sent as %2B)",
      );
    }
    end = ZONE.lastIndex;
    let offsetMinutes = 0;
    if (zone[1]) {
      const [hours, minutes] = [Number(zone[2]), Number(zone[3])];
      if (hours > 23 || minutes > 59) {
        throw this.error(400, `invalid time zone offset '${zone[0]}'`, start);
      }
      offsetMinutes = (zone[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
    }
    const instant = new Date(0);
    instant.setUTCFullYear(year, month - 1, day);
    instant.setUTCHours(clock.hours, clock.minutes - offsetMinutes, clock.seconds, 0);
    const utcYear = instant.getUTCFullYear();
    if (utcYear < 1 || utcYear > 9999) {
      throw this.error(
        400,
        `DateTimeOffset '${clip(this.text.slice(start, end))}' is out of range`,
        start,
      );
    }
    const value =
      `${pad(utcYear, 4)}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())}` +
      `T${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}` +
      `${clock.fraction ? `.${clock.fraction}` : ''}Z`;
    this.literal(start, end, { type: 'Edm.DateTimeOffset', value }, 'DateTimeOffset literal');
  }

  private timeOfDay(time: RegExpExecArray): void {
    const start = this.i;
    const clock = this.clock(time, start);
    const value =
      `${pad(clock.hours)}:${pad(clock.minutes)}:${pad(clock.seconds)}` +
      (clock.fraction ? `.${clock.fraction}` : '');
    this.literal(
      start,
      TIME_OF_DAY.lastIndex,
      { type: 'Edm.TimeOfDay', value },
      'TimeOfDay literal',
    );
  }

  /** Validates the hh:mm[:ss[.fff]] groups 1–4 of a TIME_PART or TIME_OF_DAY match. */
  private clock(m: RegExpExecArray, start: number) {
    const [hours, minutes, seconds] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    const fraction = m[4] ?? '';
    if (hours > 23 || minutes > 59 || seconds > 59) {
      throw this.error(400, `invalid time '${m[0]}'`, start);
    }
    if (fraction.length > MAX_FRACTION_DIGITS) {
      throw this.error(
        400,
        `fractional seconds have more than ${MAX_FRACTION_DIGITS} digits in '${clip(m[0])}'`,
        start,
      );
    }
    return { hours, minutes, seconds, fraction };
  }

  private name(): void {
    const { text } = this;
    const start = this.i;
    let end = IDENTIFIER.lastIndex;
    // Namespace-qualified names: geo.distance(...), Edm.String, Namespace.Enum'Member'.
    while (text[end] === '.') {
      IDENTIFIER.lastIndex = end + 1;
      if (!IDENTIFIER.exec(text)) break;
      end = IDENTIFIER.lastIndex;
    }
    const name = text.slice(start, end);
    if (text[end] === "'") this.prefixedLiteral(name, start);
    const keyword = KEYWORD_LITERALS.get(name);
    if (keyword) return this.push({ kind: 'literal', pos: start, text: name, literal: keyword });
    this.push({ kind: 'name', pos: start, text: name });
  }

  /** Throws for `duration'P1D'` and friends; returns for a name that merely precedes a string. */
  private prefixedLiteral(name: string, start: number): void {
    const lower = name.toLowerCase();
    if (UNSUPPORTED_PREFIXED.has(lower)) {
      throw this.error(501, `${lower} literals are not supported`, start);
    }
    if (name.includes('.')) {
      throw this.error(501, `enumeration literals (${clip(name)}'…') are not supported`, start);
    }
    const v4 = V3_PREFIXED[lower];
    if (v4 !== undefined || lower === 'x') {
      throw this.error(
        400,
        `${name}'…' is OData v3 syntax, not valid in OData v4`,
        start,
        v4 ? `; write the value without prefix or quotes, e.g. ${v4}` : '',
      );
    }
  }
}

const KEYWORD_LITERALS = new Map<string, Literal>([
  ['true', { type: 'Edm.Boolean', value: true }],
  ['false', { type: 'Edm.Boolean', value: false }],
  ['null', { type: 'null' }],
  ['INF', { type: 'Edm.Double', value: 'Infinity' }],
  ['NaN', { type: 'Edm.Double', value: 'NaN' }],
]);

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
