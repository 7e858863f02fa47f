import { signal, type Signal, type WritableSignal } from '@angular/core';
import type { Observable } from 'rxjs';
import { apiErrorMessage } from '../core/api-error';

/**
 * A form's request to the API, one at a time: `pending` while it is in flight (its submit button
 * is disabled meanwhile), `error` the line above the fields that says why it was refused.
 */
export interface Submission {
  readonly pending: Signal<boolean>;
  /** The refusal shown above the fields; a form may also set its own words. */
  readonly error: WritableSignal<string | null>;
  /**
   * Sends `request` and hands its answer to `done`; the error line is cleared first. A refusal
   * goes to `refused`, which returns the message to show, or `null` when it showed the refusal
   * elsewhere (under a field, say) and the error line stays as it is; without it the API's own
   * message is shown.
   */
  send<T>(
    request: Observable<T>,
    done: (answer: T) => void,
    refused?: (err: unknown) => string | null,
  ): void;
}

export interface SubmissionOptions {
  /**
   * The form stays after a success and may send again (sharing with one more user). Otherwise a
   * success ends it (a dialog closes, a page moves on) and it stays pending: a second click
   * while the dialog closes sends nothing.
   */
  repeat?: boolean;
  /** Another submission's error line, for two requests of one form. */
  error?: WritableSignal<string | null>;
}

export function submission({
  repeat = false,
  error = signal(null),
}: SubmissionOptions = {}): Submission {
  const pending = signal(false);
  return {
    pending: pending.asReadonly(),
    error,
    send(request, done, refused = apiErrorMessage) {
      pending.set(true);
      error.set(null);
      request.subscribe({
        next: (answer) => {
          if (repeat) pending.set(false);
          done(answer);
        },
        error: (err: unknown) => {
          pending.set(false);
          const message = refused(err);
          if (message !== null) error.set(message);
        },
      });
    },
  };
}
