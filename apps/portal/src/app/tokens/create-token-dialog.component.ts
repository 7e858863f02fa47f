import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import {
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
  type AbstractControl,
  type ValidationErrors,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import {
  LIFETIME_DAYS_MAX,
  TOKEN_SCOPE_MAX,
  type CreatedToken,
  type CreateTokenRequest,
  type DataSource,
  type Policy,
  type TokenScopeRequest,
} from '@feedpass/contracts';
import { apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { PolicyService } from '../core/policy.service';
import { DataSourcesService } from '../data-sources/data-sources.service';
import { submission } from '../shared/submission';
import { TOKEN_LABEL_RULE, tokenLabelValidator } from '../shared/token-label';
import {
  addDays,
  CalendarDay,
  dayInZone,
  daysFromNow,
  endOfDay,
  fromPickerDate,
  sameDay,
  toPickerDate,
} from '../shared/zoned-date';
import { TokensService } from './tokens.service';

type ScopeKind = TokenScopeRequest['kind'];

/** The data sources picked, when the token is limited to some: 1–50 of them. */
function pickedSourcesValidator(control: AbstractControl<string[]>): ValidationErrors | null {
  if (control.parent?.get('scopeKind')?.value !== 'data_sources') return null;
  const count = control.value?.length ?? 0;
  if (count === 0) return { required: true };
  if (count > TOKEN_SCOPE_MAX) return { maxItems: { max: TOKEN_SCOPE_MAX, actual: count } };
  return null;
}

/**
 * Mints a token under the tenant's expiry policy, for all the user's data sources or only
 * those picked (loaded when that choice is made); closes with the {@link CreatedToken}, whose
 * value the caller shows once and drops.
 */
@Component({
  selector: 'fp-create-token-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatDatepickerModule,
    MatRadioModule,
    MatSelectModule,
  ],
  providers: [provideNativeDateAdapter()],
  templateUrl: './create-token-dialog.component.html',
  styleUrl: './create-token-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateTokenDialogComponent {
  private readonly api = inject(TokensService);
  private readonly dataSources = inject(DataSourcesService);
  private readonly dialogRef =
    inject<MatDialogRef<CreateTokenDialogComponent, CreatedToken>>(MatDialogRef);

  protected readonly labelRule = TOKEN_LABEL_RULE;
  protected readonly timeZone = inject(AuthService).user()?.timeZone || 'UTC';
  protected readonly policy = signal<Policy | null>(null);
  protected readonly save = submission();

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    label: ['', tokenLabelValidator],
    expiry: this.fb.control<Date | null>(null),
    scopeKind: this.fb.control<ScopeKind>('all'),
    dataSourceIds: this.fb.control<string[]>([], pickedSourcesValidator),
  });

  protected readonly scopeMax = TOKEN_SCOPE_MAX;
  protected readonly scoped = signal(false);
  /** The data sources to pick from, once asked for; null until they arrive. */
  protected readonly sources = signal<DataSource[] | null>(null);
  protected readonly sourcesError = signal<string | null>(null);

  /** The calendar days a user may pick, in their own time zone. */
  private readonly today = dayInZone(new Date(), this.timeZone);
  private readonly lastDay = computed<CalendarDay | null>(() => {
    const policy = this.policy();
    if (!policy || policy.mode === 'fixed') return null;
    if (policy.mode === 'max') {
      return dayInZone(daysFromNow(new Date(), policy.lifetimeDays ?? 0), this.timeZone);
    }
    // No policy limit, but the API takes at most ten years: the end of this day must be inside.
    return addDays(dayInZone(daysFromNow(new Date(), LIFETIME_DAYS_MAX), this.timeZone), -1);
  });
  protected readonly minDate = toPickerDate(this.today);
  protected readonly maxDate = computed(() => {
    const last = this.lastDay();
    return last ? toPickerDate(last) : null;
  });

  constructor() {
    inject(PolicyService)
      .get()
      .subscribe({
        next: (policy) => {
          this.policy.set(policy);
          const expiry = this.form.controls.expiry;
          if (policy.mode === 'max') {
            expiry.setValue(this.maxDate());
            expiry.addValidators(Validators.required);
            expiry.updateValueAndValidity();
          }
        },
        error: (err: unknown) =>
          this.save.error.set(`The expiry policy could not be loaded. ${apiErrorMessage(err)}`),
      });
    this.form.controls.scopeKind.valueChanges.subscribe((kind) => this.chooseScope(kind));
  }

  /** "Only these data sources" loads the ones to pick from, the first time it is chosen. */
  private chooseScope(kind: ScopeKind): void {
    this.scoped.set(kind === 'data_sources');
    this.form.controls.dataSourceIds.updateValueAndValidity();
    if (kind !== 'data_sources' || this.sources()) return;
    this.sourcesError.set(null);
    this.dataSources.list().subscribe({
      next: (list) => this.sources.set(list.items),
      error: (err: unknown) =>
        this.sourcesError.set(`Your data sources could not be loaded. ${apiErrorMessage(err)}`),
    });
  }

  protected submit(): void {
    const policy = this.policy();
    if (!policy || this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    this.save.send(this.api.create(this.request(policy)), (created) =>
      this.dialogRef.close(created),
    );
  }

  /** The label and expiry, and the scope only when limited (omitted: all data sources). */
  private request(policy: Policy): CreateTokenRequest {
    const { scopeKind, dataSourceIds } = this.form.controls;
    const scope: Partial<CreateTokenRequest> =
      scopeKind.value === 'data_sources'
        ? { scope: { kind: 'data_sources', dataSourceIds: dataSourceIds.value } }
        : {};
    return { ...this.expiryRequest(policy), ...scope };
  }

  /**
   * The chosen day ends at 23:59:59.999 in the user's zone. Left out where the API's default
   * is what was asked for: always under `fixed`, and for the last allowed day under `max` (the
   * end of that day would overshoot the limit, so the API sets exactly the maximum).
   */
  private expiryRequest(policy: Policy): CreateTokenRequest {
    const label = this.form.controls.label.value.trim();
    const picked = this.form.controls.expiry.value;
    const day = picked ? fromPickerDate(picked) : null;
    switch (policy.mode) {
      case 'fixed':
        return { label };
      case 'max': {
        const last = this.lastDay();
        if (!day || (last && sameDay(day, last))) return { label };
        return { label, expiresAt: endOfDay(day, this.timeZone).toISOString() };
      }
      case 'none':
        return { label, expiresAt: day ? endOfDay(day, this.timeZone).toISOString() : null };
    }
  }
}
