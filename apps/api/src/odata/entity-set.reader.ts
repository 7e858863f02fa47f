import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SourceDatabase } from '../data-sources/source-database.js';
import type { Feed } from './feed.service.js';
import { ODataException } from './odata-error.js';
import {
  compileFilter,
  parseOrderBy,
  parseSelect,
  quoteIdentifier,
  SQL_TYPE,
  type EdmType,
  type EntitySetModel,
  type PropertyModel,
} from './query/index.js';
import type { QueryOption } from './query-string.js';
import { rowWriter } from './serialize.js';

const SUPPORTED = new Set([
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$select',
  '$skiptoken',
  '$format',
]);
const NOT_IMPLEMENTED = new Set([
  '$expand',
  '$search',
  '$apply',
  '$compute',
  '$levels',
  '$index',
  '$schemaversion',
  '$deltatoken',
  '$id',
]);

const ident = quoteIdentifier;
const bad = (message: string) => new ODataException(400, 'bad_request', message);

/** Where the previous page ended: key values (keyset paging) or a row offset, and rows sent. */
interface SkipToken {
  k?: unknown[];
  o?: number;
  n: number;
}

export interface ReadContext {
  feed: Feed;
  set: EntitySetModel;
  options: Map<string, QueryOption>;
  /** `{scheme}://{host}/odata/{key}/` of this request. */
  serviceRoot: string;
  /** `{scheme}://{host}{path}` of this request, for next links. */
  requestUrl: string;
  ieee754: boolean;
  maxPageSize: number | null;
}

export interface ReadResult {
  body: string;
  preferenceApplied: string | null;
}

function nonNegative(option: QueryOption | undefined): number | undefined {
  if (!option) return undefined;
  if (!/^\d{1,9}$/.test(option.value))
    throw bad(
      `${option.name} must be a non-negative whole number, got "${option.value.slice(0, 40)}"`,
    );
  return Number(option.value);
}

/**
 * Reads an entity set with the OData query options, paged by the server. Tables with a
 * primary key page by keyset (WHERE (key…) > (last…)), so page 200 costs what page 1
 * costs and only one page is ever in memory; other sets fall back to offsets.
 */
@Injectable()
export class EntitySetReader {
  constructor(
    private readonly source: SourceDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  checkOptions(options: Map<string, QueryOption>): void {
    for (const name of options.keys()) {
      if (!name.startsWith('$')) continue;
      if (NOT_IMPLEMENTED.has(name))
        throw new ODataException(
          501,
          'not_implemented',
          `The query option ${name} is not supported`,
        );
      if (!SUPPORTED.has(name)) throw bad(`Unknown system query option ${name}`);
    }
    const format = options.get('$format')?.value;
    if (format !== undefined && !/^(json|application\/json)(;|$)/i.test(format)) {
      throw new ODataException(
        406,
        'not_acceptable',
        `$format ${format} is not offered; this service speaks JSON`,
      );
    }
    const count = options.get('$count')?.value;
    if (count !== undefined && count !== 'true' && count !== 'false')
      throw bad('$count must be true or false');
  }

  async read(ctx: ReadContext): Promise<ReadResult> {
    const { set, options } = ctx;
    this.checkOptions(options);
    const table = `${ident(this.source.schema)}.${ident(ctx.feed.source.get(set.name)!.table)}`;
    const params: unknown[] = [];
    const filter = options.get('$filter')
      ? compileFilter(options.get('$filter')!.value, set, params)
      : null;
    const filterParams = params.length;
    const order = options.get('$orderby') ? parseOrderBy(options.get('$orderby')!.value, set) : [];
    const selected = options.get('$select')
      ? parseSelect(options.get('$select')!.value, set)
      : set.properties;
    const top = nonNegative(options.get('$top'));
    const skip = nonNegative(options.get('$skip')) ?? 0;
    const byName = new Map(set.properties.map((p) => [p.name, p]));
    const ordering = [...order];
    for (const name of set.key) {
      if (!ordering.some((o) => o.property.name === name))
        ordering.push({ property: byName.get(name)!, descending: false });
    }
    const keyset =
      ctx.feed.source.get(set.name)!.uniqueKey && ordering.every((o) => !o.property.nullable);
    const token = options.get('$skiptoken')
      ? decodeSkipToken(options.get('$skiptoken')!.value, keyset ? ordering : null)
      : null;

    const pageSize = Math.min(
      this.config.odataPageSize,
      ctx.maxPageSize ?? Number.MAX_SAFE_INTEGER,
    );
    const sent = token?.n ?? 0;
    const remaining = top === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, top - sent);
    const take = Math.min(pageSize, remaining);

    const conditions = filter ? [`(${filter})`] : [];
    if (keyset && token?.k) conditions.push(keysetCondition(ordering, token.k, params));
    const where = conditions.length ? ` where ${conditions.join(' and ')}` : '';
    const columns = new Map<string, PropertyModel>();
    for (const p of [...selected, ...ordering.map((o) => o.property)]) columns.set(p.column, p);
    const offset = keyset ? (token ? 0 : skip) : (token?.o ?? skip);
    const sql =
      `select ${[...columns.keys()].map(ident).join(', ')} from ${table}${where}` +
      // OData sorts null before every value ascending, after them descending (ODATA-330).
      ` order by ${ordering
        .map(
          (o) =>
            `${ident(o.property.column)} ${o.descending ? 'desc' : 'asc'}${o.property.nullable ? (o.descending ? ' nulls last' : ' nulls first') : ''}`,
        )
        .join(', ')}` +
      ` limit ${take + 1}` +
      (offset ? ` offset ${offset}` : '');

    const [rows, count] = await Promise.all([
      take > 0 ? this.query(sql, params).then((r) => r.rows) : Promise.resolve([]),
      options.get('$count')?.value === 'true'
        ? this.count(table, filter, params.slice(0, filterParams))
        : Promise.resolve(null),
    ]);
    const more = rows.length > take && take < remaining;
    const page = rows.slice(0, take);
    const write = rowWriter(selected, { ieee754: ctx.ieee754 });

    const context = `${ctx.serviceRoot}$metadata#${set.name}${options.get('$select') ? `(${selected.map((p) => p.name).join(',')})` : ''}`;
    let body = `{"@odata.context":${JSON.stringify(context)}`;
    if (count !== null) body += `,"@odata.count":${ctx.ieee754 ? JSON.stringify(count) : count}`;
    body += ',"value":[';
    for (let i = 0; i < page.length; i++) body += (i ? ',' : '') + write(page[i]);
    body += ']';
    if (more && page.length) {
      const last = page[page.length - 1];
      const next: SkipToken = keyset
        ? { k: ordering.map((o) => last[o.property.column]), n: sent + page.length }
        : { o: offset + page.length, n: sent + page.length };
      body += `,"@odata.nextLink":${JSON.stringify(nextLink(ctx, next))}`;
    }
    body += '}';
    const preferenceApplied = ctx.maxPageSize !== null ? `odata.maxpagesize=${pageSize}` : null;
    return { body, preferenceApplied };
  }

