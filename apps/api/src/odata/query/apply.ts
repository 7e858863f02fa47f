import {
  clip,
  isNumericType,
  quoteIdentifier,
  resolveProperty,
  type EdmType,
  type EntitySetModel,
  type PropertyModel,
} from './edm.js';
import { splitTopLevel } from './expand.js';
import { parseFilter } from './filter-parser.js';
import { IDENTIFIER } from './lexer.js';
import { checkOptionLength, ODataQueryError } from './odata-query-error.js';
import { compileFilterAst } from './sql-compiler.js';

const OPTION = '$apply';
const ident = quoteIdentifier;

/**
 * The result of `$apply`: one SQL statement to select from (as a derived table), the
 * parameters it binds, and the model of its rows — the grouping properties and aliases —
 * which `$filter`, `$orderby`, `$select`, `$top`, `$skip` and `$count` then apply to.
 */
export interface AppliedRelation {
  /** `(select …) as "tN"`: stands where a table would in FROM. */
  from: string;
  /** Every parameter the statement binds, those it was given first. */
  params: unknown[];
  /** The rows' properties; `key` lists the grouping properties (unique per row). */
  model: EntitySetModel;
  /** For the context URL: `Deals(Stage,Total)`. */
  contextProperties: string[];
}

type Method = 'sum' | 'min' | 'max' | 'average' | 'countdistinct';
const METHODS = new Set<string>(['sum', 'min', 'max', 'average', 'countdistinct']);
const SQL_AGGREGATE: Record<Method, string> = {
  sum: 'sum',
  min: 'min',
  max: 'max',
  average: 'avg',
  countdistinct: 'count',
};

/** Transformations of the Data Aggregation extension this feed does not implement. */
const UNSUPPORTED = new Set([
  'topcount',
  'topsum',
  'toppercent',
  'bottomcount',
  'bottomsum',
  'bottompercent',
  'identity',
  'concat',
  'compute',
  'search',
  'expand',
  'orderby',
  'skip',
  'top',
  'nest',
  'join',
  'outerjoin',
  'ancestors',
  'descendants',
  'traverse',
  'rolluprecursive',
]);

const bad = (message: string) => new ODataQueryError(400, `${OPTION}: ${message}`);
const unsupported = (message: string) => new ODataQueryError(501, `${OPTION}: ${message}`);

/** The relation a transformation reads from and produces. */
interface Relation {
  /** SQL to select from: a quoted table, or a parenthesised derived table with an alias. */
  from: string;
  properties: PropertyModel[];
  key: string[];
  /** Whether rows are still the entity set's own (before any groupby or aggregate). */
  entities: boolean;
}

/**
 * Folds `$apply` — `filter(…)`, `groupby((P,…))`, `groupby((P,…),aggregate(…))`,
 * `aggregate(P with sum|min|max|average|countdistinct as A, $count as A)`, chained with `/` —
 * into one SQL statement over `table` (a quoted table name, or a derived table with an alias).
 * Values are pushed onto `params` after what it holds. Every name is checked against the
 * model and every value bound, before anything reaches the database.
 */
export function compileApply(
  text: string,
  set: EntitySetModel,
  table: string,
  params: unknown[] = [],
): AppliedRelation {
  checkOptionLength(text, OPTION);
  if (text.trim() === '') throw bad('is empty');
  let relation: Relation = {
    from: table,
    properties: set.properties,
    key: set.key,
    entities: true,
  };
  let depth = 0;
  for (const step of splitTopLevel(text, '/', OPTION)) {
    const { name, args } = transformation(step);
    const alias = ident(`t${depth++}`);
    if (name === 'filter') relation = filter(relation, args, params, alias);
    else if (name === 'groupby') relation = groupBy(relation, args, alias);
    else if (name === 'aggregate') relation = aggregate(relation, args, [], alias);
    else if (UNSUPPORTED.has(name)) {
      throw unsupported(
        `the transformation ${name}() is not supported; use filter, groupby and aggregate`,
      );
    } else throw bad(`unknown transformation '${clip(name)}'; use filter, groupby or aggregate`);
  }
  return {
    from: relation.from,
    params,
    model: { name: set.name, properties: relation.properties, key: relation.key },
    contextProperties: relation.entities ? [] : relation.properties.map((p) => p.name),
  };
}

function transformation(step: string): { name: string; args: string } {
  const match = /^\s*([A-Za-z_][\w.]*)\s*\(([^]*)\)\s*$/.exec(step);
  if (!match) {
    throw bad(
      step.trim() === ''
        ? 'has an empty transformation (two / in a row?)'
        : `'${clip(step.trim())}' is not a transformation such as filter(…), groupby(…) or aggregate(…)`,
    );
  }
  return { name: match[1], args: match[2] };
}

function filter(relation: Relation, args: string, params: unknown[], alias: string): Relation {
  const model: EntitySetModel = {
    name: 'apply',
    properties: relation.properties,
    key: relation.key,
  };
  const condition = compileFilterAst(parseFilter(args), model, params);
  return {
    ...relation,
    from: `(select * from ${relation.from} where ${condition}) as ${alias}`,
  };
}

