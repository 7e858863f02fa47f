import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { chooseEncoding } from './compression.js';
import { csdl } from './csdl.js';
import { FeedService, type Feed } from './feed.service.js';
import {
  negotiateFormat,
  parsePreferences,
  preferenceApplied,
  type ResponseFormat,
} from './negotiation.js';
import { parseQueryString } from './query-string.js';
import { clip, quoteIdentifier, SQL_TYPE, type EntitySetModel } from './query/edm.js';
import type { ExpandItem } from './query/expand.js';
import { ODataQueryError } from './query/odata-query-error.js';
import {
  keyCondition,
  parseResourcePath,
  targetOf,
  type ResourcePath,
} from './query/resource-path.js';
import { BodyStream } from './read/body-stream.js';
import {
  countCollection,
  readColumns,
  readCollection,
  readEntity,
  type Scope,
  type WriteSettings,
} from './read/collection-reader.js';
import {
  checkPlainOptions,
  checkSingleEntityOptions,
  resolveOptions,
  type Options,
  type PlainOptions,
} from './read/query-options.js';
import { rowFilterOf, scopeOf } from './read/scope.js';
import { SourceQuery } from './read/source-query.js';
import { rawValue, valueWriter } from './serialize.js';

type Resource = Extract<ResourcePath, { kind: 'resource' }>;

/** Everything about a request that is known before the data source is opened. */
interface Negotiated {
  key: string;
  segments: string[];
  options: Options;
  plain: PlainOptions;
  format: ResponseFormat;
  omitNulls: boolean;
  maxPageSize: number | null;
  head: boolean;
  encoding: ReturnType<typeof chooseEncoding>;
  origin: string;
  /** `{origin}{path}` of this request, for next links. */
  requestUrl: string;
}

/**
 * What a feed model's documents say, written once per model: the model (its frozen entity
 * sets) is shared by every request of its data sources until the catalog changes
 * (`FeedService.modelOf`), and Power Query asks for both documents on every refresh.
 */
const documents = new WeakMap<
  readonly EntitySetModel[],
  { serviceValue: string; metadata: string }
>();

function documentsOf(sets: readonly EntitySetModel[]) {
  let written = documents.get(sets);
  if (!written) {
    written = {
      serviceValue: JSON.stringify(
        sets.map((s) => ({ name: s.name, kind: 'EntitySet', url: s.name })),
      ),
      metadata: csdl(sets as EntitySetModel[]),
    };
    documents.set(sets, written);
  }
  return written;
}

const JSON_TYPE = (format: ResponseFormat) =>
  `application/json;odata.metadata=${format.metadata};odata.streaming=true;IEEE754Compatible=${format.ieee754}`;

/**
 * The OData feed: one entry point for every GET under `/odata/{key}/`. The URL, the query
 * options and the negotiated format are parsed and checked first, then the data source is
 * opened for the caller, then the path is resolved against its model, and only then is
 * anything read.
 */
@Injectable()
export class ODataService {
  constructor(
    private readonly feeds: FeedService,
    private readonly source: SourceQuery,
  ) {}

  async handle(req: Request, res: Response): Promise<void> {
    const request = negotiate(req);
    const feed = await this.feeds.open(request.key, req.caller!);
    const path = parseResourcePath(request.segments, feed.sets);
    if (path.kind === 'service') return this.serviceDocument(feed, request, res);
    if (path.kind === 'metadata')
      return this.respond(res, request, 200, 'application/xml', documentsOf(feed.sets).metadata);
    return this.resource(feed, path, request, res);
  }

  private async serviceDocument(feed: Feed, request: Negotiated, res: Response): Promise<void> {
    const value = documentsOf(feed.sets).serviceValue;
    const body =
      request.format.metadata === 'none'
        ? `{"value":${value}}`
        : `{"@odata.context":${JSON.stringify(`${serviceRoot(request)}$metadata`)},"value":${value}}`;
    await this.respond(res, request, 200, JSON_TYPE(request.format), body);
  }

