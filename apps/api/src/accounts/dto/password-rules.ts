import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from '@feedpass/contracts';
import { Check } from '../../common/validation.js';

export const isAcceptablePassword = (value: unknown): boolean =>
  typeof value === 'string' &&
  value.length >= PASSWORD_MIN_LENGTH &&
  value.length <= PASSWORD_MAX_LENGTH;

/** A new password must follow the password rule: `400 weak_password` otherwise. */
export const IsNewPassword = (property: string) =>
  Check(
    'isNewPassword',
    isAcceptablePassword,
    'weak_password',
    `${property} must be ${PASSWORD_RULE}`,
  );

/** The secret from a link's fragment: anything else is `400 invalid_link`, like a forged one. */
export const IsLinkSecret = () =>
  Check(
    'isLinkSecret',
    (value) => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value),
    'invalid_link',
    'This link is not valid: it has expired, was already used, or was replaced by a newer one',
  );
