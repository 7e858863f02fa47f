import { signal } from '@angular/core';
import type { Observable } from 'rxjs';
import { apiErrorCode, apiErrorMessage } from '../core/api-error';
import { takeLinkSecret } from '../core/link-secret';
import { newPasswordGroup } from './new-password-fields.component';
import { submission } from './submission';

/**
 * The state of a page that sets a password from an emailed one-time link (accepting an
 * invitation, completing a reset): the link's secret, the new-password form, and what the
 * API said. An expired, used or replaced link (`invalid_link`) leaves only "ask for a new
 * one"; a password that breaks the rules shows under its field. Call it in an injection
 * context (it takes the secret out of the address bar).
 */
export function passwordLinkForm() {
  const secret = takeLinkSecret();
  const form = newPasswordGroup();
  const save = submission();
  const invalidLink = signal(secret === null);

  /** Sends the secret and the new password; `done` runs on success. */
  function submit(
    send: (token: string, password: string) => Observable<unknown>,
    done: () => void,
  ): void {
    if (form.invalid || save.pending() || !secret) {
      form.markAllAsTouched();
      return;
    }
    save.send(send(secret, form.controls.password.value), done, (err) => {
      const code = apiErrorCode(err);
      if (code === 'invalid_link') invalidLink.set(true);
      else if (code === 'weak_password')
        form.controls.password.setErrors({ server: apiErrorMessage(err) });
      else return apiErrorMessage(err);
      return null;
    });
  }

  return { form, pending: save.pending, error: save.error, invalidLink, submit };
}
