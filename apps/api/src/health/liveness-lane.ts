import type { Health } from '@feedpass/contracts';
import { XSRF_COOKIE } from '@feedpass/contracts';
import cookieParser from 'cookie-parser';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isXsrfCookie, newXsrfToken, xsrfCookieLine } from '../common/xsrf.middleware.js';
import type { RequestLogging } from '../logging/logging.module.js';
import type { MetricsService } from '../metrics/metrics.service.js';
import { VERSION } from '../version.js';
import type { SharedProbe } from './database-probe.js';

/** The route the lane answers, as the metrics label it (Express's pattern for the same route). */
export const LIVENESS_ROUTE = '/api/health';

export interface LivenessLaneParts {
  probe: SharedProbe;
  metrics: MetricsService;
  /** The request id and the request's logger (logging.module.ts `requestLogging`). */
  requestLogging: RequestLogging;
  /** The headers every `/api` answer carries: security headers and `Cache-Control: no-store`. */
  apiHeaders: ReadonlyArray<readonly [string, string]>;
  secureCookies: boolean;
}

/**
 * `GET /api/health` while the database probe knows the database is up, answered in front of
 * Express: the one request a load balancer, an orchestrator or a monitor may send thousands
 * of times a second, and the one whose answer needs nothing from a router, a guard or a body
 * parser. It is the same answer, byte for byte in everything but the per-request values, that
 * Express and `HealthController.check` give (test/e2e/liveness-lane.e2e-spec.ts compares them):
 * the request id and its log line (`requestLogging`), the security headers of every `/api`
 * answer and `Cache-Control: no-store`, an XSRF cookie for a client that has none (the portal
 * primes its cookie here), and the request counted in the metrics under the route's pattern.
 *
 * Everything else — another method or spelling of the path, a stale or failed probe (the
 * controller pings, or answers 503 through the exception filter) — goes on to Express.
 * Returns whether it answered.
 */
export function livenessLane(parts: LivenessLaneParts) {
  const { probe, metrics, requestLogging, apiHeaders, secureCookies } = parts;
  const health: Health = { status: 'ok', database: 'up', version: VERSION };
  const body = Buffer.from(JSON.stringify(health), 'utf8');
  const readCookies = cookieParser();
  const fixed = apiHeaders.flat();
  const contentType = 'application/json; charset=utf-8';
  const contentLength = String(body.length);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const end = url.indexOf('?');
    if ((end < 0 ? url : url.slice(0, end)) !== LIVENESS_ROUTE || !probe.knownUp()) return false;
    const started = performance.now();
    // All headers in one writeHead: Node then builds the head straight from this list.
    const head = [...fixed];
    if (requestLogging.quiet) head.push('X-Request-Id', requestLogging.quiet(req));
    else requestLogging(req, res); // pino-http sets X-Request-Id; writeHead merges the rest
    // cookie-parser reads synchronously; its `next` is only ever called at once.
    const request = req as IncomingMessage & { cookies?: Record<string, unknown> };
    readCookies(request as never, res as never, () => undefined);
    if (!isXsrfCookie(request.cookies?.[XSRF_COOKIE])) {
      head.push('Set-Cookie', xsrfCookieLine(newXsrfToken(), secureCookies));
    }
    head.push('Content-Type', contentType, 'Content-Length', contentLength);
    res.writeHead(200, head);
    res.end(req.method === 'HEAD' ? undefined : body);
    metrics.observeRequest(req.method, LIVENESS_ROUTE, 200, performance.now() - started);
    return true;
  };
}
