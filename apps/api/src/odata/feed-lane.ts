import type { CanActivate } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderODataError, requestFailureLog } from '../common/api-exception.filter.js';
import type { ODataService } from './odata.service.js';

/**
 * `/odata/{key}`, `/odata/{key}/` or `/odata/{key}/{path}`, any case, with a plain key (no
 * escapes) and a path that starts with a segment; anything odder is Express's to route.
 */
const FEED_READ = /^\/odata\/([0-9A-Za-z]+)(\/(?:[^/?][^?]*)?)?(?:\?|$)/i;

/** The routes (ODataController's patterns) as Express labels them in the metrics. */
const routeOf = (path: string | undefined) =>
  !path || path === '/' ? { path: '/odata/:key' } : { path: '/odata/:key/*path' };

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
      let called = false;
      middleware(req, res, () => (called = true));
      if (!called) throw new Error('A feed lane middleware must call next synchronously');
    }
    void answer(req, res);
    return true;
  };

  async function answer(req: Request, res: Response): Promise<void> {
    try {
      await guard.canActivate(new ExecutionContextHost([req, res]));
      await odata.handle(req, res);
    } catch (error) {
      // Nest's logger finds a routed request's logger through nestjs-pino's middleware, which
      // the lane does not run: its failures are logged on the request's logger directly.
      renderODataError(error, res, requestFailureLog(req.log));
    }
  }
}
