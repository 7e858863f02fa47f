import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';
import { AccountService } from '../core/account.service';
import { apiErrorCode, apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { takeLinkSecret } from '../core/link-secret';
import { AuthCardComponent } from '../shared/auth-card.component';
import {
  NewPasswordFieldsComponent,
  newPasswordGroup,
} from '../shared/new-password-fields.component';

/** Sets a new password from the link of a password-reset email (`/reset-password#secret`). */
@Component({
  selector: 'fp-reset-password-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    AuthCardComponent,
    NewPasswordFieldsComponent,
  ],
  templateUrl: './reset-password.page.html',
  styleUrl: './reset-password.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResetPasswordPage {
  private readonly account = inject(AccountService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly secret = takeLinkSecret();

  protected readonly form = newPasswordGroup();
  protected readonly pending = signal(false);
  protected readonly error = signal<string | null>(null);
  /** The link is malformed, expired, used or replaced: only a new one helps. */
  protected readonly invalidLink = signal(this.secret === null);

  protected submit(): void {
    if (this.form.invalid || this.pending() || !this.secret) {
      this.form.markAllAsTouched();
      return;
    }
    this.pending.set(true);
    this.error.set(null);
    this.account
      .completePasswordReset({ token: this.secret, newPassword: this.form.controls.password.value })
      .subscribe({
        next: () => {
          // Every session of the user has ended, this tab's too.
          this.auth.clear();
          void this.router.navigate(['/login'], { queryParams: { passwordReset: 'done' } });
        },
        error: (err: unknown) => {
          this.pending.set(false);
          const code = apiErrorCode(err);
          if (code === 'invalid_link') this.invalidLink.set(true);
          else if (code === 'weak_password')
            this.form.controls.password.setErrors({ server: apiErrorMessage(err) });
          else this.error.set(apiErrorMessage(err));
        },
      });
  }
}
