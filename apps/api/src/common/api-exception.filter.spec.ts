import { BadRequestException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { BASIC_CHALLENGE, unauthorized } from '../odata/odata-error';
import { ODataQueryError } from '../odata/query/odata-query-error';
import { ApiException, unauthenticated } from './api-exception';
import { toApiError, toODataError } from './api-exception.filter';

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

describe('toApiError, more cases', () => {
  it('answers an aborted transaction (deadlock, serialization failure) 409 conflict', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(toApiError(new Error('wrapped', { cause: deadlock }))).toEqual({
      body: {
        statusCode: 409,
        code: 'conflict',
        message: 'A concurrent change got in the way; try again',
      },
      headers: {},
    });
  });

  it('puts an exception’s details beside the usual three fields', () => {
    const error = new ApiException(503, 'service_unavailable', 'down', {}, { database: 'down' });
    expect(toApiError(error).body).toEqual({
      database: 'down',
      statusCode: 503,
      code: 'service_unavailable',
      message: 'down',
    });
  });

  it('gives Nest’s 404 of an unknown route the code not_found', () => {
    expect(toApiError(new NotFoundException('Cannot GET /api/nope')).body).toEqual({
      statusCode: 404,
      code: 'not_found',
      message: 'Cannot GET /api/nope',
    });
  });
});

describe('toODataError', () => {
  const odata = (code: string, message: string) => ({ error: { code, message } });

  it('renders the one error type as {"error":{"code","message"}} with OData-Version 4.0', () => {
    expect(toODataError(new ApiException(404, 'not_found', 'No entity set named X'))).toEqual({
      status: 404,
      body: odata('not_found', 'No entity set named X'),
      headers: { 'OData-Version': '4.0' },
    });
  });

  it('keeps headers such as Retry-After', () => {
    const throttled = new ApiException(429, 'too_many_requests', 'wait', { 'Retry-After': '7' });
    expect(toODataError(throttled).headers).toEqual({ 'Retry-After': '7', 'OData-Version': '4.0' });
  });

  it('answers every 401 with the one Basic challenge', () => {
    for (const error of [unauthorized(), unauthenticated(), new UnauthorizedException()]) {
      expect(toODataError(error)).toEqual({
        status: 401,
        body: odata(
          'unauthorized',
          'Sign in with your feedpass username and an access token as the password',
        ),
        headers: { 'WWW-Authenticate': BASIC_CHALLENGE, 'OData-Version': '4.0' },
      });
    }
  });

  it('answers a query the feed cannot run 400, or 501 when it is valid but unsupported', () => {
    expect(toODataError(new ODataQueryError(400, '$top is not a number'))).toMatchObject({
      status: 400,
      body: odata('bad_request', '$top is not a number'),
    });
    expect(toODataError(new ODataQueryError(501, '$expand is not supported'))).toMatchObject({
      status: 501,
      body: odata('not_implemented', '$expand is not supported'),
    });
  });

  it('answers 503 with Retry-After when the database cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(toODataError(refused)).toEqual({
      status: 503,
      body: odata('service_unavailable', 'The database is unavailable; try again shortly'),
      headers: { 'Retry-After': '5', 'OData-Version': '4.0' },
    });
  });

  it('never lets an unexpected error’s message reach the client', () => {
    const { status, body } = toODataError(new Error('relation "secret_table" does not exist'));
    expect({ status, body }).toEqual({
      status: 500,
      body: odata('internal_error', 'Something went wrong on our side'),
    });
  });

  it('leaves out the portal-only details', () => {
    const error = new ApiException(503, 'service_unavailable', 'down', {}, { database: 'down' });
    expect(toODataError(error).body).toEqual(odata('service_unavailable', 'down'));
  });
});
