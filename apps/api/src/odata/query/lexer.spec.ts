import { queryFailure } from '../testing/query-failure';
import { tokenize, type Literal } from './lexer';

/** The single literal `text` lexes to. */
function literal(text: string): Literal {
  const tokens = tokenize(text, '$filter');
  expect(tokens.map((t) => t.kind)).toEqual(['literal', 'eof']);
  const [token] = tokens;
  if (token.kind !== 'literal') throw new Error('not a literal');
  return token.literal;
}

const failure = (text: string) =>
  queryFailure(`tokenize(${JSON.stringify(text)})`, () => tokenize(text, '$filter'));

describe('tokenize', () => {
  it('splits on any run of blanks and keeps positions', () => {
    const tokens = tokenize("  Name \t eq\t'x'  ", '$filter');
    expect(tokens.map((t) => [t.kind, t.text, t.pos])).toEqual([
      ['name', 'Name', 2],
      ['name', 'eq', 9],
      ['literal', "'x'", 12],
      ['eof', '', 17],
    ]);
  });

  it('lexes punctuation without blanks around it', () => {
    const tokens = tokenize("contains(Name,'a')", '$filter');
    expect(tokens.map((t) => t.text)).toEqual(['contains', '(', 'Name', ',', "'a'", ')', '']);
  });

  describe('strings', () => {
    it('unescapes doubled quotes', () => {
      expect(literal("'It''s'")).toEqual({ type: 'Edm.String', value: "It's" });
      expect(literal("''''")).toEqual({ type: 'Edm.String', value: "'" });
      expect(literal("''")).toEqual({ type: 'Edm.String', value: '' });
    });

    it('keeps everything else verbatim, SQL included', () => {
      expect(literal("'x'' or 1=1 --'")).toEqual({ type: 'Edm.String', value: "x' or 1=1 --" });
      expect(literal(`'a"; drop table x; \\ % _'`)).toEqual({
        type: 'Edm.String',
        value: 'a"; drop table x; \\ % _',
      });
      expect(literal("'Zoë 北京 🚀'")).toEqual({ type: 'Edm.String', value: 'Zoë 北京 🚀' });
    });

    it('rejects an unterminated string', () => {
      const e = failure("Name eq 'abc");
      expect(e.status).toBe(400);
      expect(e.message).toBe('$filter: unterminated string literal at position 9');
      expect(failure("Name eq 'It''s").message).toContain('unterminated');
    });

    it('rejects a NUL character, which PostgreSQL text cannot hold', () => {
      expect(failure("'a\u0000b'").message).toContain('NUL');
    });
  });

  describe('numbers', () => {
    it.each([
      ['0', { type: 'Edm.Int32', value: 0 }],
      ['42', { type: 'Edm.Int32', value: 42 }],
      ['-3', { type: 'Edm.Int32', value: -3 }],
      ['+7', { type: 'Edm.Int32', value: 7 }],
      ['2147483647', { type: 'Edm.Int32', value: 2147483647 }],
      ['-2147483648', { type: 'Edm.Int32', value: -2147483648 }],
      ['2147483648', { type: 'Edm.Int64', value: '2147483648' }],
      ['9223372036854775807', { type: 'Edm.Int64', value: '9223372036854775807' }],
      ['-9223372036854775808', { type: 'Edm.Int64', value: '-9223372036854775808' }],
      ['9223372036854775808', { type: 'Edm.Decimal', value: '9223372036854775808' }],
      ['1.5', { type: 'Edm.Decimal', value: '1.5' }],
      ['-0.25', { type: 'Edm.Decimal', value: '-0.25' }],
      ['1e10', { type: 'Edm.Decimal', value: '1e10' }],
      ['1.5e-3', { type: 'Edm.Decimal', value: '1.5e-3' }],
      ['2E+4', { type: 'Edm.Decimal', value: '2E+4' }],
      [
        '12345678901234567890.123456789',
        { type: 'Edm.Decimal', value: '12345678901234567890.123456789' },
      ],
      ['1.5M', { type: 'Edm.Decimal', value: '1.5' }],
      ['3m', { type: 'Edm.Decimal', value: '3' }],
      ['1.5D', { type: 'Edm.Double', value: '1.5' }],
      ['2d', { type: 'Edm.Double', value: '2' }],
      ['1.5f', { type: 'Edm.Single', value: '1.5' }],
      ['5L', { type: 'Edm.Int64', value: '5' }],
      ['-5l', { type: 'Edm.Int64', value: '-5' }],
      ['INF', { type: 'Edm.Double', value: 'Infinity' }],
      ['-INF', { type: 'Edm.Double', value: '-Infinity' }],
      ['NaN', { type: 'Edm.Double', value: 'NaN' }],
    ])('%s', (text, expected) => {
      expect(literal(text)).toEqual(expected);
    });

    it.each(['1.', '1.e5', '1e', '1e+', '12abc', '1.5L', '0x10', '5-3', '1.2.3', '5_000'])(
      'rejects the malformed number %s',
      (text) => {
        const e = failure(text);
        expect(e.status).toBe(400);
        expect(e.message).toMatch(/^\$filter: malformed number '.+' at position 1$/);
      },
    );
  });

  describe('booleans and null', () => {
    it('lexes the lower-case keywords as literals', () => {
      expect(literal('true')).toEqual({ type: 'Edm.Boolean', value: true });
      expect(literal('false')).toEqual({ type: 'Edm.Boolean', value: false });
      expect(literal('null')).toEqual({ type: 'null' });
    });

    it('leaves other spellings to be names (keywords are case-sensitive)', () => {
      expect(tokenize('True NULL', '$filter').map((t) => t.kind)).toEqual(['name', 'name', 'eof']);
    });
  });

  describe('dates and times', () => {
    it('lexes a Date', () => {
      expect(literal('2025-02-03')).toEqual({ type: 'Edm.Date', value: '2025-02-03' });
      expect(literal('2024-02-29')).toEqual({ type: 'Edm.Date', value: '2024-02-29' });
      expect(literal('2000-02-29')).toEqual({ type: 'Edm.Date', value: '2000-02-29' });
    });

    it.each([
      ['2025-02-03T00:00:00Z', '2025-02-03T00:00:00Z'],
      ['2025-02-03t00:00:00z', '2025-02-03T00:00:00Z'],
      ['2025-02-03T00:00:00+01:00', '2025-02-02T23:00:00Z'],
      ['2025-02-03T00:00:00-05:30', '2025-02-03T05:30:00Z'],
      ['2025-02-03T10:20Z', '2025-02-03T10:20:00Z'],
      ['2025-02-03T10:20:30.1234567Z', '2025-02-03T10:20:30.1234567Z'],
      ['2025-02-03T10:20:30.5+02:00', '2025-02-03T08:20:30.5Z'],
      ['2025-02-03T10:20:30.123456789012-00:00', '2025-02-03T10:20:30.123456789012Z'],
      ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00Z'],
      ['2024-03-01T00:00:00+14:00', '2024-02-29T10:00:00Z'],
      ['2025-02-03T00:00:00-23:59', '2025-02-03T23:59:00Z'],
    ])('lexes the DateTimeOffset %s as the UTC instant %s', (text, utc) => {
      expect(literal(text)).toEqual({ type: 'Edm.DateTimeOffset', value: utc });
    });

    it('lexes a TimeOfDay', () => {
      expect(literal('10:20')).toEqual({ type: 'Edm.TimeOfDay', value: '10:20:00' });
      expect(literal('10:20:30')).toEqual({ type: 'Edm.TimeOfDay', value: '10:20:30' });
      expect(literal('23:59:59.9999999')).toEqual({
        type: 'Edm.TimeOfDay',
        value: '23:59:59.9999999',
      });
    });

    it.each([
      ['2025-13-01', 'invalid date'],
      ['2025-00-10', 'invalid date'],
      ['2025-02-29', 'invalid date'],
      ['1900-02-29', 'invalid date'],
      ['2025-04-31', 'invalid date'],
      ['0000-01-01', 'invalid date'],
      ['2025-02-03T24:00:00Z', 'invalid time'],
      ['2025-02-03T10:60:00Z', 'invalid time'],
      ['2025-02-03T10:00:60Z', 'invalid time'],
      ['2025-02-03T10:00:00+24:00', 'invalid time zone offset'],
      ['2025-02-03T10:00:00+01:60', 'invalid time zone offset'],
      ['2025-02-03T10:00:00.1234567890123Z', 'more than 12 digits'],
      ['0001-01-01T00:00:00+01:00', 'out of range'],
      ['9999-12-31T23:00:00-01:00', 'out of range'],
      ['24:00', 'invalid time'],
      ['2025-02-03T10', 'malformed Date literal'],
      ['2025-02-03X', 'malformed Date literal'],
      ['2025-02-03T10:00:00Z5', 'malformed DateTimeOffset literal'],
      ['2025-02-03T10:00:00+0100', 'has no time zone'],
      ['2025-2-3', 'malformed number'],
    ])('rejects %s (%s)', (text, message) => {
      const e = failure(text);
      expect(e.status).toBe(400);
      expect(e.message).toContain(message);
      expect(e.message).toContain('at position 1');
    });

    it('explains a missing time zone, the trace of an unencoded +', () => {
      const e = failure('CreatedAt ge 2025-02-03T00:00:00 01:00');
      expect(e.status).toBe(400);
      expect(e.message).toBe(
        "$filter: DateTimeOffset literal '2025-02-03T00:00:00' has no time zone at position 14: " +
          "add 'Z' or an offset such as +01:00 (a '+' in a URL must be sent as %2B)",
      );
    });
  });

  describe('Guids', () => {
    it('lexes a Guid in lower case, whether it starts with a digit or a letter', () => {
      expect(literal('01234567-89AB-cdef-0123-456789ABCDEF')).toEqual({
        type: 'Edm.Guid',
        value: '01234567-89ab-cdef-0123-456789abcdef',
      });
      expect(literal('abcdef01-2345-6789-abcd-ef0123456789')).toEqual({
        type: 'Edm.Guid',
        value: 'abcdef01-2345-6789-abcd-ef0123456789',
      });
    });

    it('rejects a Guid with trailing characters', () => {
      expect(failure('01234567-89ab-cdef-0123-456789abcdef0').message).toContain(
        'malformed Guid literal',
      );
    });
  });

  describe('names', () => {
    it('lexes identifiers, Unicode letters included, and qualified names', () => {
      const tokens = tokenize('_x Größe Name2 geo.distance My.Ns.Fn', '$filter');
      expect(tokens.map((t) => [t.kind, t.text])).toEqual([
        ['name', '_x'],
        ['name', 'Größe'],
        ['name', 'Name2'],
        ['name', 'geo.distance'],
        ['name', 'My.Ns.Fn'],
        ['eof', ''],
      ]);
    });

    it('lexes $it, $root and parameter aliases as special tokens', () => {
      const tokens = tokenize('$it $root @p1', '$filter');
      expect(tokens.map((t) => [t.kind, t.text])).toEqual([
        ['special', '$it'],
        ['special', '$root'],
        ['special', '@p1'],
        ['eof', ''],
      ]);
    });

    it('separates a name from a string that follows it without a blank', () => {
      expect(tokenize("Name eq'x'", '$filter').map((t) => t.text)).toEqual([
        'Name',
        'eq',
        "'x'",
        '',
      ]);
    });
  });

  describe('prefixed literals', () => {
    it.each([
      ["duration'P1D'", 'duration literals are not supported'],
      ["binary'AAE='", 'binary literals are not supported'],
      ["geography'SRID=0;Point(1 2)'", 'geography literals are not supported'],
      ["geometry'Point(1 2)'", 'geometry literals are not supported'],
      ["Ns.Color'Red'", 'enumeration literals'],
    ])('answers %s with 501', (text, message) => {
      const e = failure(`Prop eq ${text}`);
      expect(e.status).toBe(501);
      expect(e.message).toContain(message);
      expect(e.message).toContain('at position 9');
    });

    it.each([
      "datetime'2025-02-03T00:00:00'",
      "datetimeoffset'2025-02-03T00:00:00Z'",
      "guid'01234567-89ab-cdef-0123-456789abcdef'",
      "time'PT10H'",
      "X'AB'",
    ])('answers the OData v3 literal %s with 400 and the v4 spelling', (text) => {
      const e = failure(text);
      expect(e.status).toBe(400);
      expect(e.message).toContain('OData v3 syntax, not valid in OData v4');
    });
  });

  describe('other characters', () => {
    it.each([
      ['"name" eq 1', '"', 1],
      ["Name eq 'a'; drop table x", ';', 12],
      ['Name = 1', '=', 6],
      ['a + b', '+', 3],
      ['$', '$', 1],
    ])('rejects %s at the first bad character', (text, ch, pos) => {
      const e = failure(text);
      expect(e.status).toBe(400);
      expect(e.message).toBe(`$filter: unexpected character '${ch}' at position ${pos}`);
    });
  });

  it("leaves a lone '-' (negation, answered by the parser) as punctuation", () => {
    expect(tokenize('Name eq 1 -- x', '$filter').map((t) => t.text)).toEqual([
      'Name',
      'eq',
      '1',
      '-',
      '-',
      'x',
      '',
    ]);
  });

  it('refuses input longer than 16,384 characters (16 kB query strings) before looking at it', () => {
    const ok = `Name eq '${'a'.repeat(16384 - 10)}'`;
    expect(ok).toHaveLength(16384);
    expect(() => tokenize(ok, '$filter')).not.toThrow();
    const e = failure(`${ok} `);
    expect(e.status).toBe(400);
    expect(e.message).toBe('$filter is too long (16385 characters, at most 16384)');
  });

  it('tokenizes 8 kB of tokens quickly', () => {
    const text = 'a eq 1 and '.repeat(740) + 'a eq 1';
    const started = Date.now();
    expect(tokenize(text, '$filter').length).toBeGreaterThan(2000);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
