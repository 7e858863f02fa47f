import { Clipboard } from '@angular/cdk/clipboard';
import { COMMA, ENTER, SPACE } from '@angular/cdk/keycodes';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import {
  type Role,
  type SsoSettings,
  type SsoTestResult,
  type UpdateSsoRequest,
} from '@feedpass/contracts';
import { apiErrorMessage } from '../../core/api-error';
import { AuthService } from '../../core/auth.service';
import { errorLine } from '../../shared/resource-state';
import { ROLE_OPTIONS } from '../../shared/roles';
import { TzDatePipe } from '../../shared/tz-date.pipe';
import { SsoSettingsService } from './sso-settings.service';

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const MAX_DOMAINS = 50;

/** Admin page: the tenant's OpenID Connect provider, who may sign in through it, and how. */
@Component({
  selector: 'fp-sso-settings-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatChipsModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    TzDatePipe,
  ],
  templateUrl: './sso-settings.page.html',
  styleUrl: './sso-settings.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SsoSettingsPage {
  private readonly api = inject(SsoSettingsService);
  private readonly snackBar = inject(MatSnackBar);
  private readonly clipboard = inject(Clipboard);

  protected readonly me = inject(AuthService).user;
  protected readonly roles = ROLE_OPTIONS;
  protected readonly separators = [ENTER, COMMA, SPACE] as const;

  protected readonly form = inject(NonNullableFormBuilder).group({
    issuer: ['', [Validators.required, Validators.minLength(8), Validators.maxLength(500)]],
    clientId: ['', [Validators.required, Validators.maxLength(255)]],
    clientSecret: ['', Validators.maxLength(1000)],
    displayName: ['', [Validators.required, Validators.maxLength(60)]],
    autoCreate: [false],
    defaultRole: ['user' as Role],
    passwordSignIn: [true],
    enabled: [false],
  });
  protected readonly domains = signal<string[]>([]);
  protected readonly domainError = signal<string | null>(null);

  /** The saved settings: as loaded, then as each save returns them. */
  private readonly saved = this.api.getResource();
  protected readonly settings = computed(() => (this.saved.hasValue() ? this.saved.value() : null));
  protected readonly loading = this.saved.isLoading;
  protected readonly pending = signal(false);
  private readonly errors = errorLine(this.saved);
  protected readonly error = this.errors.message;

  protected readonly testing = signal(false);
  protected readonly testResult = signal<SsoTestResult | null>(null);
  protected readonly testError = signal<string | null>(null);
  protected readonly copyStatus = signal<string | null>(null);

  constructor() {
    effect(() => {
      const settings = this.settings();
      if (settings) untracked(() => this.show(settings));
    });
  }

  protected addDomain(event: MatChipInputEvent): void {
    const value = event.value.trim().toLowerCase().replace(/^@/, '');
    if (!value) return;
    if (!DOMAIN.test(value)) {
      this.domainError.set(`“${value}” is not a domain name such as contoso.com.`);
      return;
    }
    if (this.domains().length >= MAX_DOMAINS && !this.domains().includes(value)) {
      this.domainError.set(`At most ${MAX_DOMAINS} domains.`);
      return;
    }
    this.domainError.set(null);
    if (!this.domains().includes(value)) this.domains.update((list) => [...list, value]);
    event.chipInput.clear();
  }

  protected removeDomain(domain: string): void {
    this.domains.update((list) => list.filter((d) => d !== domain));
  }

  protected copyRedirectUri(uri: string): void {
    this.copyStatus.set(
      this.clipboard.copy(uri)
        ? 'Copied the redirect URI to the clipboard.'
        : 'Copying failed. Select the address and copy it yourself.',
    );
  }

  /** Discovery against the issuer as typed; nothing is saved. */
  protected test(): void {
    if (this.testing()) return;
    const issuer = this.form.controls.issuer.value.trim();
    this.testing.set(true);
    this.testResult.set(null);
    this.testError.set(null);
    this.api.test(issuer ? { issuer } : {}).subscribe({
      next: (result) => {
        this.testing.set(false);
        this.testResult.set(result);
      },
      error: (err: unknown) => {
        this.testing.set(false);
        this.testError.set(apiErrorMessage(err));
      },
    });
  }

  protected save(): void {
    const settings = this.settings();
    if (this.form.invalid || this.pending() || !settings) {
      this.form.markAllAsTouched();
      return;
    }
    const problem = this.problem(settings);
    if (problem) {
      this.errors.set(problem);
      return;
    }
    this.pending.set(true);
    this.errors.set(null);
    this.api.update(this.request()).subscribe({
      next: (result) => {
        this.pending.set(false);
        this.saved.set(result);
        this.snackBar.open('Single sign-on saved.', undefined, { duration: 6000 });
      },
      error: (err: unknown) => {
        this.pending.set(false);
        this.errors.fail(err);
      },
    });
  }

  /** The API's own rules, said before asking it. */
  private problem(settings: SsoSettings): string | null {
    const { enabled, passwordSignIn, clientSecret } = this.form.getRawValue();
    if (enabled && !settings.clientSecretSet && !clientSecret)
      return 'Enter the client secret to turn single sign-on on.';
    if (!passwordSignIn && !enabled)
      return 'Password sign-in can be turned off only while single sign-on is on.';
    return null;
  }

  private request(): UpdateSsoRequest {
    const value = this.form.getRawValue();
    const request: UpdateSsoRequest = {
      issuer: value.issuer.trim(),
      clientId: value.clientId.trim(),
      displayName: value.displayName.trim(),
      allowedDomains: this.domains(),
      autoCreate: value.autoCreate,
      defaultRole: value.defaultRole,
      passwordSignIn: value.passwordSignIn,
      enabled: value.enabled,
    };
    // Empty keeps the stored secret: the API never sends it back.
    if (value.clientSecret) request.clientSecret = value.clientSecret;
    return request;
  }

  private show(settings: SsoSettings): void {
    this.form.reset({
      issuer: settings.issuer,
      clientId: settings.clientId,
      clientSecret: '',
      displayName: settings.displayName,
      autoCreate: settings.autoCreate,
      defaultRole: settings.defaultRole,
      passwordSignIn: settings.passwordSignIn,
      enabled: settings.enabled,
    });
    this.domains.set([...settings.allowedDomains]);
    this.domainError.set(null);
  }
}
