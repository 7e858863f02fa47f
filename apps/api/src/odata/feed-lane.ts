import type { CanActivate } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderODataError, requestFailureLog } from '../common/api-exception.filter.js';
import { FEED_ROUTES } from './feed-paths.js';
import type { ODataService } from './odata.service.js';

/**
 * `/odata/{key}`, `/odata/{key}/` or `/odata/{key}/{path}`, any case, with a plain key (no
 * escapes) and a path that starts with a segment; anything odder is Express's to route.
 */
const FEED_READ = /^\/odata\/([0-9A-Za-z]+)(\/(?:[^/?][^?]*)?)?(?:\?|$)/i;

/** The route Express would have matched (`FEED_ROUTES`), for the metrics' route label. */
const [SERVICE_ROUTE, PATH_ROUTE] = FEED_ROUTES.map((route) => ({ path: `/odata/${route}` }));
const routeOf = (path: string | undefined) => (!path || path === '/' ? SERVICE_ROUTE : PATH_ROUTE);

export interface FeedLaneParts {
  /** Express, for its request and response prototypes (`req.ip`, `req.get`, `req.protocol`). */
  express: Express;
  /** What every request meets first on the Express side, in order: id and log, metrics, headers. */
  middlewares: RequestHandler[];
  /** The feed's Basic sign-in (`ODataAuthGuard`, passport-http through @nestjs/passport). */
  guard: CanActivate;
  odata: ODataService;
}

/**
 * Every read of the feed (`GET`/`HEAD /odata/{key}/…`) answered in front of Express's router
 * and Nest's route pipeline: the request a Power BI refresh sends hundreds of times, whose
 * route has one guard and one handler. It runs the same parts the routed request would —
 * the same middlewares, the same guard, `ODataService.handle`, the one error rendering — on
 * Express's own request and response objects, so it answers the same bytes
 * (test/e2e/feed-lane.e2e-spec.ts compares them). Anything else under `/odata` (another
 * method, a key with escapes, `/odata` itself) goes on to Express.
 */
export function feedLane(parts: FeedLaneParts) {
  const { express, middlewares, guard, odata } = parts;
  return (incoming: IncomingMessage, outgoing: ServerResponse): boolean => {
    if (incoming.method !== 'GET' && incoming.method !== 'HEAD') return false;
    const match = FEED_READ.exec(incoming.url ?? '');
    if (!match) return false;
    // What Express's own init does for every request: its prototypes, and the cross links.
    const req = Object.setPrototypeOf(incoming, express.request) as Request;
    const res = Object.setPrototypeOf(outgoing, express.response) as Response;
    req.res = res;
    res.req = req;
    req.originalUrl = req.url;
    req.params = { key: match[1]! };
    (req as { route?: unknown }).route = routeOf(match[2]);
    for (const middleware of middlewares) {
      // The three the lane runs call next() at once; anything else is the error path.
      let next: { error?: unknown } | undefined;
      middleware(req, res, (error?: unknown) => (next = { error }));
      const failure = next
        ? next.error
        : new Error('A middleware of the feed lane did not call next() at once');
      if (failure) {
        fail(failure, req, res);
        return true;
      }
    }
    void answer(req, res);
    return true;
  };

  async function answer(req: Request, res: Response): Promise<void> {
    try {
      await guard.canActivate(new ExecutionContextHost([req, res]));
      await odata.handle(req, res);
    } catch (error) {
      fail(error, req, res);
    }
  }
}

/**
 * A failure, answered as the feed answers every failure. Nest's logger finds a routed
 * request's logger through nestjs-pino's middleware, which the lane does not run: the
 * lane's failures are logged on the request's logger directly.
 */
function fail(error: unknown, req: Request, res: Response): void {
  const log = req.log as Request['log'] | undefined; // unset if the logging middleware failed
  renderODataError(error, res, log && requestFailureLog(log));
}
