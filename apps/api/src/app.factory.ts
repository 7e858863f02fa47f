import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { RequestHandler } from 'express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions } from './logging/logging.module.js';
import { AppModule, type AppOverrides } from './app.module.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { portalStatic } from './common/portal-static.js';
import { securityHeaders } from './common/security-headers.js';
import { jsonBody, rawBody } from './common/json-body.js';
import { apiValidationPipe } from './common/validation.js';
import { httpMetrics } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';
import { xsrfMiddleware } from './common/xsrf.middleware.js';
import type { AppConfig } from './config/app-config.js';
import { ALERT_BODY_LIMIT, GITHUB_ALERTS_ROUTE } from './secret-scanning/github-alerts.js';

const MAX_HEADER_BYTES = 64 * 1024;
const FEED_PATH = /^\/odata(\/|\?|$)/i;
const API_PATH = '/api';

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** Runs a middleware everywhere but under `/odata`. */
function exceptFeed(middleware: RequestHandler): RequestHandler {
  return (req, res, next) => (FEED_PATH.test(req.url) ? next() : middleware(req, res, next));
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
  app.use(pinoHttp(pinoHttpOptions(config)));
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(securityHeaders(config.publicUrl.startsWith('https:')));
  // Nothing the API answers may be kept by a browser or proxy cache (ASVS 8.2.1): a token
  // value lives only in its create/rotate response.
  app.use(API_PATH, noStore);
  // The feed is read-only and signs in with Basic on every request: no cookies and no XSRF
  // token there, so a POST meets the feed's own 405.
  app.use(exceptFeed(cookieParser()));
  // These refuse with next(ApiException): Express skips to the error handler Nest adds at
  // init, which hands the error to the one global filter below, as a route's would be.
  // GitHub's secret scanning alerts carry no cookie: their signature authenticates them, over
  // the exact bytes sent, so their body is read raw (and jsonBody leaves it alone).
  app.use(exceptFeed(xsrfMiddleware(config.cookieSecure, [GITHUB_ALERTS_ROUTE])));
  app.use(rawBody(GITHUB_ALERTS_ROUTE, ALERT_BODY_LIMIT));
  app.use(jsonBody());
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
  await app.init();
  return app;
}
