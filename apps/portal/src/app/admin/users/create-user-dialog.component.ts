import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  Role,
  USERNAME_PATTERN,
  USERNAME_RULE,
  UserSummary,
} from '@feedpass/contracts';
import { apiErrorMessage } from '../../core/api-error';
import { AdminUsersService } from './admin-users.service';

/** Every IANA zone the browser knows, UTC first (some engines leave it out of the list). */
function timeZones(): string[] {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

/** Creates a user; closes with the created {@link UserSummary}. */
@Component({
  selector: 'fp-create-user-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
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
  protected readonly timeZones = timeZones();
  protected readonly roles: { value: Role; label: string }[] = [
    { value: 'user', label: 'User' },
    { value: 'admin', label: 'Admin' },
  ];

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', [Validators.required, Validators.pattern(USERNAME_PATTERN)]],
    displayName: ['', [Validators.required, Validators.maxLength(100)]],
    email: ['', [Validators.required, Validators.email]],
    role: ['user' as Role, Validators.required],
    password: [
      '',
      [
        Validators.required,
        Validators.minLength(PASSWORD_MIN_LENGTH),
        Validators.maxLength(PASSWORD_MAX_LENGTH),
      ],
    ],
    timeZone: ['UTC', Validators.required],
  });
  protected readonly pending = signal(false);
  protected readonly error = signal<string | null>(null);

  protected submit(): void {
    if (this.form.invalid || this.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    this.pending.set(true);
    this.error.set(null);
    this.api
      .create({ ...value, username: value.username.trim(), displayName: value.displayName.trim() })
      .subscribe({
        next: (created) => this.dialogRef.close(created),
        error: (err: unknown) => {
          this.pending.set(false);
          this.error.set(apiErrorMessage(err));
        },
      });
  }
}
