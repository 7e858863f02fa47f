import { Clipboard } from '@angular/cdk/clipboard';
import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { DataSource } from '@feedpass/contracts';
import { filter, switchMap } from 'rxjs';
import { AuthService } from '../core/auth.service';
import type { ConfirmDialogData } from '../shared/confirm-dialog.component';
import { ConfirmService } from '../shared/confirm.service';
import { IconComponent } from '../shared/icon.component';
import { errorLine, lastValue } from '../shared/resource-state';
import { TzDatePipe } from '../shared/tz-date.pipe';
import { ConnectPowerBiComponent } from './connect-power-bi.component';
import { CreateDataSourceDialogComponent } from './create-data-source-dialog.component';
import { DataSourcesService } from './data-sources.service';
import { downloadOdc } from './odc';
import { downloadPbids } from './pbids';
import { ShareDataSourceDialogComponent } from './share-data-source-dialog.component';

@Component({
  selector: 'fp-data-sources-page',
  imports: [
    MatButtonModule,
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
  protected readonly columns = ['name', 'tables', 'owner', 'createdAt', 'actions'];
  private readonly list = this.api.listResource();
  private readonly shown = lastValue(this.list);
  protected readonly sources = computed(() => this.shown()?.items ?? []);
  protected readonly loading = this.list.isLoading;
  /** What the last action ran into, else why the list failed to load. */
  private readonly errors = errorLine(this.list);
  protected readonly error = this.errors.message;
  /** The data source the "Connect Power BI" guide is about. */
  protected readonly guideSourceId = signal<string | null>(null);
  protected readonly empty = computed(
    () => !this.loading() && !this.error() && this.sources().length === 0,
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
