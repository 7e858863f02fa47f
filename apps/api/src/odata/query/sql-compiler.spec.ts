import type { EdmType, EntitySetModel, PropertyModel } from './edm';
import { ODataQueryError } from './odata-query-error';
import { compileFilter } from './sql-compiler';

const property = (
  name: string,
  column: string,
  type: EdmType,
  nullable: boolean,
): PropertyModel => ({
  name,
  column,
  type,
  nullable,
});

const deals: EntitySetModel = {
  name: 'Deals',
  key: ['Id'],
  properties: [
    property('Id', 'id', 'Edm.Int64', false),
    property('Seats', 'seats', 'Edm.Int16', true),
    property('Count', 'count', 'Edm.Int32', false),
    property('Name', 'name', 'Edm.String', true),
    property('Stage', 'stage', 'Edm.String', false),
    property('Amount', 'amount', 'Edm.Decimal', true),
    property('Score', 'score', 'Edm.Double', false),
    property('Ratio', 'ratio', 'Edm.Single', true),
    property('IsWon', 'is_won', 'Edm.Boolean', false),
    property('IsHot', 'is_hot', 'Edm.Boolean', true),
    property('CreatedAt', 'created_at', 'Edm.DateTimeOffset', false),
    property('ClosedAt', 'closed_at', 'Edm.DateTimeOffset', true),
    property('CloseDate', 'close_date', 'Edm.Date', true),
    property('StartDate', 'start_date', 'Edm.Date', false),
    property('Reminder', 'reminder', 'Edm.TimeOfDay', true),
    property('OwnerId', 'owner_id', 'Edm.Guid', true),
    property('Odd', 'odd "col"; drop', 'Edm.String', false),
  ],
};

function compile(text: string, params: unknown[] = []): { sql: string; params: unknown[] } {
  const sql = compileFilter(text, deals, params);
  assertSafe(sql, params);
  return { sql, params };
}

function failure(text: string): ODataQueryError {
  try {
    compileFilter(text, deals, []);
  } catch (e) {
    if (e instanceof ODataQueryError) return e;
    throw e;
  }
  throw new Error(`compileFilter(${JSON.stringify(text)}) did not fail`);
}

const QUOTED_COLUMNS = new Set(deals.properties.map((p) => `"${p.column.replace(/"/g, '""')}"`));
/** Every word the compiler may write; anything else in the SQL came from the input. */
const SQL_WORDS = new Set(
  (
    'AND OR NOT IS NULL DISTINCT FROM IN COALESCE TRUE FALSE AT TIME ZONE strpos left right ' +
    'length lower upper extract from year month day int timestamp 0'
  ).split(' '),
);
const CASTS = 'text|boolean|int|bigint|numeric|float8|date|timestamptz|time|uuid';

/**
 * The injection invariant: the SQL holds only `$N::type` placeholders for parameters that exist,
 * quoted columns of the model, the constant 'UTC' and the compiler's own vocabulary — no
 * literal, no comment, no statement separator from the input. Every parameter is used.
 */
function assertSafe(sql: string, params: unknown[], first = 1): void {
  const used = new Set<number>();
  let rest = sql.replace(new RegExp(`\\$(\\d+)::(?:${CASTS})\\b`, 'g'), (_, n: string) => {
    used.add(Number(n));
    return ' ';
  });
  rest = rest.replace(/"(?:[^"]|"")*"/g, (quoted) => {
    if (!QUOTED_COLUMNS.has(quoted)) throw new Error(`unknown identifier ${quoted} in ${sql}`);
    return ' ';
  });
  rest = rest.replace(/'UTC'/g, ' ');
  if (!/^[A-Za-z0-9_\s(),:<>=]*$/.test(rest)) throw new Error(`unexpected characters in ${sql}`);
  if (rest.includes('--')) throw new Error(`comment in ${sql}`);
  for (const word of rest.match(/[A-Za-z0-9_]+/g) ?? []) {
    if (!SQL_WORDS.has(word)) throw new Error(`unexpected word ${word} in ${sql}`);
  }
  const expected = Array.from({ length: params.length - first + 1 }, (_, i) => first + i);
  expect([...used].sort((a, b) => a - b)).toEqual(expected);
}

