import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';
import { AccountService } from '../core/account.service';
import { AuthService } from '../core/auth.service';
import { AuthCardComponent } from '../shared/auth-card.component';
import { NewPasswordFieldsComponent } from '../shared/new-password-fields.component';
import { passwordLinkForm } from '../shared/password-link-form';

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
  private readonly link = passwordLinkForm();

  protected readonly form = this.link.form;
  protected readonly pending = this.link.pending;
  protected readonly error = this.link.error;
  /** The link is malformed, expired, used or replaced: only a new one helps. */
  protected readonly invalidLink = this.link.invalidLink;

  protected submit(): void {
    this.link.submit(
      (token, newPassword) => this.account.completePasswordReset({ token, newPassword }),
      () => {
        // Every session of the user has ended, this tab's too.
        this.auth.clear();
        void this.router.navigate(['/login'], { queryParams: { passwordReset: 'done' } });
      },
    );
  }
}
