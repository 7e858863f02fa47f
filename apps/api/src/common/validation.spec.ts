import { Allow } from 'class-validator';
import { ApiException } from './api-exception';
import { apiValidationPipe, Check } from './validation';

class Body {
  @Check(
    'isShort',
    (v) => typeof v === 'string' && v.length < 4,
    'invalid_label',
    'name is too long',
  )
  name: string;

  @Check('isYes', (v) => v === undefined || v === 'yes', 'invalid_policy', 'answer must be yes')
  answer?: string;

  @Allow()
  free?: unknown;
}

async function errorOf(value: unknown): Promise<{ status: number; body: unknown }> {
  try {
    await apiValidationPipe().transform(value, { type: 'body', metatype: Body });
  } catch (error) {
    if (error instanceof ApiException)
      return {
        status: error.status,
        body: { statusCode: error.status, code: error.code, message: error.message },
      };
    throw error;
  }
  throw new Error('no error');
}

describe('apiValidationPipe with @Check', () => {
  it('answers with the first failing check’s own code and message', async () => {
    expect(await errorOf({ name: 'toolong', answer: 'no' })).toEqual({
      status: 400,
      body: { statusCode: 400, code: 'invalid_label', message: 'name is too long' },
    });
    expect(await errorOf({ name: 'ok', answer: 'no' })).toEqual({
      status: 400,
      body: { statusCode: 400, code: 'invalid_policy', message: 'answer must be yes' },
    });
  });

  it('checks a missing value too', async () => {
    expect((await errorOf({})).body).toMatchObject({ code: 'invalid_label' });
  });

  it('lets shape problems win as validation_failed, naming only them', async () => {
    expect(await errorOf({ name: 'toolong', extra: 1 })).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        code: 'validation_failed',
        message: 'extra: property extra should not exist',
      },
    });
  });

  it('passes a valid body through', async () => {
    await expect(
      apiValidationPipe().transform({ name: 'ok' }, { type: 'body', metatype: Body }),
    ).resolves.toMatchObject({ name: 'ok' });
  });
});