  private async resource(
    feed: Feed,
    path: Resource,
    request: Negotiated,
    res: Response,
  ): Promise<void> {
    const { plain } = request;
    const { set, single } = targetOf(path);
    const scope = await this.pathScope(feed, path);
    if (scope === null) return this.respond(res, request, 204, null, '');

    if (path.count) {
      const options = resolveOptions(request.options, plain, scope, feed.sets);
      const count = await countCollection(scope, options, this.source.query);
      return this.respond(res, request, 200, 'text/plain', count);
    }
    const settings = this.settings(feed, request);
    if (path.property) return this.property(path, scope, request, res);
    if (single) {
      checkSingleEntityOptions(request.options);
      const options = resolveOptions(request.options, plain, scope, feed.sets);
      settings.context = this.context(
        request,
        set.name,
        options.select,
        options.expand,
        '/$entity',
      );
      const entity = await readEntity(
        scope,
        options.select,
        options.expand,
        settings,
        this.source.query,
      );
      if (entity === null) throw notFound(path);
      return this.respond(res, request, 200, JSON_TYPE(request.format), entity, {
        omitNulls: request.omitNulls,
      });
    }

    const options = resolveOptions(request.options, plain, scope, feed.sets);
    if (options.apply) {
      const listed = options.select?.map((p) => p.name) ?? options.apply.contextProperties;
      settings.context = this.contextOf(
        request,
        listed.length ? `${set.name}(${listed.join(',')})` : set.name,
      );
      if (listed.length && request.format.metadata !== 'none')
        settings.rowPrefix = '"@odata.id":null';
    } else {
      settings.context = this.context(request, set.name, options.select, options.expand, '');
    }
    const out = this.stream(res, request, 200, JSON_TYPE(request.format), {
      maxPageSize: request.maxPageSize ? settings.pageSize : null,
      omitNulls: request.omitNulls,
    });
    await readCollection(scope, options, settings, this.source, out);
    await out.end();
  }

  /** `Set(key)/Property` as `{"value": …}` and `…/$value` as text; null is 204 No Content. */
  private async property(
    path: Resource,
    scope: Scope,
    request: Negotiated,
    res: Response,
  ): Promise<void> {
    checkSingleEntityOptions(request.options);
    for (const name of ['$select', '$expand']) {
      if (request.options.has(name))
        throw new ODataQueryError(400, `${name} does not apply to a single property`);
    }
    const property = path.property!;
    const rows = await readColumns(scope, [property], this.source.query);
    if (rows.length === 0) throw notFound(path);
    const value = rows[0][property.column];
    if (value === null || value === undefined) return this.respond(res, request, 204, null, '');
    if (path.value)
      return this.respond(res, request, 200, 'text/plain', rawValue(property.type, value));
    const body: string[] = [];
    if (request.format.metadata !== 'none') {
      const context = `${serviceRoot(request)}$metadata#${request.segments.join('/')}`;
      body.push(`"@odata.context":${JSON.stringify(context)}`);
    }
    body.push(`"value":${valueWriter(property.type, request.format.ieee754)(value)}`);
    await this.respond(res, request, 200, JSON_TYPE(request.format), `{${body.join(',')}}`);
  }

  /**
   * The rows a path stands for before any query option: a set, one entity by key, or what a
   * navigation from one entity leads to. Null where a single-valued navigation is empty.
   */
  private async pathScope(feed: Feed, path: Resource): Promise<Scope | null> {
    const root = scopeOf(feed, path.root.set, this.source);
    if (path.root.key)
      root.conditions.push(keyCondition(path.root.key, root.params, quoteIdentifier));
    const nav = path.navigation;
    if (!nav) return root;
    const parentColumns = nav.property.pairs.map((p) => column(path.root.set, p.local));
    const rows = await readColumns(root, parentColumns, this.source.query);
    if (rows.length === 0) throw notFound(path);
    const target = scopeOf(feed, nav.target.set, this.source);
    for (const [i, pair] of nav.property.pairs.entries()) {
      const value = rows[0][parentColumns[i].column];
      if (value === null || value === undefined) return null;
      const remote = column(nav.target.set, pair.remote);
      target.params.push(value);
      target.conditions.push(
        `${quoteIdentifier(remote.column)} = $${target.params.length}::${SQL_TYPE[remote.type]}`,
      );
    }
    if (nav.target.key)
      target.conditions.push(keyCondition(nav.target.key, target.params, quoteIdentifier));
    return target;
  }

