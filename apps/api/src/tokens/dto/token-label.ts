import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { TOKEN_LABEL_MAX } from '@feedpass/contracts';
import { normalizeLabel } from '@feedpass/domain';
import { Check } from '../../common/validation.js';

const normalized = (value: unknown) =>
  typeof value === 'string' ? normalizeLabel(value, TOKEN_LABEL_MAX) : null;

/** A token label: trimmed; otherwise `400 invalid_label`. */
export const IsTokenLabel = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => normalized(value) ?? value),
    Check(
      'isTokenLabel',
      (value) => normalized(value) !== null,
      'invalid_label',
      `label must be text of 1 to ${TOKEN_LABEL_MAX} characters (not only spaces)`,
    ),
  );
