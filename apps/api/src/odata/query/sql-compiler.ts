import {
  clip,
  isNumericType,
  quoteIdentifier,
  resolveProperty,
  type EdmType,
  type EntitySetModel,
} from './edm.js';
import {
  parseFilter,
  type ComparisonOperator,
  type FilterNode,
  type LiteralNode,
} from './filter-parser.js';
import type { Literal } from './lexer.js';
import { queryError, type ODataQueryError } from './odata-query-error.js';

/**
 * Compiles a `$filter` value (already URL-decoded) to a PostgreSQL boolean expression for a
 * WHERE clause. Literals are pushed onto `params` and referenced as `$N` with an explicit cast
 * (N counts from whatever `params` already holds); columns come only from the model, quoted.
 *
 * The result is safe to combine with other conditions (`AND`/`OR` are parenthesised). It may
 * evaluate to NULL where OData says false (e.g. `Name eq 'x'` on a null Name), which a WHERE
 * clause treats alike; under `not` it is made exact with COALESCE. Plain comparisons keep the
 * column bare, so `CreatedAt ge … and CreatedAt lt …` is answered from an index.
 */
export function compileFilter(text: string, set: EntitySetModel, params: unknown[]): string {
  return compileFilterAst(parseFilter(text), set, params);
}

function compileFilterAst(node: FilterNode, set: EntitySetModel, params: unknown[]): string {
  const root = new FilterCompiler(set, params).operand(node);
  if (root.type !== 'Edm.Boolean') {
    throw error(400, `the expression must be a boolean, but it is ${root.description}`, node.pos);
  }
  return root.emit();
}

type ValueType = EdmType | 'null';

/**
 * Binding strength of an emitted SQL expression: a column, parameter, function call or
 * parenthesised group; a comparison (`=`, `IS NULL`, `IN`, which bind tighter than NOT in
 * PostgreSQL); a NOT.
 */
enum Level {
  Not = 1,
  Comparison = 2,
  Atom = 3,
}

/** A type-checked sub-expression whose SQL is produced later, so parameters number left to right. */
interface Operand {
  type: ValueType;
  /** Whether the SQL may evaluate to NULL. */
  nullable: boolean;
  /** A bare column reference. */
  column: boolean;
  literal?: Literal;
  /** How tightly the SQL binds, to parenthesise it only where needed. */
  level: Level;
  /** How error messages name it: "Edm.String property Name", "a number (5)". */
  description: string;
  /** Returns the SQL, pushing its literals onto params: call once. `as` binds a string as a Guid. */
  emit(as?: EdmType): string;
}

const SQL_OPERATOR: Record<ComparisonOperator, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const LITERAL_NOUN: Record<Exclude<Literal['type'], 'null'>, string> = {
  'Edm.String': 'a string',
  'Edm.Boolean': 'a boolean',
  'Edm.Int32': 'a number',
  'Edm.Int64': 'a number',
  'Edm.Decimal': 'a number',
  'Edm.Double': 'a number',
  'Edm.Single': 'a number',
  'Edm.Date': 'a Date',
  'Edm.DateTimeOffset': 'a DateTimeOffset',
  'Edm.TimeOfDay': 'a TimeOfDay',
  'Edm.Guid': 'a Guid',
};

function error(status: 400 | 501, message: string, pos: number, detail = ''): ODataQueryError {
  return queryError(status, '$filter', message, pos, detail);
}

function wrap(operand: Operand, sql: string, needs = Level.Atom): string {
  return operand.level >= needs ? sql : `(${sql})`;
}

class FilterCompiler {
  constructor(
    private readonly set: EntitySetModel,
    private readonly params: unknown[],
  ) {}

