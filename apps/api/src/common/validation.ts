import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiException } from './api-exception.js';

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((m) =>
      m.startsWith(error.property) ? m.replace(error.property, path) : `${path}: ${m}`,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/**
 * Request bodies must be objects with exactly the DTO's fields, of the right types:
 * unknown fields and wrong types are `400 validation_failed` naming each problem.
 */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ApiException(400, 'validation_failed', describe(errors).join('; ') || 'The request body is invalid'),
  });
}
