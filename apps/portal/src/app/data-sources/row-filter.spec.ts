import type { CatalogColumn } from '@feedpass/contracts';
import {
  type FilterCondition,
  literal,
  operatorsFor,
  parseBasic,
  toExpression,
  valueProblem,
} from './row-filter';

const COLUMNS: CatalogColumn[] = [
  { column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false },
  { column: 'stage', name: 'Stage', type: 'Edm.String', nullable: false },
  { column: 'amount', name: 'Amount', type: 'Edm.Decimal', nullable: false },
  { column: 'probability', name: 'Probability', type: 'Edm.Int16', nullable: false },
  { column: 'is_won', name: 'IsWon', type: 'Edm.Boolean', nullable: false },
  { column: 'created_at', name: 'CreatedAt', type: 'Edm.DateTimeOffset', nullable: false },
  { column: 'due_on', name: 'DueOn', type: 'Edm.Date', nullable: true },
  { column: 'owner_id', name: 'OwnerId', type: 'Edm.Guid', nullable: true },
];

const c = (column: string, operator: FilterCondition['operator'], value: string) => ({
  column,
  operator,
  value,
});

describe('row filter (basic subset)', () => {
  describe('operatorsFor', () => {
    it('offers text comparisons and functions for strings', () => {
      expect(operatorsFor('Edm.String')).toEqual([
        'eq',
        'ne',
        'contains',
        'startswith',
        'endswith',
      ]);
    });

    it('offers ordering comparisons for numbers and dates', () => {
      for (const type of ['Edm.Int32', 'Edm.Decimal', 'Edm.Date', 'Edm.DateTimeOffset'] as const)
        expect(operatorsFor(type)).toEqual(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
    });

    it('offers only eq and ne for booleans', () => {
      expect(operatorsFor('Edm.Boolean')).toEqual(['eq', 'ne']);
    });
  });

  describe('toExpression', () => {
    it('writes comparisons joined by and', () => {
      expect(
        toExpression([c('Stage', 'eq', 'Closed Won'), c('Amount', 'gt', '1000.5')], COLUMNS),
      ).toBe("Stage eq 'Closed Won' and Amount gt 1000.5");
    });

    it('doubles single quotes in string literals', () => {
      expect(toExpression([c('Stage', 'ne', "O'Brien's")], COLUMNS)).toBe("Stage ne 'O''Brien''s'");
    });

    it('writes string functions with the property first', () => {
      expect(
        toExpression(
          [
            c('Stage', 'contains', 'Won'),
            c('Stage', 'startswith', 'Cl'),
            c('Stage', 'endswith', "n'"),
          ],
          COLUMNS,
        ),
      ).toBe("contains(Stage,'Won') and startswith(Stage,'Cl') and endswith(Stage,'n''')");
    });

    it('writes dates as OData date and midnight-UTC date-time literals', () => {
      expect(
        toExpression([c('DueOn', 'lt', '2025-01-31'), c('CreatedAt', 'ge', '2025-01-31')], COLUMNS),
      ).toBe('DueOn lt 2025-01-31 and CreatedAt ge 2025-01-31T00:00:00Z');
    });

    it('writes booleans and integers bare', () => {
      expect(toExpression([c('IsWon', 'eq', 'true'), c('Probability', 'le', '-5')], COLUMNS)).toBe(
        'IsWon eq true and Probability le -5',
      );
    });

    it('is empty without conditions', () => {
      expect(toExpression([], COLUMNS)).toBe('');
    });
  });

  describe('literal', () => {
    it('keeps an empty string a valid literal', () => {
      expect(literal('', 'Edm.String')).toBe("''");
    });
  });

  describe('valueProblem', () => {
    it.each([
      [c('Probability', 'eq', '1.5'), 'Edm.Int16', 'Enter a whole number.'],
      [c('Probability', 'eq', ''), 'Edm.Int16', 'Enter a number.'],
      [c('Amount', 'eq', '12,5'), 'Edm.Decimal', 'Enter a number, like 1500 or 1500.25.'],
      [c('IsWon', 'eq', 'yes'), 'Edm.Boolean', 'Choose true or false.'],
      [c('DueOn', 'eq', '2025-02-30'), 'Edm.Date', 'Choose a date.'],
    ] as const)('rejects %o', (condition, type, problem) => {
      expect(valueProblem(condition, type)).toBe(problem);
    });

    it.each([
      [c('Stage', 'eq', ''), 'Edm.String'],
      [c('Amount', 'eq', '-12.50'), 'Edm.Decimal'],
      [c('Id', 'eq', '9007199254740993'), 'Edm.Int64'],
      [c('IsWon', 'ne', 'false'), 'Edm.Boolean'],
      [c('CreatedAt', 'gt', '2024-02-29'), 'Edm.DateTimeOffset'],
    ] as const)('accepts %o', (condition, type) => {
      expect(valueProblem(condition, type)).toBeNull();
    });
  });

  describe('parseBasic', () => {
    it('reads an empty expression as no conditions', () => {
      expect(parseBasic('', COLUMNS)).toEqual([]);
      expect(parseBasic('   ', COLUMNS)).toEqual([]);
    });

    it('reads comparisons, functions and literals of every basic type', () => {
      expect(
        parseBasic(
          "Stage eq 'It''s won' and contains(Stage, 'a') and Amount ge 10.25 and IsWon eq false" +
            ' and DueOn lt 2025-01-31 and CreatedAt gt 2025-01-31T00:00:00Z and Id ne -3',
          COLUMNS,
        ),
      ).toEqual([
        c('Stage', 'eq', "It's won"),
        c('Stage', 'contains', 'a'),
        c('Amount', 'ge', '10.25'),
        c('IsWon', 'eq', 'false'),
        c('DueOn', 'lt', '2025-01-31'),
        c('CreatedAt', 'gt', '2025-01-31'),
        c('Id', 'ne', '-3'),
      ]);
    });

    it('tolerates extra whitespace', () => {
      expect(parseBasic("  Stage   eq   'x'   and   startswith( Stage , 'y' ) ", COLUMNS)).toEqual([
        c('Stage', 'eq', 'x'),
        c('Stage', 'startswith', 'y'),
      ]);
    });

    it.each([
      ["Stage eq 'a' or Stage eq 'b'", 'or'],
      ["not (Stage eq 'a')", 'not'],
      ["(Stage eq 'a')", 'parentheses'],
      ["tolower(Stage) eq 'a'", 'another function'],
      ["contains(tolower(Stage),'a')", 'a function inside a function'],
      ["contains(Stage,'a') eq true", 'a compared function'],
      ['Stage eq null', 'null'],
      ['Stage eq Stage', 'a property on the right'],
      ["Nope eq 'a'", 'an unknown property'],
      ['OwnerId eq 01234567-89ab-cdef-0123-456789abcdef', 'a Guid column'],
      ["Stage gt 'a'", 'an ordering comparison of strings'],
      ['IsWon gt true', 'an ordering comparison of booleans'],
      ["contains(Amount,'1')", 'a string function on a number'],
      ["Amount eq '5'", 'a string literal for a number'],
      ['Stage eq 5', 'a number for a string'],
      ['Probability eq 1.5', 'a fraction for an integer'],
      ['Amount eq 1e3', 'an exponent'],
      ['CreatedAt gt 2025-01-31T10:00:00Z', 'a time other than midnight UTC'],
      ['CreatedAt gt 2025-01-31', 'a date for a date-time'],
      ['DueOn gt 2025-01-31T00:00:00Z', 'a date-time for a date'],
      ['DueOn gt 2025-02-30', 'a day that does not exist'],
      ["Stage in ('a','b')", 'in'],
      ["Stage eq 'a' and", 'a dangling and'],
      ["Stage eq 'a' And Stage eq 'b'", 'a capitalised And'],
      ["Stage EQ 'a'", 'a capitalised operator'],
      ["Stage eq 'unterminated", 'an unterminated string'],
      ["Stage eq 'a' Stage eq 'b'", 'a missing and'],
      ['Amount add 1 gt 2', 'arithmetic'],
      ["Stage eq 'a' ; drop", 'stray characters'],
    ])('leaves %s to the advanced editor (%s)', (expression) => {
      expect(parseBasic(expression, COLUMNS)).toBeNull();
    });

    it.each<[string, FilterCondition[]]>([
      ['one condition', [c('Stage', 'eq', 'Closed Won')]],
      ['quotes', [c('Stage', 'ne', "''"), c('Stage', 'endswith', "'")]],
      ['an empty string', [c('Stage', 'eq', '')]],
      ['words that look like syntax', [c('Stage', 'contains', ") or (x eq 'y' and")]],
      [
        'every type',
        [
          c('Id', 'gt', '9007199254740993'),
          c('Amount', 'le', '-0.01'),
          c('Probability', 'eq', '50'),
          c('IsWon', 'ne', 'true'),
          c('CreatedAt', 'lt', '2024-02-29'),
          c('DueOn', 'ge', '1999-12-31'),
          c('Stage', 'startswith', 'Clo'),
        ],
      ],
    ])('round-trips %s: rows → expression → rows', (_, conditions) => {
      const expression = toExpression(conditions, COLUMNS);
      expect(parseBasic(expression, COLUMNS)).toEqual(conditions);
      expect(toExpression(parseBasic(expression, COLUMNS)!, COLUMNS)).toBe(expression);
    });

    it('round-trips generated conditions', () => {
      const values: Record<string, string[]> = {
        Stage: ['', "a'b", 'and', 'x,y', '(z)', ' spaced '],
        Amount: ['0', '-1.5', '123456789.99'],
        Probability: ['0', '-7', '100'],
        Id: ['1', '9223372036854775807'],
        IsWon: ['true', 'false'],
        CreatedAt: ['2020-01-01', '2024-02-29'],
        DueOn: ['2025-12-31'],
      };
      let seed = 7;
      const pick = <T>(list: readonly T[]): T =>
        list[(seed = (seed * 48271) % 2147483647) % list.length];
      for (let run = 0; run < 200; run++) {
        const conditions: FilterCondition[] = [];
        for (let n = 1 + (run % 4); n > 0; n--) {
          const column = pick(Object.keys(values));
          const type = COLUMNS.find((col) => col.name === column)!.type;
          conditions.push(c(column, pick(operatorsFor(type)), pick(values[column])));
        }
        expect(parseBasic(toExpression(conditions, COLUMNS), COLUMNS)).toEqual(conditions);
      }
    });
  });
});
