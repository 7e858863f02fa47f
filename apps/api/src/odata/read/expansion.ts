import {
  quoteIdentifier,
  SQL_TYPE,
  type EntitySetModel,
  type PropertyModel,
} from '../query/edm.js';
import type { ExpandItem } from '../query/expand.js';
import { compileFilterAst } from '../query/sql-compiler.js';
import { RowBytesWriter, type RelatedObject } from '../row-bytes.js';
import { rawValue, rowWriter } from '../serialize.js';
import { encodeSkipToken, orderByClause, type Ordering } from './paging.js';

const ident = quoteIdentifier;
type Row = Record<string, unknown>;

/** Runs one statement: the reader's pool with its error mapping. */
export type Query = (text: string, params: unknown[]) => Promise<Row[]>;

/** Where an expansion reads from and how its rows are written. */
export interface ExpansionContext {
  /** The quoted, schema-qualified table of each entity set. */
  tableOf: (set: string) => string;
  /** The row filter of a set as a condition (values pushed onto params), or null. */
  rowFilter: (set: EntitySetModel, params: unknown[]) => string | null;
  ieee754: boolean;
  omitNulls: boolean;
  /** Bound of an expanded collection without a nested `$top`. */
  pageSize: number;
  serviceRoot: string;
}

/** Writes the expanded properties of one parent row: `,"Account":{…}` or `,"Deals":[…]`. */
export type ExpansionWriter = (parent: Row) => string;

const ROW_NUMBER = '@rn';

/** The parent columns an expansion joins on, which the page must fetch even if not selected. */
export function parentColumns(items: ExpandItem[], parent: EntitySetModel): PropertyModel[] {
  return items.flatMap((item) => item.navigation.pairs.map((p) => property(parent, p.local)));
}

/**
 * Loads one expanded navigation property for a whole page with ONE statement, whatever the
 * number of parents: single-valued ends by `remote = any($1)`, collections with a window
 * function that keeps at most the nested `$top` (or the page size) rows per parent. A parent
 * whose collection goes on gets `Nav@odata.nextLink`, the navigation URL that continues it.
 */
