import { quoteIdentifier, type EntitySetModel, type PropertyModel } from '../query/edm.js';
import type { ExpandItem } from '../query/expand.js';
import { compileFilterAst } from '../query/sql-compiler.js';
import { JsonChunks, RowBytesWriter, type RelatedObject } from '../row-bytes.js';
import { rowWriter } from '../serialize.js';
import type { BodyStream } from './body-stream.js';
import {
  isJoinable,
  joinRelated,
  loadExpansion,
  parentColumns,
  type ExpansionContext,
  type ExpansionWriter,
  type Query,
} from './expansion.js';
import type { StreamQuery } from './source-query.js';
import {
  decodeSkipToken,
  encodeSkipToken,
  keysetCondition,
  orderByClause,
  type Ordering,
  type SkipToken,
} from './paging.js';
import type { CollectionOptions } from './query-options.js';

const ident = quoteIdentifier;
type Row = Record<string, unknown>;

/**
 * What a read is confined to before any query option applies: the table (or `$apply`'s derived
 * table), and conditions already bound — a key, the parent of a navigation, a row filter.
 */
export interface Scope {
  set: EntitySetModel;
  /** Quoted table, or `(select …) as "tN"`. */
  from: string;
  /** Whether the set's key is unique in `from`, so pages can go by keyset. */
  uniqueKey: boolean;
  conditions: string[];
  params: unknown[];
}

export interface WriteSettings extends ExpansionContext {
  /** `{…}/$metadata#Deals(…)`, or null for `odata.metadata=none`. */
  context: string | null;
  /** `{scheme}://{host}{path}` of this request, for next links. */
  requestUrl: string;
  /** The raw query options, to carry into next links. */
  rawOptions: { name: string; raw: string }[];
  /** Written first in every row (`"@odata.id":null` for aggregated rows). */
  rowPrefix?: string;
}

/** Everything a page needs, compiled once: SQL, parameters, paging. */
interface PagePlan {
  sql: string;
  params: unknown[];
  /** The selected columns, in select order. */
  columns: PropertyModel[];
  countSql: string | null;
  countParams: unknown[];
  take: number;
  remaining: number;
  keyset: boolean;
  ordering: Ordering[];
  offset: number;
  sent: number;
}

/**
 * Reads one page of a collection and streams it as OData JSON. Tables with a primary key page
 * by keyset (WHERE (key…) > (last…)), so page 200 costs what page 1 costs and only one page is
 * ever in memory; other sets (views, `$apply` results) page by offset. A single-valued
 * `$expand` is joined into the page's statement; an expanded collection costs one more
 * statement per page, never one per row.
 */
export async function readCollection(
  scope: Scope,
  options: CollectionOptions,
  settings: WriteSettings,
  source: { query: Query; stream: StreamQuery },
  out: BodyStream,
): Promise<void> {
  const plan = planPage(scope, options, settings.pageSize);
  const expand = options.expand;
  if (!options.count && plan.take > 0) {
    if (!expand.length) return streamPage(plan, options, settings, source.stream, out);
    if (expand.every(isJoinable)) {
      const joined = joinRelated(plan, expand, options.model, settings);
      return streamPage({ ...plan, ...joined }, options, settings, source.stream, out);
    }
  }
  return heldPage(plan, options, settings, source, out);
}

/**
 * A page with `$count` or an expanded collection: its rows are held as PostgreSQL sent them
 * (one buffer of their bytes) until the count and the expansions are in — an expansion needs
 * the page's keys before the first row is written — then written from those bytes as a
 * streamed page is, each row followed by its expanded properties.
 */
