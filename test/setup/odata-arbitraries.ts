import fc from 'fast-check';

/**
 * fast-check arbitraries for the OData query options of the demo `Deals` entity set
 * (SPEC 6): type-correct `$filter` expressions that come with an independent SQL
 * translation (OData's two-valued logic spelt out in SQL) to check the feed's answers
 * against, `$orderby` / `$select` lists, and malformed or hostile option text.
 */

/** Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters (never throws). */
export function pct(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

type EdmType =
  | 'Edm.Int64'
  | 'Edm.Int32'
  | 'Edm.Int16'
  | 'Edm.String'
  | 'Edm.Decimal'
  | 'Edm.Boolean'
  | 'Edm.DateTimeOffset';

export interface Column {
  name: string;
  column: string;
  type: EdmType;
  nullable: boolean;
  sqlType: string;
}

/** The demo schema's deals table as the catalog maps it (data-sources.e2e-spec checks the mapping). */
export const DEALS: Column[] = [
  { name: 'Id', column: 'id', type: 'Edm.Int64', nullable: false, sqlType: 'bigint' },
  {
    name: 'AccountId',
    column: 'account_id',
    type: 'Edm.Int32',
    nullable: false,
    sqlType: 'integer',
  },
  { name: 'Owner', column: 'owner', type: 'Edm.String', nullable: false, sqlType: 'text' },
  { name: 'Name', column: 'name', type: 'Edm.String', nullable: false, sqlType: 'text' },
  { name: 'Stage', column: 'stage', type: 'Edm.String', nullable: false, sqlType: 'text' },
  { name: 'Amount', column: 'amount', type: 'Edm.Decimal', nullable: false, sqlType: 'numeric' },
  {
    name: 'Probability',
    column: 'probability',
    type: 'Edm.Int16',
    nullable: false,
    sqlType: 'smallint',
  },
  { name: 'IsWon', column: 'is_won', type: 'Edm.Boolean', nullable: false, sqlType: 'boolean' },
  {
    name: 'CreatedAt',
    column: 'created_at',
    type: 'Edm.DateTimeOffset',
    nullable: false,
    sqlType: 'timestamptz',
  },
  {
    name: 'ClosedAt',
    column: 'closed_at',
    type: 'Edm.DateTimeOffset',
    nullable: true,
    sqlType: 'timestamptz',
  },
];

const byType = (...types: EdmType[]) => DEALS.filter((c) => types.includes(c.type));

/**
 * A filter expression in both languages. `sql(p)` writes the WHERE condition with `$n`
 * placeholders appended to `p`; it always yields true or false (never SQL null), as OData's
 * logic is two-valued.
 */
export interface Expr {
  odata: string;
  sql: (params: unknown[]) => string;
  /** Operator precedence, for parenthesising: 1 or, 2 and, 3 not/comparison/atom. */
  level: 1 | 2 | 3;
}

const bind = (params: unknown[], value: unknown, sqlType: string) => {
  params.push(value);
  return `$${params.length}::${sqlType}`;
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Strings that hit real values, edge characters and quoting. */
const stringValue = fc.oneof(
  fc.constantFrom(
    'ada',
    'grace',
    'alan',
    'Closed Won',
    'Closed Lost',
    'Proposal',
    'Deal 1',
    'Deal 12',
    'Deal 999',
    'DEAL',
    '',
  ),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'd',
      'e',
      'l',
      'o',
      's',
      ' ',
      "'",
      '%',
      '_',
      '\\',
      'é',
      'ß',
      '😀',
      'W',
      'D',
      '1',
      '2',
      '9',
    ),
    maxLength: 8,
  }),
);

/** Instants on the demo data's 8-minute grid (so eq/ge/gt meet real boundaries), or anywhere. */
const instant = fc.oneof(
  fc.integer({ min: -200, max: 2_500 }).map((i) => new Date(Date.UTC(2024, 0, 1) + i * 8 * 60_000)),
  fc.date({
    min: new Date('2023-06-01T00:00:00Z'),
    max: new Date('2025-06-01T00:00:00Z'),
    noInvalidDate: true,
  }),
);

/** A DateTimeOffset literal with Z or a ±hh:mm offset and 0–6 fractional digits, and the UTC instant it means. */
const dateTimeOffset = fc
  .tuple(
    instant,
    fc.constantFrom(0, 60, -60, 330, -570, 840, -720, 0),
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 0, max: 999_999 }),
  )
  .map(([date, offsetMinutes, digits, micros]) => {
    const fraction = digits ? String(micros).padStart(6, '0').slice(0, digits) : '';
    const local = new Date(date.getTime() - (date.getTime() % 1000) + offsetMinutes * 60_000)
      .toISOString()
      .slice(0, 19);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    const zone =
      offsetMinutes === 0
        ? 'Z'
        : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    const text = `${local}${fraction ? `.${fraction}` : ''}${zone}`;
    // PostgreSQL reads the same literal: the oracle does not reuse the feed's date handling.
    return { text, pg: text };
  });

