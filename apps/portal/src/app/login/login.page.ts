import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import type { SignInOptions } from '@feedpass/contracts';
import {
  catchError,
  debounceTime,
  distinctUntilChanged,
  filter,
  map,
  merge,
  of,
  Subject,
  switchMap,
} from 'rxjs';
import { apiErrorCode, apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { SignInOptionsService } from '../core/sign-in-options.service';
import { SsoButtonComponent } from '../shared/sso-button.component';
import { submission } from '../shared/submission';
import { SSO_REQUIRED_MESSAGE, ssoErrorMessage } from '../shared/sso-sign-in';

/** How long typing may pause before the page asks how that username signs in. */
export const USERNAME_PAUSE_MS = 400;

/** What a failed look-up falls back to: the password form (the login call reports any trouble). */
const PASSWORD_ONLY: SignInOptions = { password: true, sso: null };

/**
 * Username first: the page asks how the username signs in (`sign-in-options`), then offers the
 * password field, the tenant's single sign-on button, or both.
 */
@Component({
  selector: 'fp-login-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    SsoButtonComponent,
  ],
  templateUrl: './login.page.html',
  styleUrl: './login.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly signInOptions = inject(SignInOptionsService);
  private readonly destroyRef = inject(DestroyRef);

  /** Where the visitor was going before being asked to sign in (query parameter). */
  readonly returnUrl = input<string>();
  /** `done` after a password reset: the user signs in with the new password (query parameter). */
  readonly passwordReset = input<string>();
  /** Why the last single sign-on failed: `?sso_error=` (SSO_ERROR_PARAM) from the API's callback. */
  readonly ssoError = input<string>(undefined, { alias: 'sso_error' });

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });
  private readonly username = toSignal(
    this.form.controls.username.valueChanges.pipe(map((name) => name.trim())),
    { initialValue: '' },
  );
  /** The last answer of `sign-in-options`, with the username it was asked for. */
  private readonly answer = signal<{ username: string; options: SignInOptions } | null>(null);
  /** How the username now in the field signs in; null until the page has asked. */
  protected readonly options = computed(() => {
    const answer = this.answer();
    return answer && answer.username === this.username() ? answer.options : null;
  });
  protected readonly looking = signal(false);
  protected readonly save = submission();
  protected readonly ssoErrorText = computed(() => ssoErrorMessage(this.ssoError()));

  /** Usernames to look up at once (Continue, Enter), besides the ones typed and paused on. */
  private readonly lookUpNow = new Subject<string>();

  constructor() {
    merge(
      this.form.controls.username.valueChanges.pipe(debounceTime(USERNAME_PAUSE_MS)),
      this.lookUpNow,
    )
      .pipe(
        map((name) => name.trim()),
        filter(Boolean),
        distinctUntilChanged(),
        switchMap((username) => {
          this.looking.set(true);
          return this.signInOptions.forUsername(username).pipe(
            catchError(() => of(PASSWORD_ONLY)),
            map((options) => ({ username, options })),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((answer) => {
        this.looking.set(false);
        this.answer.set(answer);
      });
  }

  protected submit(): void {
    const { username, password } = this.form.controls;
    if (username.invalid || !username.value.trim()) {
      username.markAsTouched();
      return;
    }
    const options = this.options();
    if (!options) {
      this.lookUpNow.next(username.value);
      return;
    }
    if (!options.password || this.save.pending()) return;
    if (password.invalid) {
      password.markAsTouched();
      return;
    }
    this.save.send(
      this.auth.login(this.form.getRawValue()),
      () => void this.router.navigateByUrl(this.destination()),
      (err) => {
        if (apiErrorCode(err) !== 'sso_required') return apiErrorMessage(err);
        this.refreshOptions(this.form.controls.username.value.trim());
        return SSO_REQUIRED_MESSAGE;
      },
    );
  }

  /** The tenant turned passwords off since the page asked: ask again to show its SSO button. */
  private refreshOptions(username: string): void {
    this.signInOptions
      .forUsername(username)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ next: (options) => this.answer.set({ username, options }), error: () => {} });
  }

  /** Only same-site paths: `returnUrl` arrives in the address bar and must not redirect off-site. */
  private destination(): string {
    const url = this.returnUrl();
    return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login')
      ? url
      : '/tokens';
  }
}
