import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import type { ErrorCode } from '@feedpass/contracts';
import { ApiException } from './api-exception.js';

interface Problem {
  message: string;
  /** The error code a `@Check` carries; absent for class-validator's own checks. */
  code?: ErrorCode;
}

function problems(errors: ValidationError[], prefix = ''): Problem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([name, message]): Problem => {
      const code = (error.contexts?.[name] as { code?: ErrorCode } | undefined)?.code;
      if (code) return { message, code };
      return {
        message: message.startsWith(error.property)
          ? message.replace(error.property, path)
          : `${path}: ${message}`,
      };
    });
    return [...own, ...problems(error.children ?? [], path)];
  });
}

/**
 * The error for a body or query that fails validation. Shape problems (unknown fields,
 * wrong types of plain validators) are `400 validation_failed` naming each one; when the
 * only problems are `@Check`s, the first one's own code and message answer, the same as
 * a service applying that rule would.
 */
export function validationException(errors: ValidationError[]): ApiException {
  const all = problems(errors);
  const plain = all.filter((p) => !p.code);
  if (!plain.length && all.length) return new ApiException(400, all[0].code!, all[0].message);
  return new ApiException(
    400,
    'validation_failed',
    plain.map((p) => p.message).join('; ') || 'The request body is invalid',
  );
}

/**
 * A property rule that answers with its own error code and message (`invalid_label`,
 * `invalid_policy`, ...). It runs on missing values too: add nothing else to the property
 * but `@Transform`/`@ApiProperty`.
 */
export function Check(
  name: string,
  test: (value: unknown, object: object) => boolean,
  code: ErrorCode,
  message: string | ((args: ValidationArguments) => string),
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value, args) => test(value, args!.object),
        defaultMessage: (args) => (typeof message === 'string' ? message : message(args!)),
      },
    },
    { context: { code } },
  );
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
    exceptionFactory: validationException,
  });
}
