import { BadRequestException } from '@nestjs/common';
import { ApiException } from './api-exception';
import { toApiError } from './api-exception.filter';

describe('toApiError', () => {
  it('keeps an ApiException’s code, message and headers', () => {
    const { body, headers } = toApiError(
      new ApiException(429, 'too_many_requests', 'slow down', { 'Retry-After': '3' }),
    );
    expect(body).toEqual({ statusCode: 429, code: 'too_many_requests', message: 'slow down' });
    expect(headers).toEqual({ 'Retry-After': '3' });
  });

  it('gives Nest’s own exceptions a stable code', () => {
    expect(toApiError(new BadRequestException('nope')).body).toEqual({
      statusCode: 400,
      code: 'bad_request',
      message: 'nope',
    });
  });

  it('never lets an unexpected error’s message or stack reach the client', () => {
    const error = new Error('relation "secret_table" does not exist');
    const { body } = toApiError(error);
    expect(body).toEqual({
      statusCode: 500,
      code: 'internal_error',
      message: 'Something went wrong on our side',
    });
    expect(JSON.stringify(body)).not.toContain('secret_table');
    expect(JSON.stringify(body)).not.toContain('at ');
  });

  it('answers 503 with Retry-After when the database cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(toApiError(refused)).toEqual({
      body: {
        statusCode: 503,
        code: 'service_unavailable',
        message: 'The database is unavailable; try again shortly',
      },
      headers: { 'Retry-After': '5' },
    });
    const shutdown = Object.assign(
      new Error('terminating connection due to administrator command'),
      { code: '57P01' },
    );
    expect(toApiError(shutdown).body.statusCode).toBe(503);
  });
});
