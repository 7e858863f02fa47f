import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import type { CatalogColumn, DataSource } from '@feedpass/contracts';
import { lastValue, loadErrorMessage } from '../shared/resource-state';
import { DataSourcesService } from './data-sources.service';

export interface PreviewDialogData {
  source: DataSource;
  /** Source table → entity set, where the page knows it. */
  entitySets?: ReadonlyMap<string, string>;
}

/** The first rows of a published table as the feed serves them, row filter applied. */
@Component({
  selector: 'fp-preview-data-source-dialog',
  imports: [
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatSelectModule,
    MatTableModule,
    MatProgressBarModule,
  ],
  templateUrl: './preview-data-source-dialog.component.html',
  styleUrl: './preview-data-source-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PreviewDataSourceDialogComponent {
  private readonly data = inject<PreviewDialogData>(MAT_DIALOG_DATA);
  protected readonly source = this.data.source;
  protected readonly tableOptions = this.source.tables.map((table) => ({
    table,
    label: this.data.entitySets?.get(table) ?? table,
  }));
  protected readonly table = signal(this.source.tables[0] ?? '');

  private readonly preview = inject(DataSourcesService).previewResource(this.source.id, this.table);
  private readonly shown = lastValue(this.preview);
  /** The preview of the table chosen now (not the one before, while it loads). */
  protected readonly current = computed(() => {
    const preview = this.shown();
    return preview && preview.table === this.table() ? preview : undefined;
  });
  protected readonly loading = this.preview.isLoading;
  protected readonly error = loadErrorMessage(this.preview);
  protected readonly columnNames = computed(() => this.current()?.columns.map((c) => c.name) ?? []);

  protected header(column: CatalogColumn): string {
    return `${column.name} · ${column.type.replace(/^Edm\./, '')}`;
  }

  protected cell(value: string | number | boolean | null | undefined): string {
    return value === null || value === undefined ? '' : String(value);
  }
}
