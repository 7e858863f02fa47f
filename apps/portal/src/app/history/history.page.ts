import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { EVENT_TYPES, type EventType, type HistoryEvent } from '@feedpass/contracts';
import { apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { cursorPaging } from '../shared/cursor-paging';
import { ListFooterComponent } from '../shared/list-footer.component';
import { TzDatePipe } from '../shared/tz-date.pipe';
import { UserSelectComponent } from '../shared/user-select.component';
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
    MatSelectModule,
    MatTableModule,
    TzDatePipe,
    ListFooterComponent,
    UserSelectComponent,
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
  /** Why the CSV download failed, until the list asks the API again. */
  private readonly downloadError = signal<string | null>(null);
  /** The filter of the list; a new value (even an equal one) asks the API again. */
  private readonly query = signal<AdminHistoryFilter>(this.filter());
  protected readonly events = cursorPaging({
    query: this.query,
    fetch: (filter, cursor) => {
      this.downloadError.set(null);
      return this.isAdmin()
        ? this.api.tenant({ ...filter, cursor })
        : this.api.own({ ...filter, cursor });
    },
  });
  protected readonly downloading = signal(false);
  private readonly userSelect = viewChild(UserSelectComponent);
  /** The page's errors besides the list's own. */
  protected readonly error = computed(
    () => this.downloadError() ?? this.userSelect()?.loadError() ?? null,
  );

  constructor() {
    // Dates apply on `dateChange` (picked, or typed and left), not at every keystroke.
    const { userId, type } = this.filters.controls;
    for (const control of [userId, type]) {
      control.valueChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => this.apply());
    }
  }

  protected apply(): void {
    if (this.filters.valid) this.query.set(this.filter());
  }

  protected note(event: HistoryEvent): string {
    return eventNote(event, (iso) => this.tzDate.transform(iso, this.me()?.timeZone));
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
        this.downloadError.set(apiErrorMessage(err));
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
