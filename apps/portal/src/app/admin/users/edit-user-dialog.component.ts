import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import {
  PASSWORD_RESET_VALID_MINUTES,
  type UpdateUserRequest,
  type UserSummary,
} from '@feedpass/contracts';
import { apiErrorCode, apiErrorMessage } from '../../core/api-error';
import { submission } from '../../shared/submission';
import {
  DisplayNameFieldComponent,
  displayNameValidators,
} from '../../shared/display-name-field.component';
import { knownTimeZone, TimeZoneFieldComponent } from '../../shared/time-zone-field.component';
import { AdminUsersService } from './admin-users.service';
import { ROLE_OPTIONS } from '../../shared/roles';

/** Edits a user's name, email, role and time zone; closes with the updated {@link UserSummary}. */
@Component({
  selector: 'fp-edit-user-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    DisplayNameFieldComponent,
    TimeZoneFieldComponent,
  ],
  templateUrl: './edit-user-dialog.component.html',
  styleUrl: './edit-user-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EditUserDialogComponent {
  private readonly api = inject(AdminUsersService);
  private readonly dialogRef =
    inject<MatDialogRef<EditUserDialogComponent, UserSummary>>(MatDialogRef);
  protected readonly user = inject<UserSummary>(MAT_DIALOG_DATA);

  protected readonly roles = ROLE_OPTIONS;
  protected readonly form = inject(NonNullableFormBuilder).group({
    displayName: [this.user.displayName, displayNameValidators],
    email: [this.user.email, [Validators.required, Validators.email]],
    role: [this.user.role, Validators.required],
    timeZone: [this.user.timeZone, [Validators.required, knownTimeZone]],
  });
  protected readonly save = submission();

  /** A reset link for an active user who has a password (an invitee gets the invitation resent). */
  protected readonly canReset = this.user.status === 'active' && !this.user.invitation;
  protected readonly reset = submission({ repeat: true, error: this.save.error });
  protected readonly resetSent = signal<string | null>(null);

  protected submit(): void {
    if (this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const next = { ...value, displayName: value.displayName.trim(), email: value.email.trim() };
    // Only what changed, so that an edit does not undo someone else's change of another field.
    const change: UpdateUserRequest = {};
    for (const key of ['displayName', 'email', 'role', 'timeZone'] as const) {
      if (next[key] !== this.user[key]) Object.assign(change, { [key]: next[key] });
    }
    if (Object.keys(change).length === 0) {
      this.dialogRef.close();
      return;
    }
    this.save.send(
      this.api.update(this.user.id, change),
      (updated) => this.dialogRef.close(updated),
      (err) => {
        if (apiErrorCode(err) !== 'last_admin') return apiErrorMessage(err);
        const role = this.form.controls.role;
        role.setErrors({ server: apiErrorMessage(err) });
        role.markAsTouched();
        return null;
      },
    );
  }

  protected sendReset(): void {
    if (this.reset.pending()) return;
    this.resetSent.set(null);
    this.reset.send(this.api.sendPasswordReset(this.user.id), () =>
      this.resetSent.set(
        `Sent a password reset link to ${this.user.email}. It works for ${PASSWORD_RESET_VALID_MINUTES} minutes.`,
      ),
    );
  }
}
