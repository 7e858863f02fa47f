import { type CatalogColumn, type EdmTypeName, ROW_FILTER_MAX } from '@feedpass/contracts';

/**
 * The subset of OData `$filter` the basic row filter editor shows: conditions of
 * `Property op literal` or `contains|startswith|endswith(Property,'text')`, joined by `and`.
 * Anything else (or, not, parentheses, other functions, null, property-to-property
 * comparisons) is left to the advanced editor; the API is the judge of what is valid.
 */

export const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export const STRING_FUNCTIONS = ['contains', 'startswith', 'endswith'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export type StringFunction = (typeof STRING_FUNCTIONS)[number];
export type FilterOperator = Comparison | StringFunction;

export const OPERATOR_LABELS: Record<FilterOperator, string> = {
  eq: 'equals',
  ne: 'does not equal',
  gt: 'greater than',
  ge: 'at least',
  lt: 'less than',
  le: 'at most',
  contains: 'contains',
  startswith: 'starts with',
  endswith: 'ends with',
};

/** One condition of the basic editor. */
export interface FilterCondition {
  /** The OData property name. */
  column: string;
  operator: FilterOperator;
  /**
   * The value as the editor holds it: the text of a string, the digits of a number,
   * `true`/`false`, and `YYYY-MM-DD` for Edm.Date and Edm.DateTimeOffset (midnight UTC).
   */
  value: string;
}

export type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'other';

const INTEGERS: readonly EdmTypeName[] = ['Edm.Int16', 'Edm.Int32', 'Edm.Int64'];
const FRACTIONS: readonly EdmTypeName[] = ['Edm.Decimal', 'Edm.Double', 'Edm.Single'];

export function valueKind(type: EdmTypeName): ValueKind {
  if (type === 'Edm.String') return 'string';
  if (type === 'Edm.Boolean') return 'boolean';
  if (INTEGERS.includes(type) || FRACTIONS.includes(type)) return 'number';
  if (type === 'Edm.Date' || type === 'Edm.DateTimeOffset') return 'date';
  return 'other';
}

/** The operators that fit a column's type, in the order the editor offers them. */
export function operatorsFor(type: EdmTypeName): readonly FilterOperator[] {
  switch (valueKind(type)) {
    case 'string':
      return ['eq', 'ne', ...STRING_FUNCTIONS];
    case 'boolean':
    case 'other':
      return ['eq', 'ne'];
    default:
      return COMPARISONS;
  }
}

/** A column the basic editor can filter on (not Guid or TimeOfDay: those need advanced). */
export function basicColumn(column: CatalogColumn): boolean {
  return valueKind(column.type) !== 'other';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function validDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why a condition's value does not fit its column, or null when it does. */
export function valueProblem(condition: FilterCondition, type: EdmTypeName): string | null {
  const value = condition.value.trim();
  switch (valueKind(type)) {
    case 'string':
      return null;
    case 'boolean':
      return value === 'true' || value === 'false' ? null : 'Choose true or false.';
    case 'date':
      return validDate(value) ? null : 'Choose a date.';
    case 'number':
      if (!value) return 'Enter a number.';
      if (INTEGERS.includes(type)) return INTEGER.test(value) ? null : 'Enter a whole number.';
      return NUMBER.test(value) ? null : 'Enter a number, like 1500 or 1500.25.';
    default:
      return 'This column needs the advanced editor.';
  }
}

/** The OData literal of a value for a column of `type`. */
export function literal(value: string, type: EdmTypeName): string {
  switch (valueKind(type)) {
    case 'string':
      return `'${value.replace(/'/g, "''")}'`;
    case 'date':
      return type === 'Edm.Date' ? value.trim() : `${value.trim()}T00:00:00Z`;
    default:
      return value.trim();
  }
}

/** The `$filter` expression of the basic editor's conditions (`''` for none). */
export function toExpression(
  conditions: readonly FilterCondition[],
  columns: readonly CatalogColumn[],
): string {
  const types = new Map(columns.map((c) => [c.name, c.type]));
  return conditions
    .map(({ column, operator, value }) => {
      const type = types.get(column) ?? 'Edm.String';
      const text = literal(value, type);
      return (STRING_FUNCTIONS as readonly string[]).includes(operator)
        ? `${operator}(${column},${text})`
        : `${column} ${operator} ${text}`;
    })
    .join(' and ');
}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' };

/** Splits an expression into words, string literals and punctuation; null on anything else. */
function tokenize(expression: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else if (ch === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= expression.length) return null; // unterminated
        if (expression[i] === "'") {
          if (expression[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += expression[i++];
      }
      tokens.push({ kind: 'string', text });
    } else {
      const match = /^[A-Za-z0-9_.:+-]+/.exec(expression.slice(i));
      if (!match) return null;
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATE_TIME_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})T00:00:00Z$/;

/** The editor's value of a non-string literal for a column of `type`, or null if it is not one. */
function valueOf(text: string, type: EdmTypeName): string | null {
  switch (valueKind(type)) {
    case 'boolean':
      return text === 'true' || text === 'false' ? text : null;
    case 'number':
      return (INTEGERS.includes(type) ? INTEGER : NUMBER).test(text) ? text : null;
    case 'date': {
      const day = type === 'Edm.Date' ? text : DATE_TIME_MIDNIGHT.exec(text)?.[1];
      return day && validDate(day) ? day : null;
    }
    default:
      return null;
  }
}

/**
 * The basic editor's conditions for an expression, or null when the basic editor cannot show
 * it (then it opens in the advanced one). An empty expression is no conditions.
 */
export function parseBasic(
  expression: string,
  columns: readonly CatalogColumn[],
): FilterCondition[] | null {
  const tokens = tokenize(expression);
  if (!tokens) return null;
  if (tokens.length === 0) return [];
  const types = new Map(columns.filter(basicColumn).map((c) => [c.name, c.type]));
  const conditions: FilterCondition[] = [];
  let i = 0;
  const next = () => tokens[i++];
  const is = (token: Token | undefined, kind: Token['kind'], text?: string) =>
    !!token && token.kind === kind && (text === undefined || token.text === text);

  for (;;) {
    const first = next();
    if (!first || first.kind !== 'word') return null;
    if (
      (STRING_FUNCTIONS as readonly string[]).includes(first.text) &&
      is(tokens[i], 'punct', '(')
    ) {
      i++;
      const property = next();
      if (!is(property, 'word') || types.get(property.text) !== 'Edm.String') return null;
      if (!is(next(), 'punct', ',')) return null;
      const text = next();
      if (!is(text, 'string')) return null;
      if (!is(next(), 'punct', ')')) return null;
      conditions.push({
        column: property.text,
        operator: first.text as StringFunction,
        value: text.text,
      });
    } else {
      if (!PROPERTY.test(first.text)) return null;
      const type = types.get(first.text);
      const operator = next();
      if (
        !type ||
        !is(operator, 'word') ||
        !operatorsFor(type).includes(operator.text as FilterOperator)
      )
        return null;
      const operand = next();
      if (!operand) return null;
      let value: string | null;
      if (valueKind(type) === 'string') value = operand.kind === 'string' ? operand.text : null;
      else value = operand.kind === 'word' ? valueOf(operand.text, type) : null;
      if (value === null) return null;
      conditions.push({ column: first.text, operator: operator.text as FilterOperator, value });
    }
    if (i === tokens.length) return conditions;
    if (!is(next(), 'word', 'and')) return null;
  }
}

/** What a table's row filter editor holds: the basic conditions or the advanced text. */
export interface RowFilterDraft {
  mode: 'basic' | 'advanced';
  /** The basic editor's conditions (empty in advanced mode). */
  conditions: FilterCondition[];
  /** The advanced editor's expression (what the basic editor writes, in basic mode). */
  text: string;
}

/** The editor for a saved expression: basic when it can show it, else advanced. */
export function draftOf(expression: string, columns: readonly CatalogColumn[]): RowFilterDraft {
  const conditions = parseBasic(expression, columns);
  return conditions
    ? { mode: 'basic', conditions, text: expression }
    : { mode: 'advanced', conditions: [], text: expression };
}

/** The expression a draft saves; `''` means no filter. */
export function draftExpression(draft: RowFilterDraft, columns: readonly CatalogColumn[]): string {
  return draft.mode === 'basic' ? toExpression(draft.conditions, columns) : draft.text.trim();
}

/** Why a draft cannot be saved as it is, or null. */
export function draftProblem(
  draft: RowFilterDraft,
  columns: readonly CatalogColumn[],
): string | null {
  if (draft.mode === 'basic') {
    const types = new Map(columns.map((c) => [c.name, c.type]));
    const invalid = draft.conditions.some(
      (condition) => valueProblem(condition, types.get(condition.column) ?? 'Edm.Guid') !== null,
    );
    return invalid ? 'Complete or remove the conditions marked above.' : null;
  }
  return draftExpression(draft, columns).length > ROW_FILTER_MAX
    ? `At most ${ROW_FILTER_MAX} characters.`
    : null;
}
