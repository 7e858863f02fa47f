import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import {
  INVITATION_VALID_DAYS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  Role,
  USERNAME_PATTERN,
  USERNAME_RULE,
  UserSummary,
} from '@feedpass/contracts';
import { submission } from '../../shared/submission';
import {
  DisplayNameFieldComponent,
  displayNameValidators,
} from '../../shared/display-name-field.component';
import { knownTimeZone, TimeZoneFieldComponent } from '../../shared/time-zone-field.component';
import { AdminUsersService } from './admin-users.service';
import { ROLE_OPTIONS } from '../../shared/roles';

/** Creates a user, with a password or by invitation; closes with the created {@link UserSummary}. */
@Component({
  selector: 'fp-create-user-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    DisplayNameFieldComponent,
    TimeZoneFieldComponent,
  ],
  templateUrl: './create-user-dialog.component.html',
  styleUrl: './create-user-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateUserDialogComponent {
  private readonly api = inject(AdminUsersService);
  private readonly dialogRef =
    inject<MatDialogRef<CreateUserDialogComponent, UserSummary>>(MatDialogRef);

  protected readonly usernameRule = USERNAME_RULE;
  protected readonly passwordMin = PASSWORD_MIN_LENGTH;
  protected readonly roles = ROLE_OPTIONS;

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', [Validators.required, Validators.pattern(USERNAME_PATTERN)]],
    displayName: ['', displayNameValidators],
    email: ['', [Validators.required, Validators.email]],
    role: ['user' as Role, Validators.required],
    /** Email a link to set a password instead of setting one here. */
    invite: [false],
    password: [
      '',
      [
        Validators.required,
        Validators.minLength(PASSWORD_MIN_LENGTH),
        Validators.maxLength(PASSWORD_MAX_LENGTH),
      ],
    ],
    timeZone: ['UTC', [Validators.required, knownTimeZone]],
  });
  protected readonly inviteDays = INVITATION_VALID_DAYS;
  protected readonly inviting = toSignal(this.form.controls.invite.valueChanges, {
    initialValue: false,
  });

  constructor() {
    // An invitee sets their own password: the field goes (and so do its checks).
    this.form.controls.invite.valueChanges.subscribe((invite) => {
      const password = this.form.controls.password;
      if (invite) password.disable();
      else password.enable();
    });
  }

  protected readonly save = submission();

  protected submit(): void {
    if (this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const { invite, password, ...value } = this.form.getRawValue();
    this.save.send(
      this.api.create({
        ...value,
        ...(invite ? { invite: true } : { password }),
        username: value.username.trim(),
        displayName: value.displayName.trim(),
      }),
      (created) => this.dialogRef.close(created),
    );
  }
}
