import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ApiError, ErrorCode } from '@feedpass/contracts';
import type { Request, Response } from 'express';
import { isFeedUrl } from '../odata/feed-paths.js';
import { unauthorized } from '../odata/odata-error.js';
import { ODataQueryError } from '../odata/query/odata-query-error.js';
import { ApiException } from './api-exception.js';
import {
  isDatabaseUnavailable,
  isTransientConflict,
  RETRY_AFTER_SECONDS,
} from './database-unavailable.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

const INTERNAL_ERROR = 'Something went wrong on our side';

const QUERY_ERROR_CODE = {
  400: 'bad_request',
  404: 'not_found',
  406: 'not_acceptable',
  501: 'not_implemented',
} as const;

/**
 * Anything thrown, as the one error type: ours as it is, Nest's own (404 of an unknown route,
 * body-parser failures Nest maps) with a stable code, database outages as 503 with
 * `Retry-After`, aborted transactions as a retryable 409, and everything else as a 500 whose
 * message never reaches the client.
 */
export function toApiException(error: unknown): ApiException {
  if (error instanceof ApiException) return error;
  if (error instanceof ODataQueryError) {
    return new ApiException(error.status, QUERY_ERROR_CODE[error.status], error.message);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse() as string | { code?: unknown; message?: unknown };
    const given = typeof response === 'object' ? response : {};
    const code = typeof given.code === 'string' ? (given.code as ErrorCode) : undefined;
    const message = 'message' in given ? String(given.message) : error.message;
    return new ApiException(status, code ?? CODE_BY_STATUS[status] ?? 'bad_request', message);
  }
  if (isTransientConflict(error)) {
    return new ApiException(409, 'conflict', 'A concurrent change got in the way; try again');
  }
  if (isDatabaseUnavailable(error)) {
    return new ApiException(
      503,
      'service_unavailable',
      'The database is unavailable; try again shortly',
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
  }
  return new ApiException(500, 'internal_error', INTERNAL_ERROR);
}

/** The portal API's rendering: `{statusCode, code, message}`, codes from libs/contracts. */
export function toApiError(error: unknown): { body: ApiError; headers: Record<string, string> } {
  const e = toApiException(error);
  return {
    body: { ...e.details, statusCode: e.status, code: e.code as ErrorCode, message: e.message },
    headers: e.headers,
  };
}

export interface ODataError {
  error: { code: string; message: string };
}

/**
 * The feed's rendering, OData's JSON error format `{"error":{"code","message"}}`, with
 * `OData-Version: 4.0` and `Content-Type: application/json;odata.metadata=minimal`; every
 * 401 is the one Basic challenge Power BI knows how to answer.
 */
export function toODataError(error: unknown): {
  status: number;
  body: ODataError;
  headers: Record<string, string>;
} {
  let e = toApiException(error);
  if (e.status === 401 && e.code !== 'unauthorized') e = unauthorized();
  return {
    status: e.status,
    headers: { ...e.headers, 'OData-Version': '4.0' },
    body: { error: { code: e.code, message: e.message } },
  };
}

const ODATA_ERROR_TYPE = 'application/json;odata.metadata=minimal';

const ERRORS = 'Errors';
const errorsLogger = new Logger(ERRORS);

/** Where a failure is logged: Nest's logger, or (the feed lane) the request's own pino logger. */
export interface FailureLog {
  error(message: string): void;
  warn(message: string): void;
}

/**
 * The request's pino logger (`req.log`, logging.module.ts) as the failure log, writing the line
 * Nest's logger writes through nestjs-pino for a routed request: its context and the request.
 */
export function requestFailureLog(log: {
  error(bindings: object, message: string): void;
  warn(bindings: object, message: string): void;
}): FailureLog {
  return {
    error: (message) => log.error({ context: ERRORS }, message),
    warn: (message) => log.warn({ context: ERRORS }, message),
  };
}

/** A 500 with its stack, a 503 with its cause; the other failures are the caller's. */
function logFailure(status: number, error: unknown, log: FailureLog = errorsLogger): void {
  if (status === 500) log.error(error instanceof Error ? error.stack! : String(error));
  else if (status === 503) log.warn(`503: ${(error as Error).message}`);
}

/**
 * A failure under `/odata`, answered as the feed answers it (`toODataError`): the filter's
 * rendering, and the feed lane's (odata/feed-lane.ts), which meets its errors before Nest.
 */
export function renderODataError(error: unknown, res: Response, log?: FailureLog): void {
  const { status, headers, body } = toODataError(error);
  logFailure(status, error, log);
  // Failing mid-body (rows already streamed): cut the connection, so the client sees a
  // broken response instead of a truncated one that might parse.
  if (res.headersSent) return void res.destroy();
  // Written by hand: Express's json() and set() would add a charset to the media type.
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.status(status).set(headers);
  res.setHeader('Content-Type', ODATA_ERROR_TYPE);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

/** The one exception filter: every failure, of a route or of a middleware, ends here. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (isFeedUrl(req.originalUrl ?? req.url)) {
      renderODataError(error, res);
    } else {
      const { body, headers } = toApiError(error);
      logFailure(body.statusCode, error);
      if (res.headersSent) return void res.destroy();
      res.status(body.statusCode).set(headers).json(body);
    }
  }
}
