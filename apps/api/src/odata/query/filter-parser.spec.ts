import { queryFailure } from '../testing/query-failure';
import { parseFilter, type FilterNode } from './filter-parser';

/** The AST as an S-expression, to compare shapes at a glance. */
function show(node: FilterNode): string {
  switch (node.kind) {
    case 'literal':
      return node.text;
    case 'member':
      return node.name;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'logical':
      return `(${node.operator} ${node.operands.map(show).join(' ')})`;
    case 'compare':
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
    case 'in':
      return `(in ${show(node.operand)} [${node.items.map(show).join(', ')}])`;
  }
}

const parse = (text: string) => show(parseFilter(text));

const failure = (text: string) =>
  queryFailure(`parseFilter(${JSON.stringify(text)})`, () => parseFilter(text));

describe('parseFilter', () => {
  describe('operators', () => {
    it.each(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])('parses %s', (op) => {
      expect(parse(`Amount ${op} 5`)).toBe(`(${op} Amount 5)`);
    });

    it('parses and, or and not', () => {
      expect(parse('A and B')).toBe('(and A B)');
      expect(parse('A or B')).toBe('(or A B)');
      expect(parse('not A')).toBe('(not A)');
    });

    it('parses in with a parenthesised list of literals', () => {
      expect(parse("Stage in ('Won','Lost')")).toBe("(in Stage ['Won', 'Lost'])");
      expect(parse('Id in ( 1 , -2 ,3 )')).toBe('(in Id [1, -2, 3])');
      expect(parse("Name in ('a', null)")).toBe("(in Name ['a', null])");
      expect(parse('Stage in(1)')).toBe('(in Stage [1])');
    });

    it('parses function calls, nested and with blanks', () => {
      expect(parse("contains(tolower(Name),'acme')")).toBe("contains(tolower(Name), 'acme')");
      expect(parse("startswith( Name , 'A' )")).toBe("startswith(Name, 'A')");
      expect(parse('year(CreatedAt) eq 2025')).toBe('(eq year(CreatedAt) 2025)');
    });

    it('takes comparisons of any operands, literals on the left included', () => {
      expect(parse('5 lt Amount')).toBe('(lt 5 Amount)');
      expect(parse('Name eq Stage')).toBe('(eq Name Stage)');
      expect(parse('1 eq 1')).toBe('(eq 1 1)');
    });
  });

  describe('precedence (OData v4 Part 2, 5.1.1.13)', () => {
    it('binds and tighter than or', () => {
      expect(parse('A or B and C')).toBe('(or A (and B C))');
      expect(parse('A and B or C')).toBe('(or (and A B) C)');
    });

    it('binds comparisons tighter than and/or', () => {
      expect(parse('A eq 1 and B eq 2 or C eq 3')).toBe('(or (and (eq A 1) (eq B 2)) (eq C 3))');
    });

    it('binds not tighter than comparisons', () => {
      expect(parse('not A eq true')).toBe('(eq (not A) true)');
      expect(parse('not A and B')).toBe('(and (not A) B)');
      expect(parse('not not A')).toBe('(not (not A))');
    });

    it('binds in tighter than not and comparisons', () => {
      expect(parse("not Stage in ('a')")).toBe("(not (in Stage ['a']))");
      expect(parse("Stage in ('a') eq false")).toBe("(eq (in Stage ['a']) false)");
    });

    it('binds gt/ge/lt/le tighter than eq/ne, all left-associative', () => {
      expect(parse('A lt B eq C gt D')).toBe('(eq (lt A B) (gt C D))');
      expect(parse('A eq B ne C')).toBe('(ne (eq A B) C)');
    });

    it('lets parentheses override it', () => {
      expect(parse('(A or B) and C')).toBe('(and (or A B) C)');
      expect(parse('not (A eq 1)')).toBe('(not (eq A 1))');
      expect(parse('((((A))))')).toBe('A');
    });

    it('flattens chains of the same logical operator', () => {
      expect(parse('A and B and C and D')).toBe('(and A B C D)');
      expect(parse('A or B or C')).toBe('(or A B C)');
    });

    it('parses the incremental refresh filter of Power BI', () => {
      expect(
        parse('CreatedAt ge 2025-02-03T00:00:00+01:00 and CreatedAt lt 2025-03-03T00:00:00+01:00'),
      ).toBe(
        '(and (ge CreatedAt 2025-02-03T00:00:00+01:00) (lt CreatedAt 2025-03-03T00:00:00+01:00))',
      );
    });
  });

  describe('malformed input is a 400 that says where', () => {
    it.each([
      ['', '$filter is empty'],
      ['   ', '$filter is empty'],
      [
        "Name eq 'x' Stage",
        "$filter: unexpected 'Stage' at position 13, expected an operator or the end of the expression",
      ],
      ['Name eq', '$filter: unexpected end of input at position 8, expected an expression'],
      ['Name eq 1 and', '$filter: unexpected end of input at position 14, expected an expression'],
      ['and Name', "$filter: unexpected 'and' at position 1, expected an expression"],
      ['Name eq eq 1', "$filter: unexpected 'eq' at position 9, expected an expression"],
      ['Name) or (1 eq 1', "$filter: unbalanced ')' at position 5"],
      ['(Name eq 1', "$filter: missing ')' for '(' at position 1"],
      ['((IsWon)', "$filter: missing ')' for '(' at position 1"],
      ['IsWon)', "$filter: unbalanced ')' at position 6"],
      ['()', '$filter: empty parentheses at position 1'],
      ['Name eq ()', '$filter: empty parentheses at position 9'],
      ['(A B)', "$filter: unexpected 'B' at position 4, expected an operator or ')'"],
      ['(1, 2) eq 1', "$filter: a parenthesised list is only allowed after 'in' at position 3"],
      [
        "Name EQ 'x'",
        "$filter: unexpected 'EQ' at position 6 (keywords are lower-case: write 'eq')",
      ],
      ['A AND B', "$filter: unexpected 'AND' at position 3 (keywords are lower-case: write 'and')"],
      ['Stage in ()', "$filter: the list after 'in' is empty at position 11"],
      [
        "Stage in ('a',)",
        "$filter: unexpected ')' at position 15, expected a literal in the list after 'in'",
      ],
      [
        "Stage in ('a' 'b')",
        "$filter: unexpected ''b'' at position 15, expected ',' or ')' in the list after 'in'",
      ],
      [
        "Stage in ('a'",
        "$filter: unexpected end of input at position 14, expected ',' or ')' in the list after 'in'",
      ],
      ['Stage in (', "$filter: missing ')' for the list after 'in' at position 7"],
      [
        "Stage in 'a'",
        "$filter: unexpected ''a'' at position 10, expected '(' to open the list after 'in'",
      ],
      [
        'Stage in (Name)',
        "$filter: the list after 'in' may hold only literals, found 'Name' at position 11",
      ],
      ['contains(Name)', '$filter: contains takes 2 arguments, got 1 at position 1'],
      ["tolower(Name, 'x')", '$filter: tolower takes 1 argument, got 2 at position 1'],
      ['year()', '$filter: year takes 1 argument, got 0 at position 1'],
      [
        "contains(Name 'x')",
        "$filter: unexpected ''x'' at position 15, expected ',' or ')' in contains(…)",
      ],
      ["contains(Name, 'x'", "$filter: missing ')' for contains( at position 9"],
      ['foo(Name)', "$filter: unknown function 'foo' at position 1"],
      [
        "Contains(Name,'x')",
        "$filter: unknown function 'Contains' at position 1 (function names are lower-case: write 'contains')",
      ],
      [
        "substringof('x',Name)",
        "$filter: unknown function 'substringof' at position 1 (OData v3; in v4 write contains(Property,'text'))",
      ],
      ['Edm.String eq 1', "$filter: unexpected 'Edm.String' at position 1, expected an expression"],
      ['$count eq 1', "$filter: unexpected '$count' at position 1"],
      ['Name eq *', "$filter: unexpected '*' at position 9, expected an expression"],
      [',', "$filter: unexpected ',' at position 1, expected an expression"],
    ])('%j', (text, message) => {
      const e = failure(text);
      expect(e.status).toBe(400);
      expect(e.message).toBe(message);
    });
  });

  describe('valid OData the feed does not implement is a 501', () => {
    it.each([
      ['Amount add 1 gt 2', "arithmetic operator 'add' is not supported at position 8"],
      ['Amount sub 1 gt 2', "arithmetic operator 'sub'"],
      ['Amount mul 2 gt 2', "arithmetic operator 'mul'"],
      ['Amount div 2 gt 2', "arithmetic operator 'div'"],
      ['Amount divby 2 gt 2', "arithmetic operator 'divby'"],
      ['Amount mod 2 eq 0', "arithmetic operator 'mod'"],
      [
        '-Amount gt 2',
        "arithmetic negation ('-' before an expression) is not supported at position 1",
      ],
      ['- 5 eq Amount', 'arithmetic negation'],
      ["Style has Ns.Color'Red'", 'enumeration literals'],
      ["Style has 'Red'", "the 'has' operator is not supported at position 7"],
      ["Tags/any(t: t eq 'x')", "lambda operator 'any' is not supported at position 6"],
      ['Tags/all(t: t eq 1)', "lambda operator 'all'"],
      [
        "Owner/Name eq 'x'",
        "navigation and property paths ('Owner/…') are not supported at position 1",
      ],
      ['Items/$count gt 1', 'navigation and property paths'],
      ['$it eq 1', "'$it' is not supported at position 1"],
      ['$root/Deals eq 1', "'$root' is not supported"],
      ['Name eq @p1', "parameter aliases ('@p1') are not supported at position 9"],
      ['Stage in @list', 'parameter aliases'],
      ['Stage in [1,2]', 'JSON array lists are not supported'],
      ['[1] eq 1', 'JSON array and object literals are not supported'],
      ["duration'P1D' eq Span", 'duration literals are not supported'],
      ['geo.distance(Location, Other) lt 5', "geo functions ('geo.distance') are not supported"],
      ['geo.intersects(Location, Area)', 'geo functions'],
      ['My.Custom(Name)', "custom functions ('My.Custom') are not supported"],
      ...[
        'length(Name) gt 1',
        "indexof(Name,'a') eq 1",
        'substring(Name,1) eq Name',
        "concat(Name,'a') eq Name",
        'trim(Name) eq Name',
        'round(Amount) eq 1',
        'floor(Amount) eq 1',
        'ceiling(Amount) eq 1',
        'hour(CreatedAt) eq 1',
        'minute(CreatedAt) eq 1',
        'second(CreatedAt) eq 1',
        'fractionalseconds(CreatedAt) eq 0',
        'totaloffsetminutes(CreatedAt) eq 0',
        'now() gt CreatedAt',
        'date(CreatedAt) eq 2025-01-01',
        'time(CreatedAt) eq 10:00',
        'mindatetime() lt CreatedAt',
        'maxdatetime() gt CreatedAt',
        'totalseconds(Span) gt 1',
        'cast(Amount, Edm.Int32) eq 1',
        'isof(Edm.String)',
        "matchesPattern(Name,'^A')",
        'hassubset(Tags,[1])',
        'case(IsWon:1,true:2) eq 1',
      ].map((text): [string, string] => [
        text,
        `function '${text.split('(')[0]}' is not supported`,
      ]),
    ])('%j', (text, message) => {
      const e = failure(text);
      expect(e.status).toBe(501);
      expect(e.message).toContain(message);
      expect(e.message).toMatch(/^\$filter: /);
    });
  });

  describe('pathological input', () => {
    it('accepts nesting up to the limit', () => {
      expect(parse(`${'('.repeat(99)}A${')'.repeat(99)}`)).toBe('A');
      expect(parse(`${'not '.repeat(99)}A`)).toMatch(/^\(not /);
    });

    it.each([
      ['parentheses', `${'('.repeat(4000)}A${')'.repeat(4000)}`],
      ['not', `${'not '.repeat(2000)}A`],
      ['function calls', `${'tolower('.repeat(800)}A${')'.repeat(800)} eq 'a'`],
      ['comparison chains', `A${' eq A'.repeat(500)}`],
      ['unbalanced parentheses', '('.repeat(8000)],
    ])('refuses deep %s with a 400, not a stack overflow', (_what, text) => {
      const started = Date.now();
      const e = failure(text);
      expect(e.status).toBe(400);
      expect(e.message).toMatch(
        /^\$filter: expression is nested more than 100 levels deep at position \d+$/,
      );
      expect(Date.now() - started).toBeLessThan(500);
    });

    it('handles long flat chains without deep recursion', () => {
      const text = Array.from({ length: 600 }, (_, i) => `A eq ${i}`).join(' or ');
      expect(text.length).toBeLessThanOrEqual(8192);
      const node = parseFilter(text);
      expect(node.kind === 'logical' && node.operands.length).toBe(600);
    });

    it('refuses more than 16 kB', () => {
      const e = failure(`A eq '${'x'.repeat(16384)}'`);
      expect(e.status).toBe(400);
      expect(e.message).toMatch(/^\$filter is too long/);
    });
  });
});
