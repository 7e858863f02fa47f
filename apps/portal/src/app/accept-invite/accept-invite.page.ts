import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { Router } from '@angular/router';
import { AuthService } from '../core/auth.service';
import { AuthCardComponent } from '../shared/auth-card.component';
import { NewPasswordFieldsComponent } from '../shared/new-password-fields.component';
import { passwordLinkForm } from '../shared/password-link-form';

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
  private readonly link = passwordLinkForm();

  protected readonly form = this.link.form;
  protected readonly pending = this.link.pending;
  protected readonly error = this.link.error;
  protected readonly invalidLink = this.link.invalidLink;

  protected submit(): void {
    this.link.submit(
      (token, password) => this.auth.acceptInvitation({ token, password }),
      // Where signing in lands.
      () => void this.router.navigateByUrl('/tokens'),
    );
  }
}