export async function loadExpansion(
  item: ExpandItem,
  parentSet: EntitySetModel,
  parents: Row[],
  query: Query,
  ctx: ExpansionContext,
): Promise<ExpansionWriter> {
  const { navigation, target } = item;
  const name = JSON.stringify(navigation.name);
  const local = navigation.pairs.map((p) => property(parentSet, p.local));
  const remote = navigation.pairs.map((p) => property(target, p.remote));
  const tupleOf = (row: Row, props: PropertyModel[]) => {
    if (props.length === 1) {
      // The usual foreign key, one column: read on every row of the page, so no arrays.
      const value = row[props[0]!.column];
      return value === null || value === undefined ? null : String(value);
    }
    const values = props.map((p) => row[p.column]);
    return values.some((v) => v === null || v === undefined)
      ? null
      : values.map(String).join('\u0000');
  };
  const selected = item.select ?? target.properties;
  const columns = unique([
    ...selected,
    ...remote,
    ...item.orderBy.map((o) => o.property),
    ...keyOf(target),
  ]);
  const write = rowWriter(selected, { ieee754: ctx.ieee754, omitNulls: ctx.omitNulls });

  const distinct = new Map<string, unknown[]>();
  for (const row of parents) {
    const tuple = tupleOf(row, local);
    if (tuple !== null && !distinct.has(tuple))
      distinct.set(
        tuple,
        local.map((p) => row[p.column]),
      );
  }
  if (distinct.size === 0) {
    return navigation.collection ? () => `,${name}:[]` : () => `,${name}:null`;
  }

  const params: unknown[] = [];
  const match = matchCondition(remote, [...distinct.values()], params);
  const table = ctx.tableOf(target.name);
  const select = columns.map((p) => ident(p.column)).join(', ');

  const conditions = [match];
  // A related row hidden by its set's row filter is not there: null, or left out.
  const hidden = ctx.rowFilter(target, params);
  if (hidden) conditions.push(hidden);

  if (!navigation.collection) {
    const rows = await query(
      `select ${select} from ${table} where ${conditions.join(' and ')}`,
      params,
    );
    // Many parents share one related row (deals of one account): each is written once a page.
    const written = new Map<string, string>();
    for (const row of rows) written.set(tupleOf(row, remote)!, `,${name}:${write(row)}`);
    const none = `,${name}:null`;
    return (parent) => {
      const tuple = tupleOf(parent, local);
      return (tuple === null ? undefined : written.get(tuple)) ?? none;
    };
  }

  if (item.filter) conditions.push(`(${compileFilterAst(item.filter, target, params)})`);
  const ordering: Ordering[] = [...item.orderBy];
  for (const key of keyOf(target)) {
    if (!ordering.some((o) => o.property === key))
      ordering.push({ property: key, descending: false });
  }
  const bound = item.top ?? ctx.pageSize;
  params.push(bound + (item.top === null ? 1 : 0));
  const partition = remote.map((p) => ident(p.column)).join(', ');
  const rows = await query(
    `select * from (select ${select}, row_number() over (partition by ${partition} order by ${orderByClause(ordering)}) as ${ident(ROW_NUMBER)}` +
      ` from ${table} where ${conditions.join(' and ')}) as expanded` +
      ` where ${ident(ROW_NUMBER)} <= $${params.length} order by ${partition}, ${ident(ROW_NUMBER)}`,
    params,
  );
  const byParent = new Map<string, Row[]>();
  for (const row of rows) {
    const tuple = tupleOf(row, remote)!;
    const list = byParent.get(tuple);
    if (list) list.push(row);
    else byParent.set(tuple, [row]);
  }
  return (parent) => {
    const children = byParent.get(tupleOf(parent, local) ?? '') ?? [];
    const more = item.top === null && children.length > bound;
    const shown = more ? children.slice(0, bound) : children;
    let out = '';
    if (more) {
      const last = shown[shown.length - 1];
      const link = continuation(item, parentSet.name, formatKey(parentSet, parent), ctx, {
        k: ordering.map((o) => last[o.property.column]),
        n: bound,
      });
      out += `,${JSON.stringify(`${navigation.name}@odata.nextLink`)}:${JSON.stringify(link)}`;
    }
    out += `,${name}:[`;
    for (let i = 0; i < shown.length; i++) out += (i ? ',' : '') + write(shown[i]);
    return `${out}]`;
  };
}

/** Whether an expansion can be joined to its page's statement (`joinRelated`). */
export function isJoinable(item: ExpandItem): boolean {
  return !item.navigation.collection;
}

/** A page's statement with its single-valued expansions joined in (`joinRelated`). */
export interface JoinedPage {
  sql: string;
  params: unknown[];
  /** How each row's related objects are written from the joined columns. */
  related: RelatedObject[];
}

/**
 * Joins the related row of each single-valued expansion to the page's own statement, so the
 * page reads in one statement and streams like a plain one (`Deals?$expand=Account`): the
 * page (`sql`, whose columns are `columns` and include the join columns) as a derived table,
 * each target read beside each of its rows by a lateral subquery on the foreign key, with
 * the target's row filter (a related row it hides is not there: null, as with
 * `loadExpansion`). The key it references is unique, and `limit 1` says so to the planner,
 * which then keeps the subquery apart and runs it as a nested loop (memoized per key): that
 * keeps the page's rows in the page's order, so the page's own `order by` (written with
 * column positions, as a target may share the page's column names) needs no sort and the
 * first row leaves as soon as it is read. A hash join would have to sort the whole page first.
 */
