import { RequestContext } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Router, type RequestHandler } from 'express';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { requestLogging } from './logging/logging.module.js';
import { AppModule, type AppOverrides } from './app.module.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { portalStatic } from './common/portal-static.js';
import { apiSecurityHeaders, securityHeaders } from './common/security-headers.js';
import { jsonBody, rawBody } from './common/json-body.js';
import { apiValidationPipe } from './common/validation.js';
import { DatabaseProbe } from './health/database-probe.js';
import { livenessLane } from './health/liveness-lane.js';
import { feedLane } from './odata/feed-lane.js';
import { isFeedUrl } from './odata/feed-paths.js';
import { ODataService } from './odata/odata.service.js';
import { ODataAuthGuard } from './odata-auth/odata-auth.guard.js';
import { httpMetrics } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';
import { xsrfMiddleware } from './common/xsrf.middleware.js';
import type { AppConfig } from './config/app-config.js';
import { ALERT_BODY_LIMIT, GITHUB_ALERTS_ROUTE } from './secret-scanning/github-alerts.js';

const MAX_HEADER_BYTES = 64 * 1024;
const API_PATH = '/api';

const NO_STORE = ['Cache-Control', 'no-store'] as const;

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader(...NO_STORE);
  next();
};

/** Runs a middleware everywhere but under `/odata`. */
function exceptFeed(middleware: RequestHandler): RequestHandler {
  return (req, res, next) => (isFeedUrl(req.url) ? next() : middleware(req, res, next));
}

/**
 * Puts `lanes` in front of Express on the HTTP server Nest made: a request a lane answers
 * never reaches Express; every other request goes on to Express as before.
 */
function inFront(
  server: Server,
  lanes: Array<(req: IncomingMessage, res: ServerResponse) => boolean>,
): void {
  const handlers = server.listeners('request') as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  if (handlers.length !== 1) throw new Error('Expected Express as the one request handler');
  const [express] = handlers;
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const lane of lanes) if (lane(req, res)) return;
    express(req, res);
  });
}

export interface CreateAppOptions extends AppOverrides {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the whole HTTP application (not yet listening): used by main.ts and by tests. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: true,
  });
  // Nest's own logs through pino (JSON, redacted), unless the caller brings a logger.
  app.useLogger(options.logger ?? app.get(PinoLogger));
  app.disable('x-powered-by');
  // Power Query folds filters into long URLs: accept 16 kB query strings with room for the
  // headers (Node's default limit is 16 kB for the request line and headers together). Read
  // by Node when a connection starts, so setting it before listen() is enough.
  (app.getHttpServer() as { maxHeaderSize?: number }).maxHeaderSize = MAX_HEADER_BYTES;
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  // Every API answer is no-store, so an ETag (a hash of each body) would never be used.
  app.set('etag', false);
  const hsts = config.publicUrl.startsWith('https:');
  const logRequest = requestLogging(config);
  const metrics = app.get(MetricsService);
  // The request id (and the request line, with LOG_REQUESTS), first, for every request; then
  // its metrics; then helmet with the portal's CSP on documents, the data answers' own short
  // list elsewhere. The feed lane runs the same three.
  const everyRequest = [logRequest, httpMetrics(metrics), securityHeaders(hsts)];
  for (const middleware of everyRequest) app.use(middleware);
  // Nothing the API answers may be kept by a browser or proxy cache (ASVS 8.2.1): a token
  // value lives only in its create/rotate response.
  app.use(API_PATH, noStore);
  // The feed is read-only and signs in with Basic on every request: no cookies, no XSRF
  // token and no body there, so a POST meets the feed's own 405. Everything else (the API,
  // the portal, /metrics) runs these, in this order.
  const browserSide = Router();
  browserSide.use(cookieParser());
  // These refuse with next(ApiException): Express skips to the error handler Nest adds at
  // init, which hands the error to the one global filter below, as a route's would be.
  // GitHub's secret scanning alerts carry no cookie: their signature authenticates them, over
  // the exact bytes sent, so their body is read raw (and jsonBody leaves it alone).
  browserSide.use(xsrfMiddleware(config.cookieSecure, [GITHUB_ALERTS_ROUTE]));
  browserSide.use(rawBody(GITHUB_ALERTS_ROUTE, ALERT_BODY_LIMIT));
  browserSide.use(jsonBody());
  app.use(exceptFeed(browserSide));
  // The OData feed lives at /odata, beside the portal API under /api.
  app.setGlobalPrefix('api', { exclude: ['odata', 'odata/{*path}', 'metrics'] });
  // Renders every failure: the portal's JSON, or the OData error under /odata.
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('feedpass API')
    .setDescription(
      'The portal API of feedpass. Errors are {statusCode, code, message} with a stable code.',
    )
    .setVersion('1')
    .addCookieAuth('fp_session')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));

  if (config.portalDir) app.use(portalStatic(config.portalDir));
  // MikroORM's request context (an EntityManager fork per request) for the routes, as its
  // Nest module would install it, but as one middleware rather than one per route prefix, and
  // not for the feed: its hot path is prepared statements on the pool and conditional
  // updates, and its one transaction (a rejected token's) forks its own EntityManager. An
  // entity method on the global EntityManager there fails loudly (allowGlobalContext: false).
  const orm = app.get(MikroORM);
  app.use(exceptFeed((_req, _res, next) => RequestContext.create(orm.em, next)));
  await app.init();
  // GET /api/health, while the database is known to be up, and the feed's reads are answered
  // before Express's router (health/liveness-lane.ts, odata/feed-lane.ts), with the headers
  // the middlewares above give every answer.
  inFront(app.getHttpServer() as Server, [
    livenessLane({
      probe: app.get(DatabaseProbe),
      metrics,
      requestLogging: logRequest,
      apiHeaders: [...apiSecurityHeaders(hsts), NO_STORE],
      secureCookies: config.cookieSecure,
    }),
    feedLane({
      express: app.getHttpAdapter().getInstance(),
      middlewares: everyRequest,
      guard: app.get(ODataAuthGuard),
      odata: app.get(ODataService),
    }),
  ]);
  return app;
}