/** A literal of the column's type: OData text and the value bound in the oracle's SQL. */
function literalFor(column: Column): fc.Arbitrary<{ text: string; value: unknown }> {
  switch (column.type) {
    case 'Edm.Int64':
      return fc
        .oneof(
          fc.bigInt({ min: -5n, max: 2_100n }),
          fc.constantFrom(9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 0n),
        )
        .map((n) => ({ text: String(n), value: String(n) }));
    case 'Edm.Int32':
      return fc
        .oneof(fc.integer({ min: -3, max: 1_003 }), fc.constantFrom(2_147_483_647, -2_147_483_648))
        .map((n) => ({ text: String(n), value: n }));
    case 'Edm.Int16':
      return fc
        .oneof(fc.constantFrom(0, 10, 25, 50, 75, 100), fc.integer({ min: -1, max: 101 }))
        .map((n) => ({ text: String(n), value: n }));
    case 'Edm.Decimal':
      return fc
        .tuple(fc.integer({ min: 0, max: 1_020_000 }), fc.integer({ min: 0, max: 2 }))
        .map(([cents, digits]) => {
          const text =
            digits === 0 ? String(Math.floor(cents / 100)) : (cents / 100).toFixed(digits);
          return { text, value: text };
        });
    case 'Edm.Boolean':
      return fc.boolean().map((b) => ({ text: String(b), value: b }));
    case 'Edm.String':
      return stringValue.map((s) => ({ text: quote(s), value: s }));
    case 'Edm.DateTimeOffset':
      return dateTimeOffset.map((d) => ({ text: d.text, value: d.pg }));
  }
}

const OPS = [
  ['eq', 'IS NOT DISTINCT FROM'],
  ['ne', 'IS DISTINCT FROM'],
  ['gt', '>'],
  ['ge', '>='],
  ['lt', '<'],
  ['le', '<='],
] as const;

const flip: Record<string, string> = { gt: 'lt', ge: 'le', lt: 'gt', le: 'ge', eq: 'eq', ne: 'ne' };

/** `Column op literal` (or `literal op Column`), any comparable column. */
const comparison: fc.Arbitrary<Expr> = fc
  .constantFrom(...DEALS)
  .chain((column) =>
    fc.tuple(
      fc.constant(column),
      fc.constantFrom(...(column.type === 'Edm.Boolean' ? OPS.slice(0, 2) : OPS)),
      literalFor(column),
      fc.boolean(),
    ),
  )
  .map(([column, [op, sqlOp], lit, literalFirst]) => ({
    odata: literalFirst
      ? `${lit.text} ${flip[op]} ${column.name}`
      : `${column.name} ${op} ${lit.text}`,
    sql: (p: unknown[]) => {
      const value = bind(p, lit.value, column.sqlType);
      // Relational operators with a null operand are false (OData is two-valued).
      return sqlOp.startsWith('IS')
        ? `(${column.column} ${sqlOp} ${value})`
        : `coalesce(${column.column} ${sqlOp} ${value}, false)`;
    },
    level: 3 as const,
  }));

/** `ClosedAt eq null` / `ne null`. */
const nullTest: fc.Arbitrary<Expr> = fc.constantFrom('eq', 'ne').map((op) => ({
  odata: `ClosedAt ${op} null`,
  sql: () => `(closed_at is ${op === 'eq' ? '' : 'not '}null)`,
  level: 3 as const,
}));

/** A string operand: a column, or tolower/toupper of one. */
const stringOperand = fc
  .tuple(fc.constantFrom(...byType('Edm.String')), fc.constantFrom('', 'tolower', 'toupper'))
  .map(([column, fn]) => ({
    odata: fn ? `${fn}(${column.name})` : column.name,
    sql:
      fn === 'tolower'
        ? `lower(${column.column})`
        : fn === 'toupper'
          ? `upper(${column.column})`
          : column.column,
  }));

/** contains / startswith / endswith, and comparisons of tolower/toupper. */
const stringFunction: fc.Arbitrary<Expr> = fc
  .tuple(fc.constantFrom('contains', 'startswith', 'endswith', 'eq'), stringOperand, stringValue)
  .map(([fn, operand, value]) => ({
    odata:
      fn === 'eq'
        ? `${operand.odata} eq ${quote(value)}`
        : `${fn}(${operand.odata},${quote(value)})`,
    sql: (p: unknown[]) => {
      const v = bind(p, value, 'text');
      const x = operand.sql;
      if (fn === 'contains') return `(position(${v} in ${x}) > 0)`;
      if (fn === 'startswith') return `starts_with(${x}, ${v})`;
      if (fn === 'endswith')
        return `(substring(${x} from char_length(${x}) - char_length(${v}) + 1) = ${v})`;
      return `(${x} = ${v})`;
    },
    level: 3 as const,
  }));