export function joinRelated(
  page: { sql: string; params: unknown[]; columns: PropertyModel[]; ordering: Ordering[] },
  items: ExpandItem[],
  parentSet: EntitySetModel,
  ctx: ExpansionContext,
): JoinedPage {
  const params = [...page.params];
  const selects = ['p.*'];
  const joins: string[] = [];
  const related: RelatedObject[] = [];
  let next = page.columns.length;
  items.forEach((item, n) => {
    const { navigation, target } = item;
    const alias = `x${n}`;
    const local = navigation.pairs.map((p) => property(parentSet, p.local));
    const remote = navigation.pairs.map((p) => property(target, p.remote));
    const selected = item.select ?? target.properties;
    const columns = unique([...remote, ...selected]);
    // Unqualified names inside the subquery are the target's own (its row filter's too).
    const conditions = remote.map((r, i) => `${ident(r.column)} = p.${ident(local[i]!.column)}`);
    const hidden = ctx.rowFilter(target, params);
    if (hidden) conditions.push(hidden);
    joins.push(
      ` left join lateral (select ${columns.map((c) => ident(c.column)).join(', ')}` +
        ` from ${ctx.tableOf(target.name)} where ${conditions.join(' and ')} limit 1)` +
        ` as ${alias} on true`,
    );
    selects.push(...columns.map((c) => `${alias}.${ident(c.column)}`));
    const positions = new Map(columns.map((c, i) => [c, next + i]));
    related.push({
      name: navigation.name,
      writer: new RowBytesWriter(selected, positions, {
        ieee754: ctx.ieee754,
        omitNulls: ctx.omitNulls,
      }),
      present: next, // the first remote column: never null in a joined row
    });
    next += columns.length;
  });
  const position = (p: PropertyModel) => String(page.columns.indexOf(p) + 1);
  const order = page.ordering.length ? ` order by ${orderByClause(page.ordering, position)}` : '';
  const sql = `select ${selects.join(', ')} from (${page.sql}) as p${joins.join('')}${order}`;
  return { sql, params, related };
}

/** `"account_id" = any($1::int[])`, or a tuple match through unnest for composite keys. */
function matchCondition(props: PropertyModel[], tuples: unknown[][], params: unknown[]): string {
  if (props.length === 1) {
    params.push(tuples.map((t) => t[0]));
    return `${ident(props[0].column)} = any($${params.length}::${SQL_TYPE[props[0].type]}[])`;
  }
  const arrays = props.map((p, i) => {
    params.push(tuples.map((t) => t[i]));
    return `$${params.length}::${SQL_TYPE[p.type]}[]`;
  });
  return `(${props.map((p) => ident(p.column)).join(', ')}) in (select * from unnest(${arrays.join(', ')}))`;
}

/** The URL that goes on reading a parent's expanded collection: `Accounts(7)/Deals?…`. */
function continuation(
  item: ExpandItem,
  parentSet: string,
  parentKey: string,
  ctx: ExpansionContext,
  token: { k: unknown[]; n: number },
): string {
  const query: string[] = [];
  if (item.nested.$select) query.push(`$select=${encodeURIComponent(item.nested.$select)}`);
  if (item.nested.$filter) query.push(`$filter=${encodeURIComponent(item.nested.$filter)}`);
  if (item.nested.$orderby) query.push(`$orderby=${encodeURIComponent(item.nested.$orderby)}`);
  query.push(`$skiptoken=${encodeSkipToken(token)}`);
  return `${ctx.serviceRoot}${parentSet}(${parentKey})/${item.navigation.name}?${query.join('&')}`;
}

/** A key predicate for a URL: `7`, `'O''Neil'`, `DealId=7,Product='W'`, %-encoded. */
export function formatKey(set: EntitySetModel, row: Row): string {
  const keys = keyOf(set);
  const literal = (p: PropertyModel) => {
    const text = rawValue(p.type, row[p.column]);
    return encodeURIComponent(p.type === 'Edm.String' ? `'${text.replace(/'/g, "''")}'` : text);
  };
  if (keys.length === 1) return literal(keys[0]);
  return keys.map((p) => `${p.name}=${literal(p)}`).join(',');
}

function keyOf(set: EntitySetModel): PropertyModel[] {
  return set.key.map((name) => property(set, name));
}

function property(set: EntitySetModel, name: string): PropertyModel {
  return set.properties.find((p) => p.name === name)!;
}

function unique(props: PropertyModel[]): PropertyModel[] {
  return [...new Set(props)];
}
