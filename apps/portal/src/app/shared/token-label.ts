import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { TOKEN_LABEL_MAX } from '@feedpass/contracts';

/**
 * A token label: 1–100 characters after trimming, counted as the API counts them (Unicode
 * code points, so an emoji is one character, not two).
 */
export const tokenLabelValidator: ValidatorFn = (
  control: AbstractControl,
): ValidationErrors | null => {
  const length = [...String(control.value ?? '').trim()].length;
  if (length === 0) return { required: true };
  if (length > TOKEN_LABEL_MAX)
    return { maxlength: { requiredLength: TOKEN_LABEL_MAX, actualLength: length } };
  return null;
};

export const TOKEN_LABEL_RULE = `1–${TOKEN_LABEL_MAX} characters`;