describe('compileFilter', () => {
  describe('incremental refresh (Power BI RangeStart/RangeEnd)', () => {
    it('compiles to an index-friendly range on the bare column', () => {
      const { sql, params } = compile(
        'CreatedAt ge 2025-02-03T00:00:00+01:00 and CreatedAt lt 2025-03-03T00:00:00+01:00',
      );
      expect(sql).toBe('("created_at" >= $1::timestamptz AND "created_at" < $2::timestamptz)');
      expect(params).toEqual(['2025-02-02T23:00:00Z', '2025-03-02T23:00:00Z']);
    });

    it('keeps the column bare with Z and negative offsets and fractional seconds', () => {
      const { sql, params } = compile(
        'CreatedAt ge 2025-02-03T00:00:00.1234567Z and CreatedAt lt 2025-03-03T00:00:00-05:30',
      );
      expect(sql).toBe('("created_at" >= $1::timestamptz AND "created_at" < $2::timestamptz)');
      expect(params).toEqual(['2025-02-03T00:00:00.1234567Z', '2025-03-03T05:30:00Z']);
    });
  });

  describe('comparison operators', () => {
    it.each([
      ['eq', '='],
      ['ne', '<>'],
      ['gt', '>'],
      ['ge', '>='],
      ['lt', '<'],
      ['le', '<='],
    ])('%s on a non-nullable column is %s', (op, sqlOp) => {
      const { sql, params } = compile(`Count ${op} 5`);
      expect(sql).toBe(`"count" ${sqlOp} $1::int`);
      expect(params).toEqual([5]);
    });

    it('accepts the literal on the left', () => {
      expect(compile('5 lt Count').sql).toBe('$1::int < "count"');
    });

    it('compares two properties', () => {
      expect(compile('Count gt Seats').sql).toBe('"count" > "seats"');
      expect(compile('Stage eq Odd').sql).toBe('"stage" = "odd ""col""; drop"');
    });

    it('compares literals with literals, each cast so PostgreSQL knows its type', () => {
      expect(compile('1 eq 1')).toEqual({ sql: '$1::int = $2::int', params: [1, 1] });
      expect(compile("'a' ne 'b'").sql).toBe('$1::text <> $2::text');
    });

    it('compares boolean expressions', () => {
      expect(compile('IsWon eq true').sql).toBe('"is_won" = $1::boolean');
      expect(compile("contains(Stage,'a') eq false").sql).toBe(
        '(strpos("stage", $1::text) > 0) = $2::boolean',
      );
      expect(compile('Count gt 1 eq IsWon').sql).toBe('("count" > $1::int) = "is_won"');
    });
  });

  describe('null (OData compares null as a value: null eq null, null ne 1)', () => {
    it('compiles eq null and ne null to IS [NOT] NULL, on either side', () => {
      expect(compile('Name eq null')).toEqual({ sql: '"name" IS NULL', params: [] });
      expect(compile('Name ne null').sql).toBe('"name" IS NOT NULL');
      expect(compile('null eq Name').sql).toBe('"name" IS NULL');
      expect(compile('null ne tolower(Name)').sql).toBe('lower("name") IS NOT NULL');
      expect(compile('(Count gt 1) eq null').sql).toBe('("count" > $1::int) IS NULL');
    });

    it('compiles null eq null to a constant', () => {
      expect(compile('null eq null')).toEqual({ sql: 'TRUE', params: [] });
      expect(compile('null ne null')).toEqual({ sql: 'FALSE', params: [] });
    });

    it('includes null rows in ne on a nullable column', () => {
      expect(compile("Name ne 'x'").sql).toBe('"name" IS DISTINCT FROM $1::text');
      expect(compile('IsHot ne true').sql).toBe('"is_hot" IS DISTINCT FROM $1::boolean');
      expect(compile("Stage ne 'x'").sql).toBe('"stage" <> $1::text');
    });

    it('keeps eq a plain, indexable = when only one side can be null', () => {
      expect(compile("Name eq 'x'").sql).toBe('"name" = $1::text');
      expect(compile('Name eq Stage').sql).toBe('"name" = "stage"');
    });

    it('treats two nullable sides as equal when both are null', () => {
      expect(compile('Amount eq Ratio').sql).toBe('"amount" IS NOT DISTINCT FROM "ratio"');
      expect(compile('Amount ne Ratio').sql).toBe('"amount" IS DISTINCT FROM "ratio"');
      expect(compile('Amount lt Ratio').sql).toBe('"amount" < "ratio"');
    });

    it('refuses null with an ordering operator or a function', () => {
      expect(failure('Amount gt null').message).toBe(
        "$filter: null can only be compared with eq or ne, not 'gt' at position 8",
      );
      expect(failure('contains(Name, null)').message).toBe(
        '$filter: contains expects Edm.String arguments, got null at position 16',
      );
      expect(failure('null').message).toBe(
        '$filter: the expression must be a boolean, but it is null at position 1',
      );
      expect(failure('null and IsWon').status).toBe(400);
    });
  });

  describe('and, or, not', () => {
    it('parenthesises and/or so the result can be combined with other conditions', () => {
      expect(compile('IsWon and Count eq 1').sql).toBe('("is_won" AND "count" = $1::int)');
      expect(compile('IsWon or Count eq 1').sql).toBe('("is_won" OR "count" = $1::int)');
    });

    it('follows OData precedence: and before or, parentheses first', () => {
      expect(compile('IsWon or IsHot and Count eq 1').sql).toBe(
        '("is_won" OR ("is_hot" AND "count" = $1::int))',
      );
      expect(compile('(IsWon or IsHot) and Count eq 1').sql).toBe(
        '(("is_won" OR "is_hot") AND "count" = $1::int)',
      );
      expect(compile('IsWon and IsHot and Count eq 1 and Count ne 2').sql).toBe(
        '("is_won" AND "is_hot" AND "count" = $1::int AND "count" <> $2::int)',
      );
    });

    it('numbers parameters left to right', () => {
      const { sql, params } = compile("Stage eq 'a' or (Count gt 2 and Name eq 'c')");
      expect(sql).toBe('("stage" = $1::text OR ("count" > $2::int AND "name" = $3::text))');
      expect(params).toEqual(['a', 2, 'c']);
    });

    it('accepts a bare boolean property and boolean literals', () => {
      expect(compile('IsWon')).toEqual({ sql: '"is_won"', params: [] });
      expect(compile('not IsWon').sql).toBe('NOT "is_won"');
      expect(compile('true')).toEqual({ sql: '$1::boolean', params: [true] });
      expect(compile('IsWon and false').sql).toBe('("is_won" AND $1::boolean)');
    });

    it('makes not two-valued over nullable operands, as OData is', () => {
      expect(compile("not (Name eq 'x')").sql).toBe('NOT COALESCE("name" = $1::text, FALSE)');
      expect(compile('not IsHot').sql).toBe('NOT COALESCE("is_hot", FALSE)');
      expect(compile("not contains(Name,'x')").sql).toBe(
        'NOT COALESCE(strpos("name", $1::text) > 0, FALSE)',
      );
    });

    it('keeps not plain over operands that cannot be null', () => {
      expect(compile("not (Stage eq 'x')").sql).toBe('NOT ("stage" = $1::text)');
      expect(compile("not (Name ne 'x')").sql).toBe('NOT ("name" IS DISTINCT FROM $1::text)');
      expect(compile('not not IsWon').sql).toBe('NOT (NOT "is_won")');
      expect(compile('not (IsWon and Count eq 1)').sql).toBe(
        'NOT ("is_won" AND "count" = $1::int)',
      );
    });

    it('refuses non-boolean operands, explaining how not binds', () => {
      const e = failure("not Name eq 'x'");
      expect(e.status).toBe(400);
      expect(e.message).toBe(
        "$filter: 'not' needs a boolean operand, got Edm.String property Name at position 5 " +
          "('not' binds tighter than comparisons: write not (… eq …))",
      );
      expect(failure('IsWon and Name').message).toBe(
        "$filter: 'and' needs a boolean operand, got Edm.String property Name at position 11",
      );
      expect(failure("Count or 'x'").message).toBe(
        "$filter: 'or' needs a boolean operand, got Edm.Int32 property Count at position 1",
      );
    });

    it('refuses a filter that is not a boolean', () => {
      expect(failure('Name').message).toBe(
        '$filter: the expression must be a boolean, but it is Edm.String property Name at position 1',
      );
      expect(failure('tolower(Name)').status).toBe(400);
      expect(failure('42').message).toContain('but it is a number (42)');
    });
  });

  describe('in', () => {
    it('compiles to IN with one parameter per item', () => {
      expect(compile("Stage in ('Won','Lost')")).toEqual({
        sql: '("stage" IN ($1::text, $2::text))',
        params: ['Won', 'Lost'],
      });
      expect(compile('Id in (1, 9223372036854775807)')).toEqual({
        sql: '("id" IN ($1::int, $2::bigint))',
        params: [1, '9223372036854775807'],
      });
    });

    it('matches null items with IS NULL', () => {
      expect(compile("Name in ('a', null)").sql).toBe('("name" IN ($1::text) OR "name" IS NULL)');
      expect(compile('Name in (null)').sql).toBe('("name" IS NULL)');
    });

    it('works on expressions and under not', () => {
      expect(compile("tolower(Name) in ('a')").sql).toBe('(lower("name") IN ($1::text))');
      expect(compile("not Stage in ('a')").sql).toBe('NOT ("stage" IN ($1::text))');
      expect(compile("not (Name in ('a'))").sql).toBe(
        'NOT COALESCE(("name" IN ($1::text)), FALSE)',
      );
      expect(compile("not (Name in ('a', null))").sql).toBe(
        'NOT ("name" IN ($1::text) OR "name" IS NULL)',
      );
    });

    it('binds Guid strings as uuid and mixes Date with DateTimeOffset per item', () => {
      expect(compile("OwnerId in ('01234567-89AB-cdef-0123-456789abcdef')")).toEqual({
        sql: '("owner_id" IN ($1::uuid))',
        params: ['01234567-89ab-cdef-0123-456789abcdef'],
      });
      expect(compile('CloseDate in (2025-01-01, 2025-01-02T00:00:00Z)').sql).toBe(
        '("close_date" = $1::date OR "close_date" = ($2::timestamptz AT TIME ZONE \'UTC\'))',
      );
    });

    it('type-checks every item', () => {
      expect(failure("Count in (1, 'x')").message).toBe(
        "$filter: cannot compare Edm.Int32 property Count with a string ('x') at position 7",
      );
      expect(failure("null in ('a')").status).toBe(400);
    });
  });

  describe('string functions', () => {
    it('compiles contains, startswith and endswith case-sensitively without LIKE', () => {
      expect(compile("contains(Name,'acme')")).toEqual({
        sql: 'strpos("name", $1::text) > 0',
        params: ['acme'],
      });
      expect(compile("startswith(Name,'Ac')").sql).toBe(
        'left("name", length($1::text)) = $1::text',
      );
      expect(compile("endswith(Name,'me')").sql).toBe('right("name", length($1::text)) = $1::text');
    });

    it('passes wildcard and escape characters through as plain text', () => {
      expect(compile("contains(Name,'50%_off\\')").params).toEqual(['50%_off\\']);
      expect(compile("startswith(Name,'%')").params).toEqual(['%']);
    });

    it('nests tolower and toupper', () => {
      expect(compile("contains(tolower(Name),'acme')").sql).toBe(
        'strpos(lower("name"), $1::text) > 0',
      );
      expect(compile("toupper(Name) eq 'ACME'").sql).toBe('upper("name") = $1::text');
      expect(compile('startswith(tolower(Name), tolower(Stage))').sql).toBe(
        'left(lower("name"), length(lower("stage"))) = lower("stage")',
      );
      expect(compile("tolower(toupper('x')) eq Name").sql).toBe('lower(upper($1::text)) = "name"');
    });

    it('returns a boolean usable bare, with and, or compared', () => {
      expect(compile("contains(Name,'a') and endswith(Stage,'b')").sql).toBe(
        '(strpos("name", $1::text) > 0 AND right("stage", length($2::text)) = $2::text)',
      );
    });

    it('refuses non-string arguments', () => {
      expect(failure("contains(Count,'1')").message).toBe(
        '$filter: contains expects Edm.String arguments, got Edm.Int32 property Count at position 10',
      );
      expect(failure('tolower(OwnerId) eq Name').message).toBe(
        '$filter: tolower expects an Edm.String argument, got Edm.Guid property OwnerId at position 9',
      );
      expect(failure('startswith(Name, 1)').status).toBe(400);
      expect(failure('endswith(Name, true)').status).toBe(400);
    });
  });

  describe('date functions', () => {
    it('extracts year, month and day of a DateTimeOffset in UTC', () => {
      expect(compile('year(CreatedAt) eq 2025')).toEqual({
        sql: 'extract(year from "created_at" AT TIME ZONE \'UTC\')::int = $1::int',
        params: [2025],
      });
      expect(compile('month(CreatedAt) ge 2').sql).toBe(
        'extract(month from "created_at" AT TIME ZONE \'UTC\')::int >= $1::int',
      );
      expect(compile('day(ClosedAt) lt 15').sql).toBe(
        'extract(day from "closed_at" AT TIME ZONE \'UTC\')::int < $1::int',
      );
    });

    it('extracts them from a Date without a time zone', () => {
      expect(compile('year(CloseDate) eq 2025 and day(CloseDate) eq 3').sql).toBe(
        '(extract(year from "close_date")::int = $1::int AND extract(day from "close_date")::int = $2::int)',
      );
    });

    it('accepts literals and compares results with each other', () => {
      expect(compile('year(2025-02-03) eq year(StartDate)').sql).toBe(
        'extract(year from $1::date)::int = extract(year from "start_date")::int',
      );
      expect(compile('month(2025-02-03T00:30:00+01:00) eq 2')).toEqual({
        sql: "extract(month from $1::timestamptz AT TIME ZONE 'UTC')::int = $2::int",
        params: ['2025-02-02T23:30:00Z', 2],
      });
    });

    it('refuses other types', () => {
      expect(failure('year(Name) eq 1').message).toBe(
        '$filter: year expects an Edm.Date or Edm.DateTimeOffset argument, got Edm.String property Name at position 6',
      );
      expect(failure('day(Reminder) eq 1').status).toBe(400);
      expect(failure("year(CreatedAt) eq '2025'").message).toBe(
        "$filter: cannot compare the result of year(…) with a string ('2025') at position 17",
      );
    });
  });

  describe('literals', () => {
    it.each([
      ["Name eq 'It''s'", '"name" = $1::text', ["It's"]],
      ["Name eq ''", '"name" = $1::text', ['']],
      ['IsWon eq false', '"is_won" = $1::boolean', [false]],
      ['Count eq -3', '"count" = $1::int', [-3]],
      ['Count eq +3', '"count" = $1::int', [3]],
      ['Id eq 9007199254740993', '"id" = $1::bigint', ['9007199254740993']],
      ['Id eq 5L', '"id" = $1::bigint', ['5']],
      ['Amount eq 1.5', '"amount" = $1::numeric', ['1.5']],
      [
        'Amount eq 123456789012345678901234567890.5',
        '"amount" = $1::numeric',
        ['123456789012345678901234567890.5'],
      ],
      ['Amount eq 1e10', '"amount" = $1::numeric', ['1e10']],
      ['Amount eq 1.5e-3', '"amount" = $1::numeric', ['1.5e-3']],
      ['Amount eq 2.5M', '"amount" = $1::numeric', ['2.5']],
      ['Score eq 2.5d', '"score" = $1::numeric', ['2.5']],
      ['Ratio eq 0.5f', '"ratio" = $1::numeric', ['0.5']],
      ['Score eq INF', '"score" = $1::float8', ['Infinity']],
      ['Score eq -INF', '"score" = $1::float8', ['-Infinity']],
      ['Score ne NaN', '"score" <> $1::float8', ['NaN']],
      ['StartDate eq 2025-02-03', '"start_date" = $1::date', ['2025-02-03']],
      [
        'CreatedAt eq 2025-02-03T10:20:30Z',
        '"created_at" = $1::timestamptz',
        ['2025-02-03T10:20:30Z'],
      ],
      [
        'CreatedAt eq 2025-02-03T10:20+01:00',
        '"created_at" = $1::timestamptz',
        ['2025-02-03T09:20:00Z'],
      ],
      ['Reminder eq 10:20', '"reminder" = $1::time', ['10:20:00']],
      ['Reminder lt 10:20:30.5', '"reminder" < $1::time', ['10:20:30.5']],
      [
        'OwnerId eq 01234567-89ab-cdef-0123-456789ABCDEF',
        '"owner_id" = $1::uuid',
        ['01234567-89ab-cdef-0123-456789abcdef'],
      ],
      [
        "OwnerId eq '01234567-89AB-CDEF-0123-456789abcdef'",
        '"owner_id" = $1::uuid',
        ['01234567-89ab-cdef-0123-456789abcdef'],
      ],
    ])('%s', (text, sql, params) => {
      expect(compile(text)).toEqual({ sql, params });
    });
  });

  describe('typing', () => {
    it('lets every numeric type compare with every other, keeping the column bare', () => {
      expect(compile('Seats eq 100000').sql).toBe('"seats" = $1::int');
      expect(compile('Count lt 1.5').sql).toBe('"count" < $1::numeric');
      expect(compile('Score gt 5000000000').sql).toBe('"score" > $1::bigint');
      expect(compile('Amount ge Score').sql).toBe('"amount" >= "score"');
      expect(compile('year(CreatedAt) gt 2024.5').sql).toContain('> $1::numeric');
    });

    it('compares a Date with a DateTimeOffset as midnight UTC, converting the literal side', () => {
      expect(compile('StartDate ge 2025-02-03T00:00:00+01:00')).toEqual({
        sql: '"start_date" >= ($1::timestamptz AT TIME ZONE \'UTC\')',
        params: ['2025-02-02T23:00:00Z'],
      });
      expect(compile('CreatedAt lt 2025-02-03')).toEqual({
        sql: '"created_at" < ($1::date::timestamp AT TIME ZONE \'UTC\')',
        params: ['2025-02-03'],
      });
      expect(compile('2025-02-03 le CreatedAt').sql).toBe(
        '($1::date::timestamp AT TIME ZONE \'UTC\') <= "created_at"',
      );
      expect(compile('CloseDate eq ClosedAt').sql).toBe(
        '"close_date" IS NOT DISTINCT FROM ("closed_at" AT TIME ZONE \'UTC\')',
      );
    });

    it.each([
      ['Name eq 5', 'cannot compare Edm.String property Name with a number (5) at position 6'],
      ["Count eq '5'", "cannot compare Edm.Int32 property Count with a string ('5') at position 7"],
      ['IsWon eq 1', 'cannot compare Edm.Boolean property IsWon with a number (1) at position 7'],
      [
        "StartDate eq '2025-02-03'",
        "cannot compare Edm.Date property StartDate with a string ('2025-02-03')",
      ],
      [
        'CreatedAt gt 10:00',
        'cannot compare Edm.DateTimeOffset property CreatedAt with a TimeOfDay (10:00)',
      ],
      [
        'Reminder eq 2025-02-03',
        'cannot compare Edm.TimeOfDay property Reminder with a Date (2025-02-03)',
      ],
      ['OwnerId eq Name', 'cannot compare Edm.Guid property OwnerId with Edm.String property Name'],
      ['OwnerId eq 5', 'cannot compare Edm.Guid property OwnerId with a number (5)'],
      [
        'Name eq 01234567-89ab-cdef-0123-456789abcdef',
        'cannot compare Edm.String property Name with a Guid',
      ],
      ["OwnerId eq 'not-a-guid'", "'not-a-guid' is not a Guid at position 9"],
      ["'x' eq OwnerId", "'x' is not a Guid at position 5"],
      ['IsWon eq Count', 'cannot compare Edm.Boolean property IsWon with Edm.Int32 property Count'],
    ])('%j is a 400', (text, message) => {
      const e = failure(text);
      expect(e.status).toBe(400);
      expect(e.message).toContain(message);
      expect(e.message).toMatch(/^\$filter: /);
    });
  });

  describe('properties', () => {
    it('takes columns only from the model and quotes them', () => {
      expect(compile("Odd eq 'x'").sql).toBe('"odd ""col""; drop" = $1::text');
    });

    it('refuses unknown properties, hinting at the right case', () => {
      expect(failure('Foo eq 1').message).toBe("$filter: unknown property 'Foo' at position 1");
      expect(failure("name eq 'x'").message).toBe(
        "$filter: unknown property 'name' at position 1 (property names are case-sensitive: did you mean 'Name'?)",
      );
      expect(failure('IsWon and id eq 1').message).toContain(
        "unknown property 'id' at position 11",
      );
    });

    it('refuses SQL column names and keywords used as properties', () => {
      expect(failure('created_at gt 2025-01-01').message).toBe(
        "$filter: unknown property 'created_at' at position 1",
      );
      expect(failure('constructor eq 1').message).toContain("unknown property 'constructor'");
      expect(failure('__proto__ eq 1').message).toContain("unknown property '__proto__'");
    });
  });

  it('numbers placeholders after parameters the caller already holds', () => {
    const params: unknown[] = ['tenant', 42];
    const sql = compileFilter("Stage eq 'Won' and Count gt 3", deals, params);
    expect(sql).toBe('("stage" = $3::text AND "count" > $4::int)');
    expect(params).toEqual(['tenant', 42, 'Won', 3]);
    assertSafe(sql, params, 3);
  });

  it('leaves params untouched when it fails', () => {
    const params: unknown[] = [];
    expect(() => compileFilter("Stage eq 'a' and Name eq 5", deals, params)).toThrow(
      ODataQueryError,
    );
    expect(params).toEqual([]);
  });

  describe('SQL injection attempts', () => {
    it.each([
      ["Name eq 'x'' or 1=1 --'", "x' or 1=1 --"],
      ["Name eq 'x''; drop table deals; --'", "x'; drop table deals; --"],
      ["Name eq '\\'' or true", null],
      ["Name eq 'a\"b'", 'a"b'],
      ["Name eq '$1'", '$1'],
      ["Name eq '$$ or 1=1 $$'", '$$ or 1=1 $$'],
      ["contains(Name,'%'' OR ''1''=''1')", "%' OR '1'='1"],
      ["Name eq 'E''\\x27'", "E'\\x27"],
      ["Name eq U&'\\0027'", null],
    ])('%j binds the text as one parameter', (text, value) => {
      if (value === null) {
        expect(failure(text).status).toBe(400);
        return;
      }
      const { sql, params } = compile(text);
      expect(params).toEqual([value]);
      expect(sql).toMatch(/^[^']*$/);
    });

    it.each([
      "Name eq 'a'; drop table x",
      "Name eq 'a' -- comment",
      "Name eq 'a' /* c */",
      '"name" eq 1',
      '"Name" eq \'x\'',
      'Name) or (1 eq 1',
      "Name eq 'x') or ('1' eq '1",
      "Name eq 'x' or 1=1",
      'Name eq 1 union select * from pg_user',
      "Name eq 'x'; select pg_sleep(10)",
      'pg_sleep(10) eq 1',
      "Name eq ''' or 1=1",
      "Name eq 'x'::text",
      'Count eq 1::int',
      'Count eq 0x41',
      'Name eq chr(39)',
      "Name eq 'a' || 'b'",
      'Name eq `x`',
      'created_at eq 1',
      "Name eq 'x' \\",
    ])('%j is refused with 400', (text) => {
      const e = failure(text);
      expect(e.status).toBe(400);
    });
  });

  describe('random input', () => {
    /** A small deterministic PRNG (mulberry32), so a failure replays. */
    function random(seed: number): () => number {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    const PIECES = [
      ...deals.properties.map((p) => p.name),
      ...['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'not', 'in', 'has', 'add'],
      ...[
        'contains(',
        'startswith(',
        'endswith(',
        'tolower(',
        'toupper(',
        'year(',
        'month(',
        'day(',
      ],
      ...['length(', 'now()', '(', ')', ',', '/', '-', '$it', '@a', '*', ':'],
      ...["'x'", "'It''s'", "'a'';--'", '5', '-3', '1.5', '1e3', '2L', 'INF', 'true', 'null'],
      ...[
        '2025-02-03',
        '2025-02-03T00:00:00+01:00',
        '10:20',
        '01234567-89ab-cdef-0123-456789abcdef',
      ],
      ...['"', ';', '--', "'", 'Foo', 'created_at', 'EQ', '1=1', '\\', '%', "duration'P1D'"],
    ];

    it('either compiles to safe SQL or throws ODataQueryError, for token soup', () => {
      const next = random(20250203);
      let compiled = 0;
      for (let run = 0; run < 4000; run += 1) {
        const length = 1 + Math.floor(next() * 7);
        const text = Array.from({ length }, () => PIECES[Math.floor(next() * PIECES.length)]).join(
          next() < 0.8 ? ' ' : '',
        );
        const params: unknown[] = [];
        try {
          const sql = compileFilter(text, deals, params);
          assertSafe(sql, params);
          compiled += 1;
        } catch (e) {
          if (!(e instanceof ODataQueryError)) throw new Error(`${text}: ${String(e)}`);
          expect([400, 501]).toContain(e.status);
        }
      }
      expect(compiled).toBeGreaterThan(20);
    });

    /** Random well-formed filters over the model. */
    function filters(seed: number): () => string {
      const next = random(seed);
      const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
      const comparisons = [
        () =>
          `${pick(['Name', 'Stage', 'Odd', 'tolower(Name)'])} ${pick(['eq', 'ne', 'lt'])} ${pick(["'x'", "'a''b'", 'Stage'])}`,
        () => `${pick(['Name', 'IsHot', 'CloseDate', 'OwnerId'])} ${pick(['eq', 'ne'])} null`,
        () =>
          `${pick(['Count', 'Amount', 'Score', 'Seats', 'Id'])} ${pick(['eq', 'ge', 'lt'])} ${pick(['1', '-2.5', '3L', 'INF', 'Count'])}`,
        () =>
          `${pick(['CreatedAt', 'CloseDate', 'StartDate'])} ${pick(['ge', 'lt', 'eq'])} ${pick(['2025-02-03', '2025-02-03T00:00:00-05:00', 'CreatedAt'])}`,
        () =>
          `${pick(['contains', 'startswith', 'endswith'])}(${pick(['Name', 'tolower(Stage)'])},${pick(["'%'", "'_'"])})`,
        () =>
          `${pick(['year', 'month', 'day'])}(${pick(['CreatedAt', 'CloseDate'])}) eq ${pick(['1', '2025'])}`,
        () => `${pick(['IsWon', 'IsHot', 'true'])}`,
        () =>
          `${pick(['Stage', 'OwnerId'])} in (${pick(["'01234567-89ab-cdef-0123-456789abcdef'", 'null'])})`,
      ];
      const expression = (depth: number): string => {
        const choice = depth > 3 ? 0 : Math.floor(next() * 4);
        if (choice === 0) return pick(comparisons)();
        if (choice === 1) return `not (${expression(depth + 1)})`;
        return `(${expression(depth + 1)} ${pick(['and', 'or'])} ${expression(depth + 1)})`;
      };
      return () => expression(0);
    }

    it('compiles random well-formed filters into safe SQL', () => {
      const filter = filters(7);
      for (let run = 0; run < 1000; run += 1) {
        const params: unknown[] = [];
        const sql = compileFilter(filter(), deals, params);
        assertSafe(sql, params);
      }
    });

    it('either compiles to safe SQL or throws ODataQueryError, for mutated filters', () => {
      const filter = filters(11);
      const next = random(13);
      let compiled = 0;
      for (let run = 0; run < 3000; run += 1) {
        let text = filter();
        for (let m = 0; m < 1 + Math.floor(next() * 2); m += 1) {
          const at = Math.floor(next() * (text.length + 1));
          const piece = PIECES[Math.floor(next() * PIECES.length)];
          text =
            next() < 0.7
              ? text.slice(0, at) + piece + text.slice(at)
              : text.slice(0, at) + text.slice(at + 3);
        }
        const params: unknown[] = [];
        try {
          const sql = compileFilter(text, deals, params);
          assertSafe(sql, params);
          compiled += 1;
        } catch (e) {
          if (!(e instanceof ODataQueryError)) throw new Error(`${text}: ${String(e)}`);
          expect([400, 501]).toContain(e.status);
        }
      }
      expect(compiled).toBeGreaterThan(50);
    });
  });
});