/** year / month / day of a DateTimeOffset column (in UTC) compared with a number. */
const datePart: fc.Arbitrary<Expr> = fc
  .tuple(
    fc.constantFrom('year', 'month', 'day'),
    fc.constantFrom(...byType('Edm.DateTimeOffset')),
    fc.constantFrom(...OPS),
    fc.integer({ min: 0, max: 2_030 }),
  )
  .map(([fn, column, [op, sqlOp], raw]) => {
    const n = fn === 'year' ? 2_022 + (raw % 5) : fn === 'month' ? raw % 14 : raw % 33;
    return {
      odata: `${fn}(${column.name}) ${op} ${n}`,
      sql: (p: unknown[]) => {
        const part = `extract(${fn} from ${column.column} at time zone 'UTC')::int`;
        const v = bind(p, n, 'integer');
        return sqlOp.startsWith('IS')
          ? `(${part} ${sqlOp} ${v})`
          : `coalesce(${part} ${sqlOp} ${v}, false)`;
      },
      level: 3 as const,
    };
  });

/** `Column in (…)` for a non-null column. */
const inList: fc.Arbitrary<Expr> = fc
  .constantFrom(...DEALS.filter((c) => !c.nullable && c.type !== 'Edm.Boolean'))
  .chain((column) =>
    fc.tuple(fc.constant(column), fc.array(literalFor(column), { minLength: 1, maxLength: 4 })),
  )
  .map(([column, items]) => ({
    odata: `${column.name} in (${items.map((i) => i.text).join(',')})`,
    sql: (p: unknown[]) =>
      `(${column.column} in (${items.map((i) => bind(p, i.value, column.sqlType)).join(', ')}))`,
    level: 3 as const,
  }));

/** A bare boolean property, as a whole condition. */
const booleanProperty: fc.Arbitrary<Expr> = fc.constant({
  odata: 'IsWon',
  sql: () => '(is_won)',
  level: 3 as const,
});

const atom: fc.Arbitrary<Expr> = fc.oneof(
  { arbitrary: comparison, weight: 6 },
  { arbitrary: stringFunction, weight: 3 },
  { arbitrary: datePart, weight: 2 },
  { arbitrary: inList, weight: 2 },
  { arbitrary: nullTest, weight: 1 },
  { arbitrary: booleanProperty, weight: 1 },
);

const paren = (e: Expr, min: number) => (e.level < min ? `(${e.odata})` : e.odata);

/** A type-correct `$filter` with and/or/not and parentheses where precedence needs them. */
export const validFilter: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: atom, weight: 5 },
    {
      arbitrary: fc
        .tuple(tie('expr'), tie('expr'), fc.constantFrom('and', 'or'), fc.boolean())
        .map(([a, b, op, extra]): Expr => {
          const level = op === 'or' ? 1 : 2;
          // Sometimes parenthesise anyway: redundant parentheses are valid too.
          const wrap = (e: Expr) => (extra ? `(${e.odata})` : paren(e, level));
          return {
            odata: `${wrap(a)} ${op} ${wrap(b)}`,
            sql: (p) => `(${a.sql(p)} ${op} ${b.sql(p)})`,
            level: level as 1 | 2,
          };
        }),
      weight: 2,
    },
    {
      arbitrary: tie('expr').map((e): Expr => ({
        odata: `not (${e.odata})`,
        sql: (p) => `(not ${e.sql(p)})`,
        level: 3,
      })),
      weight: 1,
    },
  ),
})).expr;

/** `$orderby` over non-null columns: OData text and the SQL ORDER BY (the key Id breaks ties). */
export const validOrderBy = fc
  .uniqueArray(fc.constantFrom(...DEALS.filter((c) => !c.nullable)), {
    minLength: 1,
    maxLength: 3,
    selector: (c) => c.name,
  })
  .chain((columns) =>
    fc.tuple(
      fc.constant(columns),
      fc.array(fc.constantFrom('', ' asc', ' desc'), {
        minLength: columns.length,
        maxLength: columns.length,
      }),
    ),
  )
  .map(([columns, directions]) => ({
    odata: columns.map((c, i) => `${c.name}${directions[i]}`).join(','),
    sql: [
      ...columns.map((c, i) => `${c.column}${directions[i] === ' desc' ? ' desc' : ' asc'}`),
      ...(columns.some((c) => c.name === 'Id') ? [] : ['id asc']),
    ].join(', '),
  }));

/** A non-empty `$select` list of distinct properties. */
export const validSelect = fc.uniqueArray(fc.constantFrom(...DEALS.map((c) => c.name)), {
  minLength: 1,
  maxLength: DEALS.length,
});