async function heldPage(
  plan: PagePlan,
  options: CollectionOptions,
  settings: WriteSettings,
  source: { query: Query; stream: StreamQuery },
  out: BodyStream,
): Promise<void> {
  const model = options.model;
  const positions = new Map(plan.columns.map((p, i) => [p, i]));
  const rows = new RowBytesWriter(options.select ?? model.properties, positions, {
    ieee754: settings.ieee754,
    omitNulls: settings.omitNulls,
    prefix: settings.rowPrefix,
  });
  const held = new HeldRows(plan.take);
  const [, count] = await Promise.all([
    plan.take > 0
      ? source.stream(plan.sql, plan.params, {
          describe: (columns) => rows.describe(columns),
          row: (bytes, start, end) => held.add(bytes, start, end),
        })
      : null,
    plan.countSql
      ? source.query(plan.countSql, plan.countParams).then((r) => String(r[0].n))
      : null,
  ]);
  const page = held.starts.length;
  const more = held.seen > plan.take && plan.take < plan.remaining;
  // What the expansions read of each parent: its join columns and key, as pg parses them.
  const needed = unique([...parentColumns(options.expand, model), ...keyProperties(model)]).map(
    (p) => ({ name: p.column, column: positions.get(p)! }),
  );
  const parents: Row[] = options.expand.length
    ? held.starts.map((start) => rows.object(held.bytes, start, needed))
    : [];
  const expand = await expansions(options.expand, model, parents, source.query, settings);
  // Parents that share a related row share its text (read/expansion.ts): encoded once a page.
  const encoded = new Map<string, Buffer>();
  const bytesOf = (text: string) => {
    let bytes = encoded.get(text);
    if (!bytes) encoded.set(text, (bytes = Buffer.from(text)));
    return bytes;
  };

  const json = new JsonChunks((bytes, written) => out.pushBytes(bytes, written));
  json.text(pageHead(settings, count));
  for (let i = 0; i < page; i++) {
    if (i) json.byte(0x2c); // ,
    const suffix = expand && bytesOf(expand(parents[i]));
    rows.write(json, held.bytes, held.starts[i], held.ends[i], suffix);
  }
  const last = more && page ? held.starts[page - 1] : -1;
  json.text(
    pageTail(
      plan,
      settings,
      page,
      last < 0 ? null : (o) => rows.value(held.bytes, last, positions.get(o.property)!),
    ),
  );
  json.end();
  await out.settle();
}

/** The first `limit` rows of a statement, copied into one buffer; `seen` counts them all. */
class HeldRows {
  bytes = Buffer.allocUnsafe(64 * 1024);
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  seen = 0;
  private size = 0;

  constructor(private readonly limit: number) {}

  add(src: Buffer, start: number, end: number): void {
    if (this.seen++ === this.limit) return;
    const length = end - start;
    if (this.size + length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.size + length));
      this.bytes.copy(bigger, 0, 0, this.size);
      this.bytes = bigger;
    }
    src.copy(this.bytes, this.size, start, end);
    this.starts.push(this.size);
    this.size += length;
    this.ends.push(this.size);
  }
}

/**
 * The common page, without `$count` or a collection in `$expand`: its rows are written as
 * PostgreSQL sends them, from the bytes of each row straight into the bytes of the response
 * (odata/row-bytes.ts), so the server's work overlaps the database's and a page is never held
 * whole, neither as rows nor as text. A single-valued expansion is joined into the page's
 * statement (`joinRelated`) and written inside each row from the same bytes. The row after
 * the page only says that there is more.
 */
