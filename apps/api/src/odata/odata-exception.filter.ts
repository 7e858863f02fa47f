import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../common/database-unavailable.js';
import { ODataException, unauthorized } from './odata-error.js';
import { ODataQueryError } from './query/odata-query-error.js';

const QUERY_ERROR_CODE = { 400: 'bad_request', 404: 'not_found', 406: 'not_acceptable', 501: 'not_implemented' } as const;

/** Every failure under /odata answers in the OData error format with `OData-Version: 4.0`. */
@Catch()
export class ODataExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OData');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const odata = this.toOData(error);
    if (odata.getStatus() === 500) {
      this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    if (res.headersSent) return;
    const body = Buffer.from(JSON.stringify(odata.getResponse()), 'utf8');
    res.status(odata.getStatus()).set({ ...odata.headers, 'OData-Version': '4.0' });
    res.setHeader('Content-Type', 'application/json;odata.metadata=minimal');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  }

  private toOData(error: unknown): ODataException {
    if (error instanceof ODataException) return error;
    if (error instanceof ODataQueryError) return new ODataException(error.status, QUERY_ERROR_CODE[error.status], error.message);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 401) return unauthorized();
      const body = error.getResponse() as { code?: string; message?: string } | string;
      const message = typeof body === 'string' ? body : (body.message ?? error.message);
      return new ODataException(status, typeof body === 'object' && body.code ? body.code : 'error', String(message), (error as { headers?: Record<string, string> }).headers ?? {});
    }
    if (isDatabaseUnavailable(error)) {
      return new ODataException(503, 'service_unavailable', 'The database is unavailable; try again shortly', {
        'Retry-After': RETRY_AFTER_SECONDS,
      });
    }
    return new ODataException(500, 'internal_error', 'Something went wrong on our side');
  }
}