  /** `/$count`: the number of rows matching `$filter`, as plain text. */
  async countOnly(ctx: ReadContext): Promise<string> {
    this.checkOptions(ctx.options);
    const table = `${ident(this.source.schema)}.${ident(ctx.feed.source.get(ctx.set.name)!.table)}`;
    const params: unknown[] = [];
    const filter = ctx.options.get('$filter')
      ? compileFilter(ctx.options.get('$filter')!.value, ctx.set, params)
      : null;
    return this.count(table, filter, params);
  }

  private async count(table: string, filter: string | null, params: unknown[]): Promise<string> {
    const { rows } = await this.query(
      `select count(*) as n from ${table}${filter ? ` where ${filter}` : ''}`,
      params,
    );
    return String(rows[0].n);
  }

  /**
   * A value PostgreSQL cannot take for its column (SQLSTATE class 22, e.g. a date out of
   * range in a literal) is the client's mistake: 400, not 500. A query that runs past the
   * statement timeout is 503.
   */
  private async query(text: string, values: unknown[]) {
    try {
      return await this.source.pool.query({ text, values });
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('22'))
        throw bad(`A value in the query cannot be used: ${(error as Error).message}`);
      if (code === '57014')
        throw new ODataException(
          503,
          'timeout',
          'The query took too long; narrow it with $filter or $top',
        );
      throw error;
    }
  }
}

/** Rows strictly after `values` in the given ordering. */
function keysetCondition(
  ordering: { property: PropertyModel; descending: boolean }[],
  values: unknown[],
  params: unknown[],
): string {
  const placeholder = (i: number) => {
    params.push(values[i]);
    return `$${params.length}::${SQL_TYPE[ordering[i].property.type]}`;
  };
  const sameDirection = ordering.every((o) => o.descending === ordering[0].descending);
  if (sameDirection) {
    const cols = ordering.map((o) => ident(o.property.column)).join(', ');
    const vals = ordering.map((_, i) => placeholder(i)).join(', ');
    return `(${cols}) ${ordering[0].descending ? '<' : '>'} (${vals})`;
  }
  const alternatives: string[] = [];
  for (let i = 0; i < ordering.length; i++) {
    const parts: string[] = [];
    for (let j = 0; j < i; j++)
      parts.push(`${ident(ordering[j].property.column)} = ${placeholder(j)}`);
    parts.push(
      `${ident(ordering[i].property.column)} ${ordering[i].descending ? '<' : '>'} ${placeholder(i)}`,
    );
    alternatives.push(`(${parts.join(' and ')})`);
  }
  return `(${alternatives.join(' or ')})`;
}

/** Whether a value handed back in a skiptoken can be the given type (never trusted blindly). */
function fitsType(type: EdmType, value: unknown): boolean {
  switch (type) {
    case 'Edm.Int16':
    case 'Edm.Int32':
      return Number.isSafeInteger(value);
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return typeof value === 'string' && /^-?\d{1,40}(\.\d{1,40})?$/.test(value);
    case 'Edm.Double':
    case 'Edm.Single':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Edm.Boolean':
      return typeof value === 'boolean';
    case 'Edm.Date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'Edm.DateTimeOffset':
      return (
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)?$/.test(value)
      );
    case 'Edm.TimeOfDay':
      return typeof value === 'string' && /^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value);
    case 'Edm.Guid':
      return (
        typeof value === 'string' &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
      );
    case 'Edm.String':
      return typeof value === 'string';
  }
}

function decodeSkipToken(text: string, ordering: { property: PropertyModel }[] | null): SkipToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SkipToken;
    const valid =
      Number.isSafeInteger(token.n) &&
      token.n >= 0 &&
      (ordering
        ? Array.isArray(token.k) &&
          token.k.length === ordering.length &&
          token.k.every((v, i) => fitsType(ordering[i].property.type, v))
        : Number.isSafeInteger(token.o) && token.o! >= 0);
    if (valid) return token;
  } catch {
    // fall through
  }
  throw bad('$skiptoken is not one this service handed out; start again from the first page');
}

function nextLink(ctx: ReadContext, token: SkipToken): string {
  const kept = [...ctx.options.values()]
    .filter((o) => o.name !== '$skiptoken' && o.name !== '$skip')
    .map((o) => o.raw);
  kept.push(`$skiptoken=${Buffer.from(JSON.stringify(token)).toString('base64url')}`);
  return `${ctx.requestUrl}?${kept.join('&')}`;
}