  operand(node: FilterNode): Operand {
    switch (node.kind) {
      case 'literal':
        return this.literal(node);
      case 'member': {
        const property = resolveProperty(this.set, node.name, '$filter', node.pos);
        return {
          type: property.type,
          nullable: property.nullable,
          column: true,
          level: Level.Atom,
          description: `${property.type} property ${property.name}`,
          emit: () => quoteIdentifier(property.column),
        };
      }
      case 'call':
        return this.call(node);
      case 'not':
        return this.not(node);
      case 'logical':
        return this.logical(node);
      case 'compare':
        return this.compare(node);
      case 'in':
        return this.in(node);
    }
  }

  private literal(node: LiteralNode): Operand {
    const { literal } = node;
    if (literal.type === 'null') {
      return {
        type: 'null',
        nullable: true,
        column: false,
        literal,
        level: Level.Atom,
        description: 'null',
        emit: () => 'NULL',
      };
    }
    return {
      type: literal.type,
      nullable: false,
      column: false,
      literal,
      level: Level.Atom,
      description: `${LITERAL_NOUN[literal.type]} (${clip(node.text)})`,
      emit: (as) => this.bind(literal, as),
    };
  }

  private bind(literal: Exclude<Literal, { type: 'null' }>, as?: EdmType): string {
    let cast: string;
    let value: unknown = literal.value;
    switch (literal.type) {
      case 'Edm.String':
        cast = as === 'Edm.Guid' ? 'uuid' : 'text';
        if (as === 'Edm.Guid') value = literal.value.toLowerCase();
        break;
      case 'Edm.Boolean':
        cast = 'boolean';
        break;
      case 'Edm.Int32':
        cast = 'int';
        break;
      case 'Edm.Int64':
        cast = 'bigint';
        break;
      case 'Edm.Decimal':
      case 'Edm.Double':
      case 'Edm.Single':
        // numeric holds every finite literal exactly and compares with float columns without
        // casting the column; only INF/NaN need float8.
        cast = /^-?\d/.test(literal.value) ? 'numeric' : 'float8';
        break;
      case 'Edm.Date':
        cast = 'date';
        break;
      case 'Edm.DateTimeOffset':
        cast = 'timestamptz';
        break;
      case 'Edm.TimeOfDay':
        cast = 'time';
        break;
      case 'Edm.Guid':
        cast = 'uuid';
        break;
    }
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }

  private call(node: Extract<FilterNode, { kind: 'call' }>): Operand {
    const args = node.args.map((arg) => this.operand(arg));
    const check = (accepts: (type: EdmType) => boolean, expected: string) =>
      args.forEach((arg, i) => {
        if (arg.type === 'null' || !accepts(arg.type)) {
          throw error(
            400,
            `${node.name} expects ${expected}, got ${arg.description}`,
            node.args[i].pos,
          );
        }
      });
    const nullable = args.some((arg) => arg.nullable);
    const base = { nullable, column: false, description: `the result of ${node.name}(…)` };
    switch (node.name) {
      case 'contains':
      case 'startswith':
      case 'endswith': {
        check((type) => type === 'Edm.String', 'Edm.String arguments');
        const [text, part] = args;
        return {
          ...base,
          type: 'Edm.Boolean',
          level: Level.Comparison,
          emit: () => {
            const t = text.emit();
            const p = wrap(part, part.emit());
            if (node.name === 'contains') return `strpos(${t}, ${p}) > 0`;
            const side = node.name === 'startswith' ? 'left' : 'right';
            return `${side}(${t}, length(${p})) = ${p}`;
          },
        };
      }
      case 'tolower':
      case 'toupper': {
        check((type) => type === 'Edm.String', 'an Edm.String argument');
        const [text] = args;
        const fn = node.name === 'tolower' ? 'lower' : 'upper';
        return {
          ...base,
          type: 'Edm.String',
          level: Level.Atom,
          emit: () => `${fn}(${text.emit()})`,
        };
      }
      case 'year':
      case 'month':
      case 'day': {
        check(
          (type) => type === 'Edm.Date' || type === 'Edm.DateTimeOffset',
          'an Edm.Date or Edm.DateTimeOffset argument',
        );
        const [value] = args;
        const field = node.name;
        return {
          ...base,
          type: 'Edm.Int32',
          level: Level.Atom,
          emit: () => {
            const sql = wrap(value, value.emit());
            // DateTimeOffset parts are taken in UTC, whatever the session time zone.
            const source = value.type === 'Edm.Date' ? sql : `${sql} AT TIME ZONE 'UTC'`;
            return `extract(${field} from ${source})::int`;
          },
        };
      }
    }
  }

