import { Clipboard } from '@angular/cdk/clipboard';
import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { DataSource, DataSourceScope } from '@feedpass/contracts';
import { debounceTime, filter, switchMap } from 'rxjs';
import { AuthService } from '../core/auth.service';
import type { ConfirmDialogData } from '../shared/confirm-dialog.component';
import { ConfirmService } from '../shared/confirm.service';
import { IconComponent } from '../shared/icon.component';
import { errorLine, lastValue } from '../shared/resource-state';
import { TzDatePipe } from '../shared/tz-date.pipe';
import { CloneDataSourceDialogComponent } from './clone-data-source-dialog.component';
import { ConnectPowerBiComponent } from './connect-power-bi.component';
import { CreateDataSourceDialogComponent } from './create-data-source-dialog.component';
import { DataSourcesService, type DataSourceQuery } from './data-sources.service';
import { EditDataSourceDialogComponent } from './edit-data-source-dialog.component';
import { downloadOdc } from './odc';
import { downloadPbids } from './pbids';
import {
  PreviewDataSourceDialogComponent,
  type PreviewDialogData,
} from './preview-data-source-dialog.component';
import { ShareDataSourceDialogComponent } from './share-data-source-dialog.component';
import { openTransferDialog, transferredMessage } from './transfer-data-source-dialog.component';