async function streamPage(
  plan: PagePlan & { related?: RelatedObject[] },
  options: CollectionOptions,
  settings: WriteSettings,
  stream: StreamQuery,
  out: BodyStream,
): Promise<void> {
  const positions = new Map(plan.columns.map((p, i) => [p, i]));
  const rows = new RowBytesWriter(options.select ?? options.model.properties, positions, {
    ieee754: settings.ieee754,
    omitNulls: settings.omitNulls,
    prefix: settings.rowPrefix,
    related: plan.related,
  });
  const json = new JsonChunks((bytes, written) => out.pushBytes(bytes, written));
  json.text(pageHead(settings, null));
  let written = 0;
  // The page's last row, copied (the bytes are read into again): the next link starts after it.
  let last: Buffer | null = null;
  let more = false;
  await stream(plan.sql, plan.params, {
    describe: (columns) => rows.describe(columns),
    row: (bytes, start, end) => {
      if (written === plan.take) {
        more = plan.take < plan.remaining;
        return;
      }
      if (written) json.byte(0x2c); // ,
      rows.write(json, bytes, start, end);
      if (++written === plan.take) last = Buffer.from(bytes.subarray(start, end));
    },
  });
  const row = more ? (last as Buffer | null) : null;
  json.text(
    pageTail(
      plan,
      settings,
      written,
      row && ((o) => rows.value(row, 0, positions.get(o.property)!)),
    ),
  );
  json.end();
  await out.settle();
}

/** `{"@odata.context":…,"@odata.count":…,"value":[`: what a page starts with. */
function pageHead(settings: WriteSettings, count: string | null): string {
  let head = '{';
  if (settings.context !== null) head += `"@odata.context":${JSON.stringify(settings.context)},`;
  if (count !== null) head += `"@odata.count":${settings.ieee754 ? JSON.stringify(count) : count},`;
  return `${head}"value":[`;
}

/**
 * `]}`, with the next link when there is more: `lastKey` reads an ordering value of the last
 * row written (null when the page is the last one).
 */
function pageTail(
  plan: PagePlan,
  settings: WriteSettings,
  written: number,
  lastKey: ((o: Ordering) => unknown) | null,
): string {
  if (!lastKey || !written) return ']}';
  const sent = plan.sent + written;
  const next: SkipToken = plan.keyset
    ? { k: plan.ordering.map(lastKey), n: sent }
    : { o: plan.offset + written, n: sent };
  return `],"@odata.nextLink":${JSON.stringify(nextLink(settings, next))}}`;
}

/** The number of rows in scope that match `$filter`, for `…/$count`. */
export async function countCollection(
  scope: Scope,
  options: CollectionOptions,
  query: Query,
): Promise<string> {
  const { params, conditions } = start(scope, options);
  if (options.filter)
    conditions.push(`(${compileFilterAst(options.filter, options.model, params)})`);
  const rows = await query(
    `select count(*) as n from ${from(scope, options)}${where(conditions)}`,
    params,
  );
  return String(rows[0].n);
}

/** Reads the rows of one entity (a key in scope), with its expansions; null when absent. */
export async function readEntity(
  scope: Scope,
  select: PropertyModel[] | null,
  expand: ExpandItem[],
  settings: WriteSettings,
  query: Query,
): Promise<string | null> {
  const set = scope.set;
  const selected = select ?? set.properties;
  const columns = unique([...selected, ...parentColumns(expand, set), ...keyProperties(set)]);
  const rows = await query(
    `select ${columns.map((p) => ident(p.column)).join(', ')} from ${scope.from}${where(scope.conditions)} limit 2`,
    scope.params,
  );
  if (rows.length === 0) return null;
  const suffix = await expansions(expand, set, rows.slice(0, 1), query, settings);
  const write = rowWriter(selected, {
    ieee754: settings.ieee754,
    omitNulls: settings.omitNulls,
    prefix: settings.context === null ? '' : `"@odata.context":${JSON.stringify(settings.context)}`,
    suffix,
  });
  return write(rows[0]);
}