  private expectBoolean(operand: Operand, what: string, pos: number, hint = ''): void {
    if (operand.type !== 'Edm.Boolean') {
      throw error(400, `${what} needs a boolean operand, got ${operand.description}`, pos, hint);
    }
  }

  private not(node: Extract<FilterNode, { kind: 'not' }>): Operand {
    const operand = this.operand(node.operand);
    this.expectBoolean(
      operand,
      "'not'",
      node.operand.pos,
      " ('not' binds tighter than comparisons: write not (… eq …))",
    );
    return {
      type: 'Edm.Boolean',
      nullable: false,
      column: false,
      level: Level.Not,
      description: 'a boolean expression',
      emit: () => {
        const sql = operand.emit();
        // OData is two-valued: not (Name eq 'x') is true for a null Name.
        return operand.nullable ? `NOT COALESCE(${sql}, FALSE)` : `NOT ${wrap(operand, sql)}`;
      },
    };
  }

  private logical(node: Extract<FilterNode, { kind: 'logical' }>): Operand {
    const operands = node.operands.map((child) => this.operand(child));
    operands.forEach((operand, i) =>
      this.expectBoolean(operand, `'${node.operator}'`, node.operands[i].pos),
    );
    const joiner = node.operator === 'and' ? ' AND ' : ' OR ';
    return {
      type: 'Edm.Boolean',
      nullable: operands.some((operand) => operand.nullable),
      column: false,
      level: Level.Atom,
      description: 'a boolean expression',
      emit: () =>
        `(${operands.map((operand) => wrap(operand, operand.emit(), Level.Not)).join(joiner)})`,
    };
  }

  private compare(node: Extract<FilterNode, { kind: 'compare' }>): Operand {
    const { operator } = node;
    const left = this.operand(node.left);
    const right = this.operand(node.right);
    const result = {
      type: 'Edm.Boolean' as const,
      column: false,
      description: 'a boolean expression',
    };
    if (left.type === 'null' || right.type === 'null') {
      if (operator !== 'eq' && operator !== 'ne') {
        throw error(400, `null can only be compared with eq or ne, not '${operator}'`, node.pos);
      }
      const other = left.type === 'null' ? right : left;
      if (other.type === 'null') {
        return {
          ...result,
          nullable: false,
          level: Level.Atom,
          emit: () => (operator === 'eq' ? 'TRUE' : 'FALSE'),
        };
      }
      const test = operator === 'eq' ? 'IS NULL' : 'IS NOT NULL';
      return {
        ...result,
        nullable: false,
        level: Level.Comparison,
        emit: () => `${wrap(other, other.emit())} ${test}`,
      };
    }
    this.checkComparable(left, right, node.pos);
    const distinct =
      (operator === 'eq' && left.nullable && right.nullable) ||
      (operator === 'ne' && (left.nullable || right.nullable));
    return {
      ...result,
      nullable: !distinct && (left.nullable || right.nullable),
      level: Level.Comparison,
      emit: () => {
        const l = left.emit(guidHint(left, right));
        const r = right.emit(guidHint(right, left));
        return this.comparison(operator, left, l, right, r);
      },
    };
  }

