import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { SessionInfo, UpdateProfileRequest } from '@feedpass/contracts';
import { AccountService } from '../core/account.service';
import { apiErrorCode, apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import {
  NewPasswordFieldsComponent,
  newPasswordGroup,
} from '../shared/new-password-fields.component';
import {
  DisplayNameFieldComponent,
  displayNameValidators,
} from '../shared/display-name-field.component';
import { errorLine, lastValue } from '../shared/resource-state';
import { submission } from '../shared/submission';
import { knownTimeZone, TimeZoneFieldComponent } from '../shared/time-zone-field.component';
import { TzDatePipe } from '../shared/tz-date.pipe';
import { describeUserAgent } from './user-agent';

/** The signed-in user's own account: name and time zone, password, sessions. */
@Component({
  selector: 'fp-profile-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    NewPasswordFieldsComponent,
    DisplayNameFieldComponent,
    TimeZoneFieldComponent,
    TzDatePipe,
  ],
  templateUrl: './profile.page.html',
  styleUrl: './profile.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfilePage {
  private readonly auth = inject(AuthService);
  private readonly account = inject(AccountService);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly me = this.auth.user;

  // --- Name and time zone
  protected readonly profile = this.fb.group({
    displayName: [this.me()?.displayName ?? '', displayNameValidators],
    timeZone: [this.me()?.timeZone ?? 'UTC', [Validators.required, knownTimeZone]],
  });
  protected readonly profileSave = submission({ repeat: true });
  protected readonly profileSaved = signal(false);

  protected saveProfile(): void {
    if (this.profile.invalid || this.profileSave.pending()) {
      this.profile.markAllAsTouched();
      return;
    }
    const me = this.me();
    const { displayName, timeZone } = this.profile.getRawValue();
    const change: UpdateProfileRequest = {};
    if (displayName.trim() !== me?.displayName) change.displayName = displayName.trim();
    if (timeZone !== me?.timeZone) change.timeZone = timeZone;
    this.profileSaved.set(false);
    if (Object.keys(change).length === 0) {
      this.profileSave.error.set(null);
      this.profileSaved.set(true);
      return;
    }
    this.profileSave.send(this.auth.updateProfile(change), (user) => {
      this.profileSaved.set(true);
      this.profile.reset({ displayName: user.displayName, timeZone: user.timeZone });
    });
  }

  // --- Password
  protected readonly password = this.fb.group({
    currentPassword: ['', Validators.required],
    next: newPasswordGroup(),
  });
  protected readonly passwordSave = submission({ repeat: true });
  protected readonly passwordChanged = signal(false);

  protected changePassword(): void {
    if (this.password.invalid || this.passwordSave.pending()) {
      this.password.markAllAsTouched();
      return;
    }
    const { currentPassword, next } = this.password.getRawValue();
    this.passwordChanged.set(false);
    this.passwordSave.send(
      this.account.changePassword({ currentPassword, newPassword: next.password }),
      () => {
        this.passwordChanged.set(true);
        this.password.reset();
        // The other sessions have ended: show what is left.
        this.sessionList.reload();
      },
      (err) => {
        const message = apiErrorMessage(err);
        const code = apiErrorCode(err);
        if (code === 'wrong_password') {
          this.password.controls.currentPassword.setErrors({ server: message });
        } else if (code === 'weak_password') {
          this.password.controls.next.controls.password.setErrors({ server: message });
        } else {
          return message;
        }
        return null;
      },
    );
  }

  // --- Sessions
  protected readonly sessionColumns = ['device', 'ip', 'createdAt', 'lastSeenAt', 'actions'];
  private readonly sessionList = this.account.sessionsResource();
  private readonly shownSessions = lastValue(this.sessionList);
  protected readonly sessions = computed(() => {
    const items = this.shownSessions()?.items ?? [];
    // This session first, then the most recently used.
    return [...items].sort(
      (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
    );
  });
  protected readonly sessionsLoading = this.sessionList.isLoading;
  private readonly sessionErrors = errorLine(this.sessionList);
  protected readonly sessionError = this.sessionErrors.message;
  protected readonly ending = signal<string | null>(null);
  protected readonly describe = describeUserAgent;

  protected endSession(session: SessionInfo): void {
    if (this.ending()) return;
    this.ending.set(session.id);
    this.sessionErrors.set(null);
    this.account.endSession(session.id).subscribe({
      next: () => {
        this.ending.set(null);
        this.sessionList.update(
          (list) => list && { items: list.items.filter((s) => s.id !== session.id) },
        );
      },
      error: (err: unknown) => {
        this.ending.set(null);
        this.sessionErrors.fail(err);
      },
    });
  }
}