function planPage(scope: Scope, options: CollectionOptions, configuredPageSize: number): PagePlan {
  const model = options.model;
  const { params, conditions } = start(scope, options);
  if (options.filter) conditions.push(`(${compileFilterAst(options.filter, model, params)})`);
  const countParams = [...params];
  const countConditions = [...conditions];

  const ordering: Ordering[] = [...options.orderBy];
  for (const key of keyProperties(model)) {
    if (!ordering.some((o) => o.property === key))
      ordering.push({ property: key, descending: false });
  }
  const keyset = !options.apply && scope.uniqueKey && ordering.every((o) => !o.property.nullable);
  const token = options.skipToken
    ? decodeSkipToken(options.skipToken, keyset ? ordering : null)
    : null;
  const sent = token?.n ?? 0;
  const remaining =
    options.top === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, options.top - sent);
  const take = Math.min(configuredPageSize, remaining);
  if (keyset && token?.k) conditions.push(keysetCondition(ordering, token.k, params));

  const selected = options.select ?? model.properties;
  const columns = unique([
    ...selected,
    ...ordering.map((o) => o.property),
    ...parentColumns(options.expand, model),
  ]);
  const offset = keyset ? (token ? 0 : options.skip) : (token?.o ?? options.skip);
  const source = from(scope, options);
  const sql =
    `select ${columns.map((p) => ident(p.column)).join(', ')} from ${source}${where(conditions)}` +
    (ordering.length ? ` order by ${orderByClause(ordering)}` : '') +
    ` limit ${take + 1}` +
    (offset ? ` offset ${offset}` : '');
  return {
    sql,
    params,
    columns,
    countSql: options.count ? `select count(*) as n from ${source}${where(countConditions)}` : null,
    countParams,
    take,
    remaining,
    keyset,
    ordering,
    offset,
    sent,
  };
}

/** `$apply` reads from its derived table, which already holds the scope's conditions. */
function from(scope: Scope, options: CollectionOptions): string {
  return options.apply ? options.apply.from : scope.from;
}

/** The parameters and conditions a statement starts from: the scope's, or `$apply`'s. */
function start(scope: Scope, options: CollectionOptions) {
  return options.apply
    ? { params: [...options.apply.params], conditions: [] as string[] }
    : { params: [...scope.params], conditions: [...scope.conditions] };
}

function where(conditions: string[]): string {
  return conditions.length ? ` where ${conditions.join(' and ')}` : '';
}

async function expansions(
  items: ExpandItem[],
  set: EntitySetModel,
  page: Row[],
  query: Query,
  ctx: ExpansionContext,
): Promise<((row: Row) => string) | undefined> {
  if (!items.length) return undefined;
  const writers: ExpansionWriter[] = await Promise.all(
    items.map((item) => loadExpansion(item, set, page, query, ctx)),
  );
  return (row) => {
    let out = '';
    for (const w of writers) out += w(row);
    return out;
  };
}

function nextLink(settings: WriteSettings, token: SkipToken): string {
  const kept = settings.rawOptions
    .filter((o) => o.name !== '$skiptoken' && o.name !== '$skip')
    .map((o) => o.raw);
  kept.push(`$skiptoken=${encodeSkipToken(token)}`);
  return `${settings.requestUrl}?${kept.join('&')}`;
}

function keyProperties(set: EntitySetModel): PropertyModel[] {
  return set.key.map((name) => set.properties.find((p) => p.name === name)!);
}

function unique(props: PropertyModel[]): PropertyModel[] {
  return [...new Set(props)];
}

/** The first `top` rows in scope in key order: what a preview shows of a set. */
export async function readFirstRows(scope: Scope, top: number, query: Query): Promise<Row[]> {
  const ordering = keyProperties(scope.set).map((property) => ({ property, descending: false }));
  return query(
    `select ${scope.set.properties.map((p) => ident(p.column)).join(', ')} from ${scope.from}` +
      `${where(scope.conditions)} order by ${orderByClause(ordering)} limit ${Math.floor(top)}`,
    scope.params,
  );
}

/** Some columns of the rows in scope (one entity's, where the scope holds its key). */
export function readColumns(scope: Scope, columns: PropertyModel[], query: Query): Promise<Row[]> {
  return query(
    `select ${columns.map((p) => ident(p.column)).join(', ')} from ${scope.from}${where(scope.conditions)} limit 2`,
    scope.params,
  );
}
