import { Module } from '@nestjs/common';
import type { Options } from 'pino-http';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

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
 * pino-http runs once, as the first Express middleware (see app.factory.ts); Nest's own
 * logger reuses it (`useExisting`), so every request is logged exactly once.
 */
export function pinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    // JSON through process.stdout, so whatever wraps stdout (a test, a supervisor) sees it.
    ...(config.nodeEnv === 'development' ? prettyOptions() : { stream: process.stdout }),
    autoLogging: config.logRequests,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
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

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ pinoHttp: pinoHttpOptions(config), useExisting: true }),
    }),
  ],
})
export class LoggingModule {}