/** Fragments from which malformed (and sometimes valid) expressions are assembled. */
const FRAGMENTS = [
  ...DEALS.map((c) => c.name),
  'id',
  'NAME',
  'password_hash',
  'app_user',
  'Deals',
  'Accounts/Name',
  '$it',
  '@alias',
  '$root',
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'and',
  'or',
  'not',
  'in',
  'has',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'EQ',
  'And',
  '(',
  ')',
  ',',
  '/',
  ':',
  '*',
  '-',
  '+',
  '[',
  ']',
  '{',
  '}',
  ';',
  '"',
  "'",
  "''",
  '\\',
  '%',
  '_',
  '.',
  '..',
  '=',
  '==',
  '!=',
  '<>',
  '||',
  '&&',
  'contains(',
  'startswith(',
  'endswith(',
  'tolower(',
  'toupper(',
  'year(',
  'month(',
  'day(',
  'length(',
  'substring(',
  'concat(',
  'cast(',
  'isof(',
  'now()',
  'any(',
  'all(',
  'null',
  'true',
  'false',
  'NaN',
  'INF',
  '-INF',
  '0',
  '1',
  '-1',
  '3.14',
  '1e999',
  '-1e-999',
  '99999999999999999999',
  '9223372036854775808',
  '1.5M',
  '7L',
  '0x10',
  "'text'",
  "'it''s'",
  "'unterminated",
  "''''",
  "'é😀'",
  '2024-01-01',
  '2024-13-45',
  '2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00+01:00',
  '2024-01-01T25:61:61Z',
  '2024-02-30T00:00:00.1234567890123Z',
  '00:00:00',
  '01234567-89ab-cdef-0123-456789abcdef',
  "guid'01234567-89ab-cdef-0123-456789abcdef'",
  "datetime'2024-01-01T00:00:00'",
  "duration'P1D'",
  "binary'AAAA'",
  'select',
  'from',
  'union',
  'drop table demo.deals',
  '--',
  '/*',
  '*/',
  'pg_sleep(10)',
  '::text',
  '$1',
  "E'\\x27'",
  ' ',
  '  ',
  '\t',
];

/** Random sequences of expression fragments: mostly invalid, now and then valid. */
export const fragmentSoup = fc
  .array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(' '));

/** Classic injection payloads, aimed at every option. */
export const INJECTIONS = [
  "'; drop table demo.deals; --",
  "' or 1=1 --",
  "Name eq 'x' or 1 eq 1",
  'Id eq 1; delete from demo.deals',
  'Id eq 1) or (1 eq 1',
  "Name eq 'x'') or true or (''1'' eq ''1'",
  "Name eq 'Robert''); DROP TABLE deals;--'",
  `"Name" eq 'x'`,
  'Id eq $1',
  'Id eq 1::text',
  'Id eq pg_sleep(10)',
  "Name eq E'\\x27'",
  "Name eq 'a' || (select password_hash from app_user limit 1)",
  'Id eq 1 union select * from app_user',
  'Id/**/eq/**/1',
  "Name eq 'x\u0000'",
  "Name eq 'x%00'",
  'Id in (select id from app_user)',
  'Id eq 0x10',
  'Amount gt 1e400',
  'CreatedAt gt 9999-12-31T23:59:59Z',
  'CreatedAt gt 0000-01-01T00:00:00Z',
  'year(CreatedAt) eq 2147483648',
  'Id desc; drop table demo.deals',
  'Id, (select 1)',
  'Name collate "C"',
  'random()',
  'Id,password_hash',
  '*',
  '1;drop table demo.deals',
  '-1',
  '1e3',
  '99999999999999999999',
  ' 1',
  '+1',
  '１',
  "contains(Name,'%') or contains(Name,'_')",
  "startswith(Name,'\\')",
  `${'('.repeat(500)}Id eq 1${')'.repeat(500)}`,
  `${'not '.repeat(300)}IsWon`,
  Array.from({ length: 400 }, (_, i) => `Id eq ${i}`).join(' or '),
  // Longer than the 8 192-character option limit, shorter than Node's 16 KB header limit.
  `Name eq '${'x'.repeat(10_000)}'`,
];

/** Values for `$top` / `$skip`: valid counts, and everything else. */
export const countOption = fc.oneof(
  { arbitrary: fc.nat({ max: 3_000 }).map(String), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 999_999_999 }).map(String), weight: 1 },
  { arbitrary: fc.integer({ min: -1_000, max: -1 }).map(String), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '1e3',
      '0x10',
      '1.5',
      '99999999999999999999',
      '1000000000',
      ' 1',
      '1 ',
      '+1',
      '１',
      'NaN',
      'Infinity',
      '',
      '-0',
      '0001',
      'one',
      '1;drop',
      "1'",
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
