import { clip } from './edm.js';
import { tokenize, type Literal, type Token } from './lexer.js';
import { MAX_NESTING_DEPTH, ODataQueryError, queryError } from './odata-query-error.js';

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FunctionName =
  'contains' | 'startswith' | 'endswith' | 'tolower' | 'toupper' | 'year' | 'month' | 'day';

/** Positions are 0-based offsets into the option text. */
export type LiteralNode = { kind: 'literal'; pos: number; text: string; literal: Literal };
export type FilterNode =
  | LiteralNode
  /** A property name, not yet checked against the model. */
  | { kind: 'member'; pos: number; name: string }
  | { kind: 'call'; pos: number; name: FunctionName; args: FilterNode[] }
  | { kind: 'not'; pos: number; operand: FilterNode }
  | { kind: 'logical'; pos: number; operator: 'and' | 'or'; operands: FilterNode[] }
  | {
      kind: 'compare';
      pos: number;
      operator: ComparisonOperator;
      left: FilterNode;
      right: FilterNode;
    }
  | { kind: 'in'; pos: number; operand: FilterNode; items: LiteralNode[] };

export const FUNCTION_ARITY: Readonly<Record<FunctionName, number>> = {
  contains: 2,
  startswith: 2,
  endswith: 2,
  tolower: 1,
  toupper: 1,
  year: 1,
  month: 1,
  day: 1,
};

/** Built-in functions of OData v4.01 (Part 2, 5.1.1.4–5.1.1.11) this feed does not implement. */
const UNSUPPORTED_FUNCTIONS = new Set([
  'concat',
  'indexof',
  'length',
  'substring',
  'matchesPattern',
  'trim',
  'hour',
  'minute',
  'second',
  'fractionalseconds',
  'totalseconds',
  'date',
  'time',
  'totaloffsetminutes',
  'mindatetime',
  'maxdatetime',
  'now',
  'round',
  'floor',
  'ceiling',
  'cast',
  'isof',
  'hassubset',
  'hassubsequence',
  'case',
]);

const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod']);
const EQUALITY = new Set<string>(['eq', 'ne']);
const RELATIONAL = new Set<string>(['gt', 'ge', 'lt', 'le']);
/** Every word that may stand between two operands. */
const OPERATORS = new Set([
  ...EQUALITY,
  ...RELATIONAL,
  ...ARITHMETIC,
  'and',
  'or',
  'not',
  'in',
  'has',
]);

/** Parses a `$filter` value (already URL-decoded) into an AST; properties are not resolved yet. */
export function parseFilter(text: string): FilterNode {
  const parser = new ExpressionParser(tokenize(text, '$filter'), '$filter');
  if (parser.peek().kind === 'eof') throw new ODataQueryError(400, '$filter is empty');
  const node = parser.parseExpression();
  parser.expectEnd();
  return node;
}

/**
 * Recursive descent over the OData v4 operator precedence (Part 2, 5.1.1.13), lowest first:
 * or, and, eq/ne, gt/ge/lt/le, add/sub (501), mul/div/divby/mod (501), not and negation,
 * in/has and paths, then primaries.
 */
export class ExpressionParser {
  private i = 0;
  private nesting = 0;
  private readonly depths = new WeakMap<FilterNode, number>();

  constructor(
    private readonly tokens: Token[],
    readonly option: string,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.i += 1;
    return token;
  }

  isName(token: Token, text: string): boolean {
    return token.kind === 'name' && token.text === text;
  }

  isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  error(status: 400 | 501, message: string, pos: number, detail = ''): ODataQueryError {
    return queryError(status, this.option, message, pos, detail);
  }

