import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { type CatalogTable, DATA_SOURCE_NAME_MAX, type DataSource } from '@feedpass/contracts';
import { apiErrorMessage } from '../core/api-error';
import { submission } from '../shared/submission';
import { DataSourcesService } from './data-sources.service';
import { TablePickerComponent } from './table-picker.component';

/** Creates a data source from the catalog; closes with the created {@link DataSource}. */
@Component({
  selector: 'fp-create-data-source-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    TablePickerComponent,
  ],
  templateUrl: './create-data-source-dialog.component.html',
  styleUrl: './create-data-source-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateDataSourceDialogComponent {
  private readonly api = inject(DataSourcesService);
  private readonly dialogRef =
    inject<MatDialogRef<CreateDataSourceDialogComponent, DataSource>>(MatDialogRef);

  protected readonly nameMax = DATA_SOURCE_NAME_MAX;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(DATA_SOURCE_NAME_MAX)]],
  });
  protected readonly schema = signal('');
  protected readonly tables = signal<CatalogTable[]>([]);
  protected readonly loadingCatalog = signal(true);
  protected readonly catalogError = signal<string | null>(null);
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly submitted = signal(false);
  protected readonly noneSelected = computed(() => this.selected().size === 0);
  protected readonly save = submission();

  constructor() {
    this.api.catalog().subscribe({
      next: ({ schema, tables }) => {
        this.schema.set(schema);
        this.tables.set(tables);
        this.loadingCatalog.set(false);
      },
      error: (err: unknown) => {
        this.catalogError.set(apiErrorMessage(err));
        this.loadingCatalog.set(false);
      },
    });
  }

  protected submit(): void {
    this.submitted.set(true);
    if (this.form.invalid || this.noneSelected() || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const selected = this.selected();
    this.save.send(
      this.api.create({
        name: this.form.getRawValue().name.trim(),
        // In catalog order, whatever order they were ticked in.
        tables: this.tables()
          .map((t) => t.table)
          .filter((table) => selected.has(table)),
      }),
      (created) => this.dialogRef.close(created),
    );
  }
}
