import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { csdl } from './csdl.js';
import { EntitySetReader, type ReadContext } from './entity-set.reader.js';
import { FeedService } from './feed.service.js';
import { ODataException } from './odata-error.js';
import { parseQueryString } from './query-string.js';

const JSON_TYPE = (ieee754: boolean) =>
  `application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=${ieee754}`;

/** Shapes requests and responses of the feed; the data comes from FeedService and the reader. */
@Injectable()
export class ODataService {
  constructor(
    private readonly feeds: FeedService,
    private readonly reader: EntitySetReader,
  ) {}

  async serviceDocument(key: string, req: Request, res: Response): Promise<void> {
    const feed = await this.feeds.open(key, req.caller!);
    const root = serviceRoot(req, key);
    const body = {
      '@odata.context': `${root}$metadata`,
      value: feed.sets.map((s) => ({ name: s.name, kind: 'EntitySet', url: s.name })),
    };
    send(res, 200, JSON_TYPE(ieee754(req)), JSON.stringify(body));
  }

  async metadata(key: string, req: Request, res: Response): Promise<void> {
    const feed = await this.feeds.open(key, req.caller!);
    send(res, 200, 'application/xml', csdl(feed.sets));
  }

  async entitySet(key: string, name: string, req: Request, res: Response): Promise<void> {
    const ctx = await this.context(key, name, req);
    const result = await this.reader.read(ctx);
    if (result.preferenceApplied) res.setHeader('Preference-Applied', result.preferenceApplied);
    send(res, 200, JSON_TYPE(ctx.ieee754), result.body);
  }

  async count(key: string, name: string, sub: string, req: Request, res: Response): Promise<void> {
    if (sub !== '$count') throw new ODataException(404, 'not_found', `No resource ${name}/${sub}`);
    const ctx = await this.context(key, name, req);
    send(res, 200, 'text/plain', await this.reader.countOnly(ctx));
  }

  private async context(key: string, name: string, req: Request): Promise<ReadContext> {
    const options = parseQueryString(req.originalUrl);
    const feed = await this.feeds.open(key, req.caller!);
    if (/^[A-Za-z_][\w]*\(.*\)$/.test(name)) {
      throw new ODataException(
        501,
        'not_implemented',
        'Addressing single entities by key is not supported; use $filter',
      );
    }
    const set = feed.sets.find((s) => s.name === name);
    if (!set) throw new ODataException(404, 'not_found', `No entity set named ${name}`);
    const root = serviceRoot(req, key);
    return {
      feed,
      set,
      options,
      serviceRoot: root,
      requestUrl: `${origin(req)}${req.originalUrl.split('?')[0]}`,
      ieee754: ieee754(req),
      maxPageSize: maxPageSize(req),
    };
  }
}

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

function serviceRoot(req: Request, key: string): string {
  return `${origin(req)}/odata/${key}/`;
}

function ieee754(req: Request): boolean {
  return (
    /IEEE754Compatible=true/i.test(req.get('accept') ?? '') ||
    /IEEE754Compatible=true/i.test(req.originalUrl)
  );
}

function maxPageSize(req: Request): number | null {
  const match = /odata\.maxpagesize=(\d{1,9})/i.exec(req.get('prefer') ?? '');
  return match && Number(match[1]) > 0 ? Number(match[1]) : null;
}

/** Written with `end`, not `send`: Express would rewrite the OData media type parameters. */
function send(res: Response, status: number, type: string, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.status(status).setHeader('OData-Version', '4.0');
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}
