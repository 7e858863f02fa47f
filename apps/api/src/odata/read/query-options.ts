import type { QueryOption } from '../query-string.js';
import type { Scope } from './collection-reader.js';
import { compileApply, type AppliedRelation } from '../query/apply.js';
import type { EntitySetModel, PropertyModel } from '../query/edm.js';
import { parseExpand, type ExpandItem } from '../query/expand.js';
import { parseFilter, type FilterNode } from '../query/filter-parser.js';
import { ODataQueryError } from '../query/odata-query-error.js';
import { parseOrderBy, type OrderByItem } from '../query/orderby.js';
import { parseSelect } from '../query/select.js';
import { compileFilterAst } from '../query/sql-compiler.js';

export type Options = Map<string, QueryOption>;

const SUPPORTED = new Set([
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$select',
  '$skiptoken',
  '$format',
  '$expand',
  '$apply',
]);
const NOT_IMPLEMENTED = new Set([
  '$search',
  '$compute',
  '$levels',
  '$index',
  '$schemaversion',
  '$deltatoken',
  '$id',
]);

const bad = (message: string) => new ODataQueryError(400, message);

/** The system query options, checked for what they are before anything is read. */
export interface PlainOptions {
  top: number | undefined;
  skip: number;
  count: boolean;
}

/**
 * Checks what can be checked without the data source's model: unknown (400) and unsupported
 * (501) system options, `$top`, `$skip` and `$count` values. A request that fails here costs
 * no database work.
 */
export function checkPlainOptions(options: Options): PlainOptions {
  for (const name of options.keys()) {
    if (!name.startsWith('$')) continue;
    if (NOT_IMPLEMENTED.has(name)) {
      throw new ODataQueryError(501, `The query option ${name} is not supported`);
    }
    if (!SUPPORTED.has(name)) throw bad(`Unknown system query option ${name}`);
  }
  const count = options.get('$count')?.value;
  if (count !== undefined && count !== 'true' && count !== 'false') {
    throw bad('$count must be true or false');
  }
  return {
    top: wholeNumber(options.get('$top')),
    skip: wholeNumber(options.get('$skip')) ?? 0,
    count: count === 'true',
  };
}

function wholeNumber(option: QueryOption | undefined): number | undefined {
  if (!option) return undefined;
  if (!/^\d{1,9}$/.test(option.value)) {
    throw bad(
      `${option.name} must be a non-negative whole number, got "${option.value.slice(0, 40)}"`,
    );
  }
  return Number(option.value);
}

/** Every query option of a collection read, resolved against the model it reads from. */
export interface CollectionOptions extends PlainOptions {
  /** The rows' model: the entity set's, or what `$apply` made of it. */
  model: EntitySetModel;
  apply: AppliedRelation | null;
  filter: FilterNode | null;
  orderBy: OrderByItem[];
  /** Null: every property, without a select list in the context URL. */
  select: PropertyModel[] | null;
  expand: ExpandItem[];
  skipToken: string | null;
}

/**
 * Resolves the options of a read of `scope` against its model. `$apply` comes
 * first and the other options apply to its result; `$expand` does not combine with it (501).
 */
export function resolveOptions(
  options: Options,
  plain: PlainOptions,
  scope: Scope,
  sets: EntitySetModel[],
): CollectionOptions {
  const set = scope.set;
  const text = (name: string) => options.get(name)?.value;
  const applyText = text('$apply');
  // $apply reads the scope (key, navigation parent, row filters) as its first derived table.
  const scoped = scope.conditions.length
    ? `(select * from ${scope.from} where ${scope.conditions.join(' and ')}) as "scope"`
    : scope.from;
  const apply =
    applyText === undefined ? null : compileApply(applyText, set, scoped, [...scope.params]);
  const model = apply?.model ?? set;
  if (apply && options.has('$expand')) {
    throw new ODataQueryError(501, '$expand together with $apply is not supported');
  }
  const filterText = text('$filter');
  const filter = filterText === undefined ? null : parseFilter(filterText);
  // Type-checked now, so that a wrong filter costs no query.
  if (filter) compileFilterAst(filter, model, []);
  const orderByText = text('$orderby');
  const selectText = text('$select');
  const expandText = text('$expand');
  return {
    ...plain,
    model,
    apply,
    filter,
    orderBy: orderByText === undefined ? [] : parseOrderBy(orderByText, model),
    select: selectText === undefined ? null : parseSelect(selectText, model),
    expand: expandText === undefined ? [] : parseExpand(expandText, set, sets),
    skipToken: text('$skiptoken') ?? null,
  };
}

/** Options that make no sense for a single entity are refused, not ignored. */
export function checkSingleEntityOptions(options: Options): void {
  for (const name of ['$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken', '$apply']) {
    if (options.has(name)) {
      throw bad(`${name} applies to collections; this address is a single entity`);
    }
  }
}
