import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import { PASSWORD_RESET_VALID_MINUTES } from '@feedpass/contracts';
import { AccountService } from '../core/account.service';
import { apiErrorMessage } from '../core/api-error';
import { AuthCardComponent } from '../shared/auth-card.component';
import { submission } from '../shared/submission';

/** "Please wait …" for a `429`, from its `Retry-After` seconds where the API sent them. */
function waitMessage(err: HttpErrorResponse): string {
  const seconds = Number(err.headers.get('Retry-After'));
  if (!Number.isFinite(seconds) || seconds <= 0) {
    return 'Too many requests. Please wait a few minutes and try again.';
  }
  const wait =
    seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many requests. Please wait ${wait} and try again.`;
}

/** Asks for a password-reset link by email; never says whether the account exists. */
@Component({
  selector: 'fp-forgot-password-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    AuthCardComponent,
  ],
  templateUrl: './forgot-password.page.html',
  styleUrl: './forgot-password.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForgotPasswordPage {
  private readonly account = inject(AccountService);

  protected readonly validMinutes = PASSWORD_RESET_VALID_MINUTES;
  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
  });
  protected readonly save = submission({ repeat: true });
  protected readonly sent = signal(false);

  protected submit(): void {
    if (this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const username = this.form.controls.username.value.trim();
    this.save.send(
      this.account.requestPasswordReset({ username }),
      () => this.sent.set(true),
      (err) =>
        err instanceof HttpErrorResponse && err.status === 429
          ? waitMessage(err)
          : apiErrorMessage(err),
    );
  }
}
