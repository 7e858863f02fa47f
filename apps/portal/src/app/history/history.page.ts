import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import {
  EVENT_TYPES,
  type EventType,
  type HistoryEvent,
  type HistoryPage,
  type UserSummary,
} from '@feedpass/contracts';
import { Observable, Subscription } from 'rxjs';
import { AdminUsersService } from '../admin/users/admin-users.service';
import { apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { TzDatePipe } from '../shared/tz-date.pipe';
import { endOfDay, fromPickerDate, startOfDay } from '../shared/zoned-date';
import { EVENT_WORDING, eventName, eventNote } from './event-wording';
import { AdminHistoryFilter, HistoryService } from './history.service';

@Component({
  selector: 'fp-history-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDatepickerModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    TzDatePipe,
  ],
  providers: [provideNativeDateAdapter()],
  templateUrl: './history.page.html',
  styleUrl: './history.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryEventsPage {
  private readonly api = inject(HistoryService);
  private readonly auth = inject(AuthService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly tzDate = new TzDatePipe();

  protected readonly me = this.auth.user;
  protected readonly isAdmin = this.auth.isAdmin;
  protected readonly eventName = eventName;
  protected readonly eventTypes = EVENT_TYPES.map((type) => ({ type, label: EVENT_WORDING[type] }));
  protected readonly columns = computed(() =>
    this.isAdmin()
      ? ['occurredAt', 'type', 'token', 'actor', 'user', 'note']
      : ['occurredAt', 'type', 'token', 'actor', 'note'],
  );

  protected readonly filters = inject(NonNullableFormBuilder).group({
    userId: [''],
    type: ['' as EventType | ''],
    from: [null as Date | null],
    to: [null as Date | null],
  });
  protected readonly users = signal<UserSummary[]>([]);
  protected readonly events = signal<HistoryEvent[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly downloading = signal(false);
  protected readonly error = signal<string | null>(null);

  private request?: Subscription;

  constructor() {
    if (this.isAdmin()) {
      inject(AdminUsersService)
        .list()
        .subscribe({
          next: ({ items }) => this.users.set(items),
          error: (err: unknown) => this.error.set(apiErrorMessage(err)),
        });
    }
    // Dates apply on `dateChange` (picked, or typed and left), not at every keystroke.
    const { userId, type } = this.filters.controls;
    for (const control of [userId, type]) {
      control.valueChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => this.apply());
    }
    this.load(false);
  }

  protected apply(): void {
    if (this.filters.valid) this.load(false);
  }

  protected note(event: HistoryEvent): string {
    return eventNote(event, (iso) => this.tzDate.transform(iso, this.me()?.timeZone));
  }

  /** Loads the first page of the current filter, or with `more` the page after those shown. */
  protected load(more: boolean): void {
    const filter: AdminHistoryFilter = {
      ...this.filter(),
      cursor: more ? this.nextCursor() : null,
    };
    const page: Observable<HistoryPage> = this.isAdmin()
      ? this.api.tenant(filter)
      : this.api.own(filter);
    this.request?.unsubscribe();
    this.loading.set(true);
    this.request = page.subscribe({
      next: ({ items, nextCursor }) => {
        this.events.update((events) => (more ? [...events, ...items] : items));
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

  protected download(): void {
    this.downloading.set(true);
    this.api.tenantCsv(this.filter()).subscribe({
      next: (csv) => {
        this.downloading.set(false);
        const url = URL.createObjectURL(csv);
        const link = document.createElement('a');
        link.href = url;
        link.download = `feedpass-history-${new Date().toISOString().slice(0, 10)}.csv`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url));
      },
      error: (err: unknown) => {
        this.downloading.set(false);
        this.error.set(apiErrorMessage(err));
      },
    });
  }

  /** Dates are whole days in the user's time zone: "to" includes all of its day. */
  private filter(): AdminHistoryFilter {
    const { userId, type, from, to } = this.filters.getRawValue();
    const zone = this.me()?.timeZone || 'UTC';
    return {
      userId: this.isAdmin() ? userId || null : null,
      type: type || null,
      from: from ? startOfDay(fromPickerDate(from), zone).toISOString() : null,
      to: to ? endOfDay(fromPickerDate(to), zone).toISOString() : null,
    };
  }
}
