import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { Router } from '@angular/router';
import { apiErrorCode, apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { takeLinkSecret } from '../core/link-secret';
import { AuthCardComponent } from '../shared/auth-card.component';
import {
  NewPasswordFieldsComponent,
  newPasswordGroup,
} from '../shared/new-password-fields.component';

/** Sets the invitee's password from the link of an invitation email, then signs them in. */
@Component({
  selector: 'fp-accept-invite-page',
  imports: [ReactiveFormsModule, MatButtonModule, AuthCardComponent, NewPasswordFieldsComponent],
  templateUrl: './accept-invite.page.html',
  styleUrl: './accept-invite.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AcceptInvitePage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly secret = takeLinkSecret();

  protected readonly form = newPasswordGroup();
  protected readonly pending = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly invalidLink = signal(this.secret === null);

  protected submit(): void {
    if (this.form.invalid || this.pending() || !this.secret) {
      this.form.markAllAsTouched();
      return;
    }
    this.pending.set(true);
    this.error.set(null);
    this.auth
      .acceptInvitation({ token: this.secret, password: this.form.controls.password.value })
      .subscribe({
        // Where signing in lands.
        next: () => void this.router.navigateByUrl('/tokens'),
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
