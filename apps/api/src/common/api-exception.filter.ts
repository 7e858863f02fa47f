import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ApiError, ErrorCode } from '@feedpass/contracts';
import type { Response } from 'express';
import { ApiException } from './api-exception.js';
import { isDatabaseUnavailable, isTransientConflict, RETRY_AFTER_SECONDS } from './database-unavailable.js';

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

/** Turns anything thrown into `{statusCode, code, message}`; never leaks a stack trace. */
export function toApiError(error: unknown): { body: ApiError; headers: Record<string, string> } {
  if (error instanceof ApiException) {
    return { body: error.getResponse() as ApiError, headers: error.headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (typeof response === 'object' && typeof (response as Partial<ApiError>).code === 'string') {
      return { body: response as ApiError, headers: {} };
    }
    const message =
      typeof response === 'object' && response && 'message' in response
        ? String((response as { message: unknown }).message)
        : error.message;
    return {
      body: { statusCode: status, code: CODE_BY_STATUS[status] ?? 'bad_request', message },
      headers: {},
    };
  }
  if (isTransientConflict(error)) {
    return {
      body: { statusCode: 409, code: 'conflict', message: 'A concurrent change got in the way; try again' },
      headers: {},
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      body: { statusCode: 503, code: 'service_unavailable', message: 'The database is unavailable; try again shortly' },
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    };
  }
  return {
    body: { statusCode: 500, code: 'internal_error', message: 'Something went wrong on our side' },
    headers: {},
  };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { body, headers } = toApiError(error);
    if (body.statusCode === 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    else if (body.statusCode === 503) this.logger.warn(`503: ${(error as Error).message}`);
    if (response.headersSent) return;
    response.status(body.statusCode).set(headers).json(body);
  }
}