  private in(node: Extract<FilterNode, { kind: 'in' }>): Operand {
    const operand = this.operand(node.operand);
    if (operand.type === 'null')
      throw error(400, "null cannot be tested with 'in'", node.operand.pos);
    const items = node.items.map((item) => this.literal(item));
    const values = items.filter((item) => item.type !== 'null');
    const hasNull = values.length < items.length;
    values.forEach((value) => this.checkComparable(operand, value, node.pos));
    const mixesTemporal = values.some(
      (value) => value.type !== operand.type && isTemporal(value.type),
    );
    return {
      type: 'Edm.Boolean',
      nullable: !hasNull && operand.nullable,
      column: false,
      level: Level.Atom,
      description: 'a boolean expression',
      emit: () => {
        const sql = operand.emit();
        const parts: string[] = [];
        if (mixesTemporal) {
          for (const value of values) {
            parts.push(this.comparison('eq', operand, sql, value, value.emit()));
          }
        } else if (values.length > 0) {
          const list = values.map((value) => value.emit(guidHint(value, operand)));
          parts.push(`${wrap(operand, sql)} IN (${list.join(', ')})`);
        }
        if (hasNull) parts.push(`${wrap(operand, sql)} IS NULL`);
        return `(${parts.join(' OR ')})`;
      },
    };
  }

  private checkComparable(left: Operand, right: Operand, pos: number): void {
    const [a, b] = [left.type as EdmType, right.type as EdmType];
    if (a === b) return;
    if (isNumericType(a) && isNumericType(b)) return;
    if (isTemporal(a) && isTemporal(b)) return;
    const guidAndString =
      (a === 'Edm.Guid' && b === 'Edm.String' && right.literal) ||
      (b === 'Edm.Guid' && a === 'Edm.String' && left.literal);
    if (guidAndString) {
      const text = (a === 'Edm.String' ? left : right).literal as { value: string };
      if (GUID.test(text.value)) return;
      throw error(400, `'${clip(text.value)}' is not a Guid`, pos);
    }
    throw error(400, `cannot compare ${left.description} with ${right.description}`, pos);
  }

  /** SQL for `left op right` from their already emitted SQL. */
  private comparison(
    operator: ComparisonOperator,
    left: Operand,
    leftSql: string,
    right: Operand,
    rightSql: string,
  ): string {
    let [l, r] = [wrap(left, leftSql), wrap(right, rightSql)];
    if (left.type === 'Edm.Date' && right.type === 'Edm.DateTimeOffset') {
      [l, r] = alignDateWithDateTime(left, l, right, r);
    } else if (left.type === 'Edm.DateTimeOffset' && right.type === 'Edm.Date') {
      [r, l] = alignDateWithDateTime(right, r, left, l);
    }
    let sqlOperator = SQL_OPERATOR[operator];
    if (operator === 'eq' && left.nullable && right.nullable) sqlOperator = 'IS NOT DISTINCT FROM';
    if (operator === 'ne' && (left.nullable || right.nullable)) sqlOperator = 'IS DISTINCT FROM';
    return `${l} ${sqlOperator} ${r}`;
  }
}

function isTemporal(type: ValueType): boolean {
  return type === 'Edm.Date' || type === 'Edm.DateTimeOffset';
}

function guidHint(operand: Operand, other: Operand): EdmType | undefined {
  return operand.type === 'Edm.String' && other.type === 'Edm.Guid' ? 'Edm.Guid' : undefined;
}

/**
 * A Date is compared with a DateTimeOffset as midnight UTC. The side that is not a bare column
 * is converted, so an index on the column still applies: a date column against
 * `($1::timestamptz AT TIME ZONE 'UTC')` (a UTC timestamp), a timestamptz column against
 * `($1::date::timestamp AT TIME ZONE 'UTC')` (midnight UTC as timestamptz).
 */
function alignDateWithDateTime(
  date: Operand,
  dateSql: string,
  dateTime: Operand,
  dateTimeSql: string,
): [string, string] {
  if (dateTime.column && !date.column) {
    return [`(${dateSql}::timestamp AT TIME ZONE 'UTC')`, dateTimeSql];
  }
  return [dateSql, `(${dateTimeSql} AT TIME ZONE 'UTC')`];
}