  /** A 400 for a token that cannot stand where it is, with a hint when it is a near-keyword. */
  unexpected(token: Token, expected?: string): ODataQueryError {
    let detail = expected ? `, expected ${expected}` : '';
    if (token.kind === 'eof') return this.error(400, 'unexpected end of input', token.pos, detail);
    const lower = token.text.toLowerCase();
    const nearKeyword = OPERATORS.has(lower) || lower === 'asc' || lower === 'desc';
    if (token.kind === 'name' && token.text !== lower && nearKeyword) {
      detail = ` (keywords are lower-case: write '${lower}')`;
    }
    return this.error(400, `unexpected '${clip(token.text)}'`, token.pos, detail);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'eof') return;
    if (this.isPunct(token, ')')) throw this.error(400, "unbalanced ')'", token.pos);
    throw this.unexpected(token, 'an operator or the end of the expression');
  }

  parseExpression(): FilterNode {
    return this.parseLogical('or', () => this.parseLogical('and', () => this.parseEquality()));
  }

  private parseLogical(operator: 'and' | 'or', operand: () => FilterNode): FilterNode {
    const first = operand();
    if (!this.isName(this.peek(), operator)) return first;
    const pos = this.peek().pos;
    const operands = [first];
    while (this.isName(this.peek(), operator)) {
      this.next();
      operands.push(operand());
    }
    return this.node({ kind: 'logical', pos, operator, operands }, operands);
  }

  private parseEquality(): FilterNode {
    return this.parseComparisons(EQUALITY, () => this.parseRelational());
  }

  private parseRelational(): FilterNode {
    return this.parseComparisons(RELATIONAL, () => this.parseArithmetic());
  }

  private parseComparisons(operators: Set<string>, operand: () => FilterNode): FilterNode {
    let left = operand();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'name' || !operators.has(token.text)) return left;
      this.next();
      const right = operand();
      const operator = token.text as ComparisonOperator;
      left = this.node({ kind: 'compare', pos: token.pos, operator, left, right }, [left, right]);
    }
  }

  private parseArithmetic(): FilterNode {
    const operand = this.parseUnary();
    const token = this.peek();
    if (token.kind === 'name' && ARITHMETIC.has(token.text)) {
      throw this.error(501, `arithmetic operator '${token.text}' is not supported`, token.pos);
    }
    return operand;
  }

  private parseUnary(): FilterNode {
    const token = this.peek();
    if (this.isName(token, 'not')) {
      this.next();
      const operand = this.nested(token, () => this.parseUnary());
      return this.node({ kind: 'not', pos: token.pos, operand }, [operand]);
    }
    if (this.isPunct(token, '-')) {
      throw this.error(
        501,
        "arithmetic negation ('-' before an expression) is not supported",
        token.pos,
      );
    }
    return this.parsePostfix();
  }

  private parsePostfix(): FilterNode {
    const operand = this.parsePrimary();
    const token = this.peek();
    if (this.isName(token, 'in')) {
      this.next();
      const items = this.parseInList(token);
      return this.node({ kind: 'in', pos: token.pos, operand, items }, [operand, ...items]);
    }
    if (this.isName(token, 'has')) {
      throw this.error(501, "the 'has' operator is not supported", token.pos);
    }
    return operand;
  }

  private parseInList(inToken: Token): LiteralNode[] {
    const open = this.next();
    if (this.isPunct(open, '[')) {
      throw this.error(
        501,
        "JSON array lists are not supported after 'in'; write ('a','b')",
        open.pos,
      );
    }
    if (open.kind === 'special') throw this.special(open);
    if (!this.isPunct(open, '(')) throw this.unexpected(open, "'(' to open the list after 'in'");
    const items: LiteralNode[] = [];
    if (this.isPunct(this.peek(), ')')) {
      throw this.error(400, "the list after 'in' is empty", this.peek().pos);
    }
    for (;;) {
      const item = this.next();
      if (item.kind !== 'literal') {
        if (item.kind === 'eof') {
          throw this.error(400, "missing ')' for the list after 'in'", inToken.pos);
        }
        if (item.kind === 'punct') throw this.unexpected(item, "a literal in the list after 'in'");
        throw this.error(
          400,
          `the list after 'in' may hold only literals, found '${clip(item.text)}'`,
          item.pos,
        );
      }
      items.push({ kind: 'literal', pos: item.pos, text: item.text, literal: item.literal });
      const separator = this.next();
      if (this.isPunct(separator, ')')) return items;
      if (!this.isPunct(separator, ','))
        throw this.unexpected(separator, "',' or ')' in the list after 'in'");
    }
  }

  private parsePrimary(): FilterNode {
    const token = this.next();
    switch (token.kind) {
      case 'literal':
        return { kind: 'literal', pos: token.pos, text: token.text, literal: token.literal };
      case 'name':
        return this.parseName(token);
      case 'special':
        throw this.special(token);
      case 'eof':
        throw this.unexpected(token, 'an expression');
      case 'punct':
        if (token.text === '(') return this.parseParenthesised(token);
        if (token.text === '[' || token.text === '{') {
          throw this.error(501, 'JSON array and object literals are not supported', token.pos);
        }
        throw this.unexpected(token, 'an expression');
    }
  }

  private parseParenthesised(open: Token): FilterNode {
    if (this.isPunct(this.peek(), ')')) throw this.error(400, 'empty parentheses', open.pos);
    const inner = this.nested(open, () => this.parseExpression());
    const close = this.next();
    if (this.isPunct(close, ')')) return inner;
    if (close.kind === 'eof') throw this.error(400, "missing ')' for '('", open.pos);
    if (this.isPunct(close, ',')) {
      throw this.error(400, "a parenthesised list is only allowed after 'in'", close.pos);
    }
    throw this.unexpected(close, "an operator or ')'");
  }

  private parseName(token: Token): FilterNode {
    const following = this.peek();
    if (this.isPunct(following, '(')) return this.parseCall(token);
    if (this.isPunct(following, '/')) {
      const segment = this.peek(1);
      if (segment.kind === 'name' && (segment.text === 'any' || segment.text === 'all')) {
        throw this.error(501, `lambda operator '${segment.text}' is not supported`, segment.pos);
      }
      throw this.error(
        501,
        `navigation and property paths ('${clip(token.text)}/…') are not supported`,
        token.pos,
      );
    }
    if (OPERATORS.has(token.text) || token.text.includes('.')) {
      throw this.unexpected(token, 'an expression');
    }
    return { kind: 'member', pos: token.pos, name: token.text };
  }

  private parseCall(token: Token): FilterNode {
    const name = token.text;
    if (UNSUPPORTED_FUNCTIONS.has(name)) {
      throw this.error(501, `function '${name}' is not supported`, token.pos);
    }
    if (name.includes('.')) {
      const what = name.startsWith('geo.') ? 'geo functions' : 'custom functions';
      throw this.error(501, `${what} ('${clip(name)}') are not supported`, token.pos);
    }
    if (!Object.hasOwn(FUNCTION_ARITY, name)) {
      const lower = name.toLowerCase();
      let hint = '';
      if (lower === 'substringof') hint = " (OData v3; in v4 write contains(Property,'text'))";
      else if (Object.hasOwn(FUNCTION_ARITY, lower) || UNSUPPORTED_FUNCTIONS.has(lower)) {
        hint = ` (function names are lower-case: write '${lower}')`;
      }
      throw this.error(400, `unknown function '${clip(name)}'`, token.pos, hint);
    }
    const fn = name as FunctionName;
    const open = this.next();
    const args = this.nested(open, () => {
      const list: FilterNode[] = [];
      if (this.isPunct(this.peek(), ')')) {
        this.next();
        return list;
      }
      for (;;) {
        list.push(this.parseExpression());
        const separator = this.next();
        if (this.isPunct(separator, ')')) return list;
        if (separator.kind === 'eof') throw this.error(400, `missing ')' for ${fn}(`, open.pos);
        if (!this.isPunct(separator, ','))
          throw this.unexpected(separator, `',' or ')' in ${fn}(…)`);
      }
    });
    const arity = FUNCTION_ARITY[fn];
    if (args.length !== arity) {
      throw this.error(
        400,
        `${fn} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`,
        token.pos,
      );
    }
    return this.node({ kind: 'call', pos: token.pos, name: fn, args }, args);
  }

  private special(token: Token): ODataQueryError {
    if (token.text.startsWith('@')) {
      return this.error(
        501,
        `parameter aliases ('${clip(token.text)}') are not supported`,
        token.pos,
      );
    }
    if (token.text === '$it' || token.text === '$root' || token.text === '$this') {
      return this.error(501, `'${token.text}' is not supported`, token.pos);
    }
    return this.unexpected(token);
  }

  /** Runs a parse step one level deeper, refusing input nested past MAX_NESTING_DEPTH. */
  private nested<T>(token: Token, step: () => T): T {
    if (++this.nesting > MAX_NESTING_DEPTH) throw this.tooDeep(token);
    const result = step();
    this.nesting -= 1;
    return result;
  }

  /** Records the depth of a new node, so operator chains cannot build an unbounded tree either. */
  private node<T extends FilterNode>(node: T, children: FilterNode[]): T {
    let depth = 0;
    for (const child of children) depth = Math.max(depth, this.depths.get(child) ?? 0);
    if (depth + 1 > MAX_NESTING_DEPTH) throw this.tooDeep(node);
    this.depths.set(node, depth + 1);
    return node;
  }

  private tooDeep(at: { pos: number }): ODataQueryError {
    return this.error(
      400,
      `expression is nested more than ${MAX_NESTING_DEPTH} levels deep`,
      at.pos,
    );
  }
}
