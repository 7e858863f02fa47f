import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { LIFETIME_DAYS_MAX, TOKEN_STATUSES, type TokenStatus } from '@feedpass/contracts';
import { debounceTime } from 'rxjs';
import { AuthService } from '../../core/auth.service';
import { cursorPaging } from '../../shared/cursor-paging';
import { ListFooterComponent } from '../../shared/list-footer.component';
import { TokenColumn, TokenTableComponent } from '../../shared/token-table.component';
import { TOKEN_STATUS_LABELS } from '../../shared/token-status';
import { UserSelectComponent } from '../../shared/user-select.component';
import { daysFromNow } from '../../shared/zoned-date';
import { FailedMailNoticeComponent } from './failed-mail-notice.component';
import { InventoryFilter, InventoryService } from './inventory.service';

@Component({
  selector: 'fp-token-inventory-page',
  imports: [
    ReactiveFormsModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    FailedMailNoticeComponent,
    ListFooterComponent,
    TokenTableComponent,
    UserSelectComponent,
  ],
  templateUrl: './inventory.page.html',
  styleUrl: './inventory.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenInventoryPage {
  private readonly api = inject(InventoryService);

  protected readonly me = inject(AuthService).user;
  protected readonly statusLabels = TOKEN_STATUS_LABELS;
  protected readonly statuses = TOKEN_STATUSES;
  protected readonly withinMax = LIFETIME_DAYS_MAX;
  protected readonly columns: TokenColumn[] = [
    'owner',
    'label',
    'scope',
    'createdAt',
    'expiresAt',
    'status',
    'lastUsedAt',
  ];

  protected readonly filters = inject(NonNullableFormBuilder).group({
    userId: [''],
    status: ['' as TokenStatus | ''],
    expiringWithin: [
      null as number | null,
      [Validators.min(1), Validators.max(LIFETIME_DAYS_MAX), Validators.pattern(/^\d+$/)],
    ],
  });
  /** The filter of the list; a new value (even an equal one) asks the API again. */
  private readonly query = signal<InventoryFilter>(this.filter());
  protected readonly tokens = cursorPaging({
    query: this.query,
    fetch: (filter, cursor) => this.api.list({ ...filter, cursor }),
  });

  constructor() {
    const { userId, status, expiringWithin } = this.filters.controls;
    const destroyRef = inject(DestroyRef);
    for (const select of [userId, status]) {
      select.valueChanges.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.apply());
    }
    // Typing "30" should not ask for "3" first.
    expiringWithin.valueChanges
      .pipe(debounceTime(300), takeUntilDestroyed(destroyRef))
      .subscribe(() => this.apply());
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
    if (this.filters.valid || this.filters.disabled) this.query.set(this.filter());
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