  private settings(feed: Feed, request: Negotiated): WriteSettings {
    return {
      tableOf: (name) => this.source.table(feed.source.get(name)!.table),
      rowFilter: (set, params) => rowFilterOf(feed, set, params),
      ieee754: request.format.ieee754,
      omitNulls: request.omitNulls,
      pageSize: Math.min(this.source.pageSize, request.maxPageSize ?? Number.MAX_SAFE_INTEGER),
      serviceRoot: serviceRoot(request),
      context: null,
      requestUrl: request.requestUrl,
      rawOptions: [...request.options.values()],
    };
  }

  /** `…/$metadata#Deals(Id,Name,Account(Name))/$entity`; null for `odata.metadata=none`. */
  private context(
    request: Negotiated,
    set: string,
    select: { name: string }[] | null,
    expand: ExpandItem[],
    suffix: string,
  ): string | null {
    const listed = select?.map((p) => p.name) ?? [];
    for (const item of expand)
      listed.push(`${item.navigation.name}(${item.select?.map((p) => p.name).join(',') ?? ''})`);
    return this.contextOf(
      request,
      `${set}${listed.length ? `(${listed.join(',')})` : ''}${suffix}`,
    );
  }

  private contextOf(request: Negotiated, fragment: string): string | null {
    return request.format.metadata === 'none'
      ? null
      : `${serviceRoot(request)}$metadata#${fragment}`;
  }

  private stream(
    res: Response,
    request: Negotiated,
    status: number,
    type: string | null,
    applied: { maxPageSize?: number | null; omitNulls?: boolean } = {},
  ): BodyStream {
    const headers: Record<string, string> = { 'OData-Version': '4.0', Vary: 'Accept-Encoding' };
    if (type) headers['Content-Type'] = type;
    const preference = preferenceApplied(applied);
    if (preference) headers['Preference-Applied'] = preference;
    const encoding = status === 204 ? null : request.encoding;
    return new BodyStream(res, { status, headers, encoding, head: request.head });
  }

  private async respond(
    res: Response,
    request: Negotiated,
    status: number,
    type: string | null,
    body: string,
    applied: { omitNulls?: boolean } = {},
  ): Promise<void> {
    const out = this.stream(res, request, status, type, applied);
    await out.write(body);
    await out.end();
  }
}

/** Parses the URL, the options, the format and the preferences: no database work. */
function negotiate(req: Request): Negotiated {
  const url = req.originalUrl;
  const at = url.indexOf('?');
  const pathname = at < 0 ? url : url.slice(0, at);
  const [, , key = '', ...segments] = pathname.split('/');
  const options = parseQueryString(url);
  const plain = checkPlainOptions(options);
  const preferences = parsePreferences(req.get('prefer'));
  const origin = `${req.protocol}://${req.get('host')}`;
  return {
    key,
    segments,
    options,
    plain,
    format: negotiateFormat(req.get('accept'), options.get('$format')?.value),
    omitNulls: preferences.omitNulls,
    maxPageSize: preferences.maxPageSize,
    head: req.method === 'HEAD',
    encoding: chooseEncoding(req.get('accept-encoding')),
    origin,
    requestUrl: `${origin}${pathname}`,
  };
}

function serviceRoot(request: Negotiated): string {
  return `${request.origin}/odata/${request.key}/`;
}

function column(set: EntitySetModel, name: string) {
  return set.properties.find((p) => p.name === name)!;
}

function notFound(path: Resource): ODataQueryError {
  const { set } = targetOf(path);
  return new ODataQueryError(404, `No ${clip(set.typeName ?? set.name)} at this address`);
}
