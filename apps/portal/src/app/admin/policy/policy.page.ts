import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
  type AbstractControl,
  type ValidationErrors,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSnackBar } from '@angular/material/snack-bar';
import {
  LIFETIME_DAYS_MAX,
  LIFETIME_DAYS_MIN,
  REVOKE_UNUSED_DAYS_MAX,
  REVOKE_UNUSED_DAYS_MIN,
  type Policy,
  type PolicyMode,
  type UpdatePolicyRequest,
} from '@feedpass/contracts';
import { of, switchMap } from 'rxjs';
import { AuthService } from '../../core/auth.service';
import { PolicyService } from '../../core/policy.service';
import { ConfirmService } from '../../shared/confirm.service';
import { errorLine } from '../../shared/resource-state';
import { TzDatePipe } from '../../shared/tz-date.pipe';
import { NOTICE_DAYS_RULE, noticeDaysValidator, parseNoticeDays } from './notice-days';

const MODES: { value: PolicyMode; label: string; explanation: string }[] = [
  {
    value: 'none',
    label: 'No automatic expiry',
    explanation: 'Tokens never expire unless their owner picks an expiry date.',
  },
  {
    value: 'fixed',
    label: 'Fixed lifetime',
    explanation: 'Every new token expires exactly the set number of days after it is created.',
  },
  {
    value: 'max',
    label: 'Maximum lifetime',
    explanation:
      'Owners pick an expiry date up to the set number of days ahead; no token lasts forever.',
  },
];

/** "" (never) or a whole number of days in 7–3650, as typed. */
function parseUnusedDays(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (!/^\d{1,4}$/.test(trimmed)) return undefined;
  const days = Number(trimmed);
  return days >= REVOKE_UNUSED_DAYS_MIN && days <= REVOKE_UNUSED_DAYS_MAX ? days : undefined;
}

const unusedDaysValidator = (control: AbstractControl): ValidationErrors | null =>
  parseUnusedDays(String(control.value ?? '')) === undefined ? { unusedDays: true } : null;

@Component({
  selector: 'fp-expiry-policy-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    TzDatePipe,
  ],
  templateUrl: './policy.page.html',
  styleUrl: './policy.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExpiryPolicyPage {
  private readonly api = inject(PolicyService);
  private readonly confirm = inject(ConfirmService);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly me = inject(AuthService).user;
  protected readonly modes = MODES;
  protected readonly lifetimeMin = LIFETIME_DAYS_MIN;
  protected readonly lifetimeMax = LIFETIME_DAYS_MAX;
  protected readonly noticeRule = NOTICE_DAYS_RULE;
  protected readonly unusedMin = REVOKE_UNUSED_DAYS_MIN;
  protected readonly unusedMax = REVOKE_UNUSED_DAYS_MAX;

  protected readonly form = inject(NonNullableFormBuilder).group({
    mode: ['none' as PolicyMode],
    lifetimeDays: [
      90,
      [
        Validators.required,
        Validators.min(LIFETIME_DAYS_MIN),
        Validators.max(LIFETIME_DAYS_MAX),
        Validators.pattern(/^\d+$/),
      ],
    ],
    notifyDays: ['7, 1', noticeDaysValidator],
    /** Empty: unused tokens are never revoked. */
    revokeUnusedDays: ['', unusedDaysValidator],
    applyToExisting: [false],
  });
  protected readonly mode = toSignal(this.form.controls.mode.valueChanges, {
    initialValue: this.form.controls.mode.value,
  });
  protected readonly limited = computed(() => this.mode() !== 'none');
  /** The saved policy: as loaded, then as each save returns it. */
  private readonly saved = this.api.getResource();
  protected readonly policy = computed(() => (this.saved.hasValue() ? this.saved.value() : null));
  protected readonly loading = this.saved.isLoading;
  protected readonly pending = signal(false);
  /** What the last save ran into, else why the policy failed to load. */
  private readonly errors = errorLine(this.saved);
  protected readonly error = this.errors.message;

  constructor() {
    this.form.controls.mode.valueChanges.subscribe((mode) => this.enableForMode(mode));
    effect(() => {
      const policy = this.policy();
      if (policy) untracked(() => this.show(policy));
    });
  }

  protected save(): void {
    if (this.form.invalid || this.pending() || !this.policy()) {
      this.form.markAllAsTouched();
      return;
    }
    const request = this.request();
    const confirmed = request.applyToExisting
      ? this.confirm.ask(
          {
            title: 'Shorten existing tokens?',
            message:
              `Every active token that expires more than ${request.lifetimeDays} days from now, ` +
              `or never, will expire ${request.lifetimeDays} days from now instead. Their ` +
              `owners are emailed. Tokens are never lengthened, and this cannot be undone.`,
            confirm: 'Shorten and save',
          },
          { width: '480px' },
        )
      : of(true);
    confirmed
      .pipe(
        switchMap(() => {
          this.pending.set(true);
          this.errors.set(null);
          return this.api.update(request);
        }),
      )
      .subscribe({
        next: (result) => {
          this.pending.set(false);
          const { shortenedTokens, ...policy } = result;
          this.saved.set(policy);
          const shortened = request.applyToExisting
            ? ` ${shortenedTokens} ${shortenedTokens === 1 ? 'token' : 'tokens'} shortened.`
            : '';
          this.snackBar.open(`Policy saved.${shortened}`, undefined, { duration: 6000 });
        },
        error: (err: unknown) => {
          this.pending.set(false);
          this.errors.fail(err);
        },
      });
  }

  private request(): UpdatePolicyRequest {
    const { mode, lifetimeDays, notifyDays, revokeUnusedDays, applyToExisting } =
      this.form.getRawValue();
    const notifyDaysBefore = parseNoticeDays(notifyDays) ?? [];
    const revokeUnusedAfterDays = parseUnusedDays(revokeUnusedDays) ?? null;
    if (mode === 'none') {
      return { mode, lifetimeDays: null, notifyDaysBefore, revokeUnusedAfterDays };
    }
    return {
      mode,
      lifetimeDays: Number(lifetimeDays),
      notifyDaysBefore,
      revokeUnusedAfterDays,
      ...(applyToExisting ? { applyToExisting: true } : {}),
    };
  }

  /** Puts a loaded or saved policy into the form. */
  private show(policy: Policy): void {
    this.form.reset({
      mode: policy.mode,
      lifetimeDays: policy.lifetimeDays ?? this.form.controls.lifetimeDays.value,
      notifyDays: policy.notifyDaysBefore.join(', '),
      revokeUnusedDays: policy.revokeUnusedAfterDays?.toString() ?? '',
      applyToExisting: false,
    });
    this.enableForMode(policy.mode);
  }

  /** Days and "shorten existing" only mean something with a limit. */
  private enableForMode(mode: PolicyMode): void {
    const { lifetimeDays, applyToExisting } = this.form.controls;
    for (const control of [lifetimeDays, applyToExisting]) {
      if (mode === 'none') control.disable({ emitEvent: false });
      else control.enable({ emitEvent: false });
    }
    if (mode === 'none') applyToExisting.setValue(false, { emitEvent: false });
  }
}
