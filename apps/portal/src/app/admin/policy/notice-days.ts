import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { NOTIFY_DAYS_MAX, NOTIFY_DAYS_MAX_COUNT, NOTIFY_DAYS_MIN } from '@feedpass/contracts';

export const NOTICE_DAYS_RULE =
  `Up to ${NOTIFY_DAYS_MAX_COUNT} different whole days from ${NOTIFY_DAYS_MIN} to ` +
  `${NOTIFY_DAYS_MAX}, separated by commas`;

/** "7, 1" → [7, 1] (largest first); null when the text is not a valid list. Empty is []. */
export function parseNoticeDays(text: string): number[] | null {
  const parts = text
    .split(/[,;\s]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.some((part) => !/^\d{1,3}$/.test(part))) return null;
  const days = parts.map(Number);
  if (days.some((day) => day < NOTIFY_DAYS_MIN || day > NOTIFY_DAYS_MAX)) return null;
  if (new Set(days).size !== days.length || days.length > NOTIFY_DAYS_MAX_COUNT) return null;
  return days.sort((a, b) => b - a);
}

export const noticeDaysValidator: ValidatorFn = (
  control: AbstractControl,
): ValidationErrors | null =>
  parseNoticeDays(String(control.value ?? '')) ? null : { noticeDays: true };
