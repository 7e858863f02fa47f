import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/** Requests that matched no route: `/api` and `/odata` ones are `unmatched`, the rest `static`. */
const DATA_PATH = /^\/(?:api|odata)(?:[/?#]|$)/;

/**
 * The route label of a finished request: its route pattern, never the raw path (ids would
 * explode the label set). Express sets `req.route` on the request a route handled.
 */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: string } | undefined)?.path;
  if (pattern) return req.baseUrl ? `${req.baseUrl}${pattern}` : pattern;
  return DATA_PATH.test(req.originalUrl) ? 'unmatched' : 'static';
}

/** Counts every request by its route pattern and status, and times it. */
export function httpMetrics(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      metrics.observeRequest(req.method, routeOf(req), res.statusCode, performance.now() - started);
    });
    next();
  };
}
