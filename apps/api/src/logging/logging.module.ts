import { Module } from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { pinoHttp, type Options } from 'pino-http';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request's id: a sane `X-Request-Id` the caller sent (a proxy's, a trace's), else a new
 * UUID; echoed back as `X-Request-Id`. Every answer has one, including the liveness lane's.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdOf(req);
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The id `requestId` gives a request, without setting the header. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Development (`npm start`) prints one readable line per entry through pino-pretty, a
 * development dependency, in pino's worker thread: `12:00:01.234 INFO [Context] message`,
 * and for a request `GET /api/health 200 3ms`. Production and tests keep JSON.
 */
function prettyOptions(): Partial<Options> {
  return {
    transport: {
      target: 'pino-pretty',
      options: {
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,context,req,res,responseTime,err',
        messageFormat: '{if context}[{context}] {end}{msg}',
      },
    },
    customSuccessMessage: (req, res, ms) => `${req.method} ${path(req)} ${res.statusCode} ${ms}ms`,
    customErrorMessage: (req, res, error) =>
      `${req.method} ${path(req)} ${res.statusCode} ${error.message}`,
  };
}

/** The URL as sent (Express shortens `req.url` inside a mounted router), made loggable. */
const path = (req: IncomingMessage) =>
  loggableUrl((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url);

/** Query parameters of the SSO callback that are never logged: the code and the state. */
const CALLBACK_SECRETS = /([?&](?:code|state|session_state|id_token|access_token)=)[^&#]*/g;

/** A request URL for the log: the SSO callback's authorization code and state redacted. */
export function loggableUrl(url: string | undefined): string | undefined {
  if (!url?.includes('/auth/oidc/callback?')) return url;
  return url.replace(CALLBACK_SECRETS, '$1[redacted]');
}

/**
 * Structured JSON logs (pino via nestjs-pino): one line per request with a request id
 * (taken from a sane `X-Request-Id`, else generated, and echoed back), and secrets
 * redacted — `Authorization` (Basic carries the token), cookies and `Set-Cookie`, a
 * redirect's `Location` (SSO state and nonce) and the SSO callback's code and state.
 * The request logger runs once, as the first Express middleware (`requestLogging`, see
 * app.factory.ts, and the liveness lane in front of Express); Nest's own
 * logger reuses it (`useExisting`), so every request is logged exactly once.
 */
export function pinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    // JSON through process.stdout, so whatever wraps stdout (a test, a supervisor) sees it.
    ...(config.nodeEnv === 'development' ? prettyOptions() : { stream: process.stdout }),
    autoLogging: config.logRequests,
    genReqId: requestId,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        // A redirect to the identity provider carries the sign-in's state and nonce.
        'res.headers.location',
        'req.headers["x-xsrf-token"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: {
        id: string;
        method: string;
        url: string;
        headers: Record<string, string>;
        remoteAddress?: string;
      }) => ({
        id: req.id,
        method: req.method,
        url: loggableUrl(req.url),
        userAgent: req.headers['user-agent'],
        remoteAddress: req.remoteAddress,
      }),
    },
  };
}

export interface RequestLogging {
  /** As a middleware: sets `X-Request-Id`, the request's logger and (LOG_REQUESTS) its log line. */
  (req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  /**
   * Without request log lines only: gives the request its id and logger and returns the id,
   * for an answer that writes its headers at once (`writeHead`) and sends it itself.
   */
  quiet?: (req: IncomingMessage) => string;
}

/**
 * The first middleware of every request (app.factory.ts). With `LOG_REQUESTS` on, pino-http:
 * the request id, the request's logger and one log line per request. With it off, the same
 * id and a request logger that costs nothing until something logs (`deferredLoggerOf`): pino
 * would otherwise serialize and redact the request into a child logger on every request,
 * only for nobody to use it. Nest's logger (nestjs-pino, `useExisting`) logs through
 * `req.log` either way, so an error logged during a request carries that request.
 */
export function requestLogging(config: AppConfig): RequestLogging {
  const http = pinoHttp(pinoHttpOptions(config));
  if (config.logRequests) return http;
  const deferred = deferredLoggerOf(http.logger);
  const quiet = (req: IncomingMessage): string => {
    const request = req as IncomingMessage & { id?: string; log?: Pino };
    request.id = requestIdOf(req);
    request.log = deferred(req);
    return request.id;
  };
  const middleware: RequestLogging = (req, res, next) => {
    res.setHeader('X-Request-Id', quiet(req));
    next?.();
  };
  middleware.quiet = quiet;
  return middleware;
}

/** What nestjs-pino and Nest's logger call on a request's logger. */
const LOG_METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child'] as const;

/**
 * Request loggers that make their pino child (`base.child({ req })`, as pino-http's) on first
 * use: each is an object over the base logger whose log methods and `child` create the real
 * child once and hand over to it. Everything else (level, bindings of the base) reads the base.
 */
function deferredLoggerOf(base: Pino): (req: IncomingMessage) => Pino {
  const real = Symbol('real logger');
  type Deferred = Pino & { req: IncomingMessage; [real]?: Pino };
  const proto = Object.create(base) as Record<string, unknown>;
  for (const method of LOG_METHODS) {
    proto[method] = function (this: Deferred, ...args: unknown[]) {
      const logger = (this[real] ??= base.child({ req: this.req }));
      return (logger[method] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return (req) => {
    const logger = Object.create(proto) as Deferred;
    logger.req = req;
    return logger;
  };
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ pinoHttp: pinoHttpOptions(config), useExisting: true }),
    }),
  ],
})
export class LoggingModule {}
