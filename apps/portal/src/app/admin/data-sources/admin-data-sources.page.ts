import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import type { AdminDataSource, UserRef } from '@feedpass/contracts';
import { debounceTime, startWith } from 'rxjs';
import { AuthService } from '../../core/auth.service';
import {
  openTransferDialog,
  transferredMessage,
  type TransferDialogData,
} from '../../data-sources/transfer-data-source-dialog.component';
import { errorLine, lastValue } from '../../shared/resource-state';
import { TzDatePipe } from '../../shared/tz-date.pipe';
import { UserSelectComponent } from '../../shared/user-select.component';
import { AdminDataSourcesService } from './admin-data-sources.service';

/** Every data source of the tenant: owners, shares, tables, filters, and who read it last. */
@Component({
  selector: 'fp-admin-data-sources-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    TzDatePipe,
    UserSelectComponent,
  ],
  templateUrl: './admin-data-sources.page.html',
  styleUrl: './admin-data-sources.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminDataSourcesPage {
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly me = inject(AuthService).user;
  protected readonly columns = [
    'name',
    'owner',
    'sharedWith',
    'tables',
    'filteredTables',
    'lastReadAt',
    'actions',
  ];
  protected readonly ownerId = new FormControl('', { nonNullable: true });
  protected readonly search = new FormControl('', { nonNullable: true });
  private readonly owner = toSignal(this.ownerId.valueChanges.pipe(startWith('')), {
    requireSync: true,
  });
  /** The search, a moment after the user stops typing. */
  private readonly q = toSignal(this.search.valueChanges.pipe(debounceTime(300)), {
    initialValue: '',
  });
  private readonly list = inject(AdminDataSourcesService).listResource(
    computed(() => ({ ownerId: this.owner(), q: this.q() })),
  );
  private readonly shown = lastValue(this.list);
  protected readonly sources = computed(() => this.shown()?.items ?? []);
  protected readonly loading = this.list.isLoading;
  private readonly errors = errorLine(this.list);
  protected readonly error = this.errors.message;

  protected names(users: UserRef[]): string {
    return users.map((u) => u.displayName).join(', ');
  }

  protected transfer(source: AdminDataSource): void {
    const data: TransferDialogData = {
      source,
      pickFromList: true,
      ownerDeactivated: source.ownerDeactivated,
    };
    openTransferDialog(this.dialog, data).subscribe((updated) => {
      this.list.reload();
      this.errors.set(null);
      this.snackBar.open(transferredMessage(updated), undefined, { duration: 4000 });
    });
  }
}
