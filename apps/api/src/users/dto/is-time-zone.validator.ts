import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

const ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

@ValidatorConstraint({ name: 'isTimeZone' })
export class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && ZONES.has(value);
  }
  defaultMessage(): string {
    return 'timeZone must be an IANA time zone such as "Europe/Berlin" or "UTC"';
  }
}