@Component({
  selector: 'fp-data-sources-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatTableModule,
    MatProgressBarModule,
    MatTooltipModule,
    IconComponent,
    TzDatePipe,
    ConnectPowerBiComponent,
  ],
  templateUrl: './data-sources.page.html',
  styleUrl: './data-sources.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DataSourcesPage {
  private readonly api = inject(DataSourcesService);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly clipboard = inject(Clipboard);
  private readonly document = inject(DOCUMENT);
  private readonly confirm = inject(ConfirmService);

  protected readonly me = inject(AuthService).user;
  protected readonly columns = ['name', 'tables', 'owner', 'createdAt', 'lastReadAt', 'actions'];
  protected readonly search = new FormControl('', { nonNullable: true });
  protected readonly scope = signal<DataSourceScope>('all');
  /** The search, a moment after the user stops typing. */
  private readonly q = toSignal(this.search.valueChanges.pipe(debounceTime(300)), {
    initialValue: '',
  });
  private readonly query = computed<DataSourceQuery>(() => ({ q: this.q(), scope: this.scope() }));
  /** Whether a search or scope narrows the list (so an empty list is not "no data sources"). */
  protected readonly narrowed = computed(() => !!this.q().trim() || this.scope() !== 'all');
  private readonly list = this.api.listResource(this.query);
  private readonly shown = lastValue(this.list);
  protected readonly sources = computed(() => this.shown()?.items ?? []);
  protected readonly loading = this.list.isLoading;
  /** What the last action ran into, else why the list failed to load. */
  private readonly errors = errorLine(this.list);
  protected readonly error = this.errors.message;
  /** The data source the "Connect Power BI" guide is about. */
  protected readonly guideSourceId = signal<string | null>(null);
  protected readonly empty = computed(
    () => !this.loading() && !this.error() && !this.narrowed() && this.sources().length === 0,
  );
  /** Source table → OData entity set, from the catalog; table names stand in until it loads. */
  private readonly entitySets = signal<ReadonlyMap<string, string>>(new Map());

  constructor() {
    this.api.catalog().subscribe({
      next: ({ tables }) => this.entitySets.set(new Map(tables.map((t) => [t.table, t.entitySet]))),
      // Only the names in the Tables column depend on it: the table names are shown instead.
      error: () => undefined,
    });
  }

  protected entitySetNames(source: DataSource): string {
    const names = this.entitySets();
    return source.tables.map((table) => names.get(table) ?? table).join(', ');
  }

  protected openCreate(): void {
    this.dialog
      .open(CreateDataSourceDialogComponent, { width: '640px', autoFocus: 'first-tabbable' })
      .afterClosed()
      .pipe(filter((created): created is DataSource => !!created))
      .subscribe((created) => {
        this.update((sources) => [created, ...sources]);
        this.guideSourceId.set(created.id);
        this.errors.set(null);
        this.snackBar.open(`Created ${created.name}.`, undefined, { duration: 4000 });
      });
  }

  protected openEdit(source: DataSource): void {
    this.dialog
      .open(EditDataSourceDialogComponent, {
        data: source,
        width: '760px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .pipe(filter((updated): updated is DataSource => !!updated))
      .subscribe((updated) => {
        this.replace(updated);
        this.errors.set(null);
        this.snackBar.open(`Saved ${updated.name}.`, undefined, { duration: 4000 });
      });
  }

  protected openPreview(source: DataSource): void {
    const data: PreviewDialogData = { source, entitySets: this.entitySets() };
    this.dialog.open(PreviewDataSourceDialogComponent, {
      data,
      width: '960px',
      maxWidth: '95vw',
      autoFocus: 'first-tabbable',
    });
  }

  protected openClone(source: DataSource): void {
    this.dialog
      .open(CloneDataSourceDialogComponent, {
        data: source,
        width: '480px',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .pipe(filter((created): created is DataSource => !!created))
      .subscribe((created) => {
        // The clone is the user's own: it may not match the search or the scope shown.
        this.list.reload();
        this.guideSourceId.set(created.id);
        this.errors.set(null);
        this.snackBar.open(`Cloned ${source.name} as ${created.name}.`, undefined, {
          duration: 4000,
        });
      });
  }

  protected openTransfer(source: DataSource): void {
    openTransferDialog(this.dialog, { source }).subscribe((updated) => {
      // The user now reads it as a recipient, which "Owned by me" no longer lists.
      this.list.reload();
      this.errors.set(null);
      this.snackBar.open(transferredMessage(updated), undefined, { duration: 4000 });
    });
  }

  protected copyUrl(source: DataSource): void {
    const copied = this.clipboard.copy(source.odataUrl);
    this.snackBar.open(
      copied
        ? `Copied the OData URL of ${source.name}.`
        : 'Could not copy. Select the URL and copy it.',
      undefined,
      { duration: 4000 },
    );
  }

  protected openInDesktop(source: DataSource): void {
    downloadPbids(this.document, source.name, source.odataUrl);
  }

  protected openInExcel(source: DataSource): void {
    downloadOdc(this.document, source);
  }

  protected openShare(source: DataSource): void {
    const ref = this.dialog.open(ShareDataSourceDialogComponent, {
      data: source,
      width: '520px',
      autoFocus: 'first-tabbable',
    });
    // Each share or unshare shows in the list at once (the output unsubscribes itself on close).
    ref.componentInstance.changed.subscribe((updated) => this.replace(updated));
  }

  protected remove(source: DataSource): void {
    const shared = source.sharedWith.length
      ? ` The ${source.sharedWith.length === 1 ? 'person' : `${source.sharedWith.length} people`} you shared it with lose access too.`
      : '';
    const data: ConfirmDialogData = {
      title: `Delete ${source.name}?`,
      message: `Its OData URL stops working at once, and Power BI reports that read it will fail to refresh.${shared} This cannot be undone.`,
      confirm: 'Delete',
    };
    this.confirm
      .ask(data)
      .pipe(switchMap(() => this.api.remove(source.id)))
      .subscribe({
        next: () => {
          this.update((sources) => sources.filter((s) => s.id !== source.id));
          this.errors.set(null);
          this.snackBar.open(`Deleted ${source.name}.`, undefined, { duration: 4000 });
        },
        error: (err: unknown) => this.errors.fail(err),
      });
  }

  private replace(updated: DataSource): void {
    this.update((sources) => sources.map((s) => (s.id === updated.id ? updated : s)));
  }

  /** Changes the rows shown after an action, without asking the API again. */
  private update(change: (sources: DataSource[]) => DataSource[]): void {
    this.list.set({ items: change(this.sources()) });
  }
}