function groupBy(relation: Relation, args: string, alias: string): Relation {
  const parts = splitTopLevel(args, ',', OPTION);
  const list = /^\s*\(([^]*)\)\s*$/.exec(parts[0]);
  if (!list) throw bad('groupby takes a parenthesised list of properties first: groupby((Stage))');
  const grouping: PropertyModel[] = [];
  for (const raw of splitTopLevel(list[1], ',', OPTION)) {
    const name = raw.trim();
    if (name.includes('/')) {
      throw unsupported(`grouping by a navigation path (${clip(name)}) is not supported`);
    }
    if (!isIdentifier(name)) throw bad(`groupby: '${clip(name)}' is not a property name`);
    const property = resolveProperty(asSet(relation), name, `${OPTION} groupby`, 0);
    if (grouping.includes(property)) throw bad(`groupby: ${name} is listed twice`);
    grouping.push(property);
  }
  if (parts.length > 2) throw bad('groupby takes a property list and at most one transformation');
  if (parts.length === 2) {
    const { name, args: inner } = transformation(parts[1]);
    if (name !== 'aggregate') {
      throw unsupported(`groupby with ${clip(name)}() is not supported; use aggregate(…)`);
    }
    return aggregate(relation, inner, grouping, alias);
  }
  const columns = grouping.map((p) => ident(p.column)).join(', ');
  return {
    from: `(select ${columns} from ${relation.from} group by ${columns}) as ${alias}`,
    properties: grouping,
    key: grouping.map((p) => p.name),
    entities: false,
  };
}

function aggregate(
  relation: Relation,
  args: string,
  grouping: PropertyModel[],
  alias: string,
): Relation {
  const taken = new Set(grouping.map((p) => p.name));
  const outputs: PropertyModel[] = [];
  const expressions: string[] = [];
  for (const raw of splitTopLevel(args, ',', OPTION)) {
    const item = raw.trim();
    const count = /^\$count\s+as\s+(\S+)$/.exec(item);
    const withAs = /^(\S+)\s+with\s+(\S+)\s+as\s+(\S+)$/.exec(item);
    let output: PropertyModel;
    let sql: string;
    if (count) {
      output = property(count[1], 'Edm.Int64', false);
      sql = 'count(*)';
    } else if (withAs) {
      const [, path, method, name] = withAs;
      if (path.includes('/'))
        throw unsupported(`aggregating a navigation path (${clip(path)}) is not supported`);
      if (!METHODS.has(method)) {
        throw (method.includes('.') ? unsupported : bad)(
          `'${clip(method)}' is not an aggregation method this feed offers; use sum, min, max, average or countdistinct`,
        );
      }
      if (!isIdentifier(path)) throw bad(`aggregate: '${clip(path)}' is not a property name`);
      const source = resolveProperty(asSet(relation), path, `${OPTION} aggregate`, 0);
      const type = resultType(method as Method, source);
      output = property(name, type, method !== 'countdistinct');
      sql = `${SQL_AGGREGATE[method as Method]}(${method === 'countdistinct' ? 'distinct ' : ''}${ident(source.column)})`;
    } else if (/\bfrom\b/.test(item)) {
      throw unsupported(`aggregate with 'from' (${clip(item)}) is not supported`);
    } else if (isIdentifier(item)) {
      throw unsupported(
        `custom aggregates (${clip(item)}) are not supported; write P with sum as Alias`,
      );
    } else {
      throw bad(
        `'${clip(item)}' is not an aggregate expression such as 'Amount with sum as Total' or '$count as Count'`,
      );
    }
    if (!isIdentifier(output.name))
      throw bad(`aggregate: '${clip(output.name)}' is not a valid alias`);
    if (relation.properties.some((p) => p.name === output.name)) {
      throw bad(`aggregate: the alias ${output.name} is already a property; choose another name`);
    }
    if (taken.has(output.name)) throw bad(`aggregate: the alias ${output.name} is used twice`);
    taken.add(output.name);
    outputs.push(output);
    expressions.push(`${sql} as ${ident(output.column)}`);
  }
  const groupColumns = grouping.map((p) => ident(p.column));
  const select = [...groupColumns, ...expressions].join(', ');
  const groupClause = groupColumns.length ? ` group by ${groupColumns.join(', ')}` : '';
  return {
    from: `(select ${select} from ${relation.from}${groupClause}) as ${alias}`,
    properties: [...grouping, ...outputs],
    key: grouping.map((p) => p.name),
    entities: false,
  };
}

/** The type PostgreSQL gives the aggregate, as OData sees it. */
function resultType(method: Method, source: PropertyModel): EdmType {
  const numeric = isNumericType(source.type);
  if ((method === 'sum' || method === 'average') && !numeric) {
    throw bad(`${method} needs a numeric property, but ${source.name} is ${source.type}`);
  }
  if (
    (method === 'min' || method === 'max') &&
    (source.type === 'Edm.Boolean' || source.type === 'Edm.Guid')
  ) {
    throw bad(`${method} cannot order ${source.type} values (${source.name})`);
  }
  if (method === 'countdistinct') return 'Edm.Int64';
  if (method === 'min' || method === 'max') return source.type;
  const floating = source.type === 'Edm.Double' || source.type === 'Edm.Single';
  if (method === 'average') return floating ? 'Edm.Double' : 'Edm.Decimal';
  if (source.type === 'Edm.Int16' || source.type === 'Edm.Int32') return 'Edm.Int64';
  return floating ? source.type : 'Edm.Decimal';
}

/** An alias: its SQL column is the alias itself, always quoted. */
function property(name: string, type: EdmType, nullable: boolean): PropertyModel {
  return { name, column: name, type, nullable };
}

function asSet(relation: Relation): EntitySetModel {
  return { name: 'apply', properties: relation.properties, key: relation.key };
}

function isIdentifier(text: string): boolean {
  IDENTIFIER.lastIndex = 0;
  const match = IDENTIFIER.exec(text);
  return !!match && match[0].length === text.length;
}
