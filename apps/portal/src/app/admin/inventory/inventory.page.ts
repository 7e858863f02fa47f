import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import {
  LIFETIME_DAYS_MAX,
  TOKEN_STATUSES,
  type InventoryToken,
  type TokenStatus,
  type UserSummary,
} from '@feedpass/contracts';
import { debounceTime, Subscription } from 'rxjs';
import { apiErrorMessage } from '../../core/api-error';
import { AuthService } from '../../core/auth.service';
import { TOKEN_STATUS_LABELS, tokenStatusLabel } from '../../shared/token-status';
import { TzDatePipe } from '../../shared/tz-date.pipe';
import { daysFromNow } from '../../shared/zoned-date';
import { AdminUsersService } from '../users/admin-users.service';
import { FailedMailNoticeComponent } from './failed-mail-notice.component';
import { InventoryFilter, InventoryService } from './inventory.service';

@Component({
  selector: 'fp-token-inventory-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    TzDatePipe,
    FailedMailNoticeComponent,
  ],
  templateUrl: './inventory.page.html',
  styleUrl: './inventory.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenInventoryPage {
  private readonly api = inject(InventoryService);

  protected readonly me = inject(AuthService).user;
  protected readonly statusLabels = TOKEN_STATUS_LABELS;
  protected readonly statusLabel = tokenStatusLabel;
  protected readonly statuses = TOKEN_STATUSES;
  protected readonly withinMax = LIFETIME_DAYS_MAX;
  protected readonly columns = ['owner', 'label', 'createdAt', 'expiresAt', 'status', 'lastUsedAt'];

  protected readonly filters = inject(NonNullableFormBuilder).group({
    userId: [''],
    status: ['' as TokenStatus | ''],
    expiringWithin: [
      null as number | null,
      [Validators.min(1), Validators.max(LIFETIME_DAYS_MAX), Validators.pattern(/^\d+$/)],
    ],
  });
  protected readonly users = signal<UserSummary[]>([]);
  protected readonly tokens = signal<InventoryToken[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal<string | null>(null);

  private request?: Subscription;

  constructor() {
    inject(AdminUsersService)
      .list()
      .subscribe({
        next: ({ items }) => this.users.set(items),
        error: (err: unknown) => this.error.set(apiErrorMessage(err)),
      });
    const { userId, status, expiringWithin } = this.filters.controls;
    const destroyRef = inject(DestroyRef);
    for (const select of [userId, status]) {
      select.valueChanges.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.apply());
    }
    // Typing "30" should not ask for "3" first.
    expiringWithin.valueChanges
      .pipe(debounceTime(300), takeUntilDestroyed(destroyRef))
      .subscribe(() => this.apply());
    this.load(false);
  }

  protected load(more: boolean): void {
    const filter: InventoryFilter = { ...this.filter(), cursor: more ? this.nextCursor() : null };
    this.request?.unsubscribe();
    this.loading.set(true);
    this.request = this.api.list(filter).subscribe({
      next: ({ items, nextCursor }) => {
        this.tokens.update((tokens) => (more ? [...tokens, ...items] : items));
        this.nextCursor.set(nextCursor);
        this.error.set(null);
        this.loading.set(false);
        this.loaded.set(true);
      },
      error: (err: unknown) => {
        this.error.set(apiErrorMessage(err));
        this.loading.set(false);
      },
    });
  }

  private apply(): void {
    const { status, expiringWithin } = this.filters.controls;
    // "Expiring within" is about tokens that still work: it implies the active status.
    if (expiringWithin.value && expiringWithin.valid) {
      if (status.value !== 'active') status.setValue('active', { emitEvent: false });
      if (status.enabled) status.disable({ emitEvent: false });
    } else if (status.disabled) {
      status.enable({ emitEvent: false });
    }
    if (this.filters.valid || this.filters.disabled) this.load(false);
  }

  private filter(): InventoryFilter {
    const { userId, status, expiringWithin } = this.filters.getRawValue();
    const within =
      expiringWithin && this.filters.controls.expiringWithin.valid ? expiringWithin : null;
    return {
      userId: userId || null,
      status: within ? 'active' : status || null,
      expiresBefore: within ? daysFromNow(new Date(), Number(within)).toISOString() : null,
    };
  }
}
