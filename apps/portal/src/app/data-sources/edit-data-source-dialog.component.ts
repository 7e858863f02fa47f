import { HttpErrorResponse } from '@angular/common/http';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  Injector,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import {
  type ApiError,
  type CatalogTable,
  DATA_SOURCE_NAME_MAX,
  type DataSource,
  type RowFilters,
  type UpdateDataSourceRequest,
} from '@feedpass/contracts';
import { apiErrorMessage } from '../core/api-error';
import { submission } from '../shared/submission';
import { DataSourcesService } from './data-sources.service';
import { draftExpression, draftOf, draftProblem, type RowFilterDraft } from './row-filter';
import { RowFilterEditorComponent } from './row-filter-editor.component';
import { TablePickerComponent } from './table-picker.component';

const NO_FILTER: RowFilterDraft = { mode: 'basic', conditions: [], text: '' };

/**
 * Edits an owned data source — its name, published tables and their row filters — in one
 * PATCH; closes with the updated {@link DataSource}. The OData URL stays as it is.
 */
@Component({
  selector: 'fp-edit-data-source-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    TablePickerComponent,
    RowFilterEditorComponent,
  ],
  templateUrl: './edit-data-source-dialog.component.html',
  styleUrl: './edit-data-source-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EditDataSourceDialogComponent {
  private readonly api = inject(DataSourcesService);
  private readonly dialogRef =
    inject<MatDialogRef<EditDataSourceDialogComponent, DataSource>>(MatDialogRef);
  protected readonly source = inject<DataSource>(MAT_DIALOG_DATA);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly nameMax = DATA_SOURCE_NAME_MAX;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.source.name, [Validators.required, Validators.maxLength(DATA_SOURCE_NAME_MAX)]],
  });
  protected readonly schema = signal('');
  protected readonly tables = signal<CatalogTable[]>([]);
  protected readonly loadingCatalog = signal(true);
  protected readonly catalogError = signal<string | null>(null);
  protected readonly selected = signal<ReadonlySet<string>>(new Set(this.source.tables));
  /** Each table's filter as being edited, by source table (made from the saved one on load). */
  private readonly drafts = signal<Readonly<Record<string, RowFilterDraft>>>({});
  /** What the API said about a table's filter, until that filter is edited. */
  protected readonly filterErrors = signal<Readonly<Record<string, string>>>({});
  protected readonly submitted = signal(false);
  protected readonly noneSelected = computed(() => this.selected().size === 0);
  protected readonly save = submission();

  /** The published tables' filter editors, in catalog order. */
  protected readonly editors = computed(() => {
    const selected = this.selected();
    const drafts = this.drafts();
    return this.tables()
      .filter((t) => selected.has(t.table))
      .map((table) => ({ table, draft: drafts[table.table] ?? NO_FILTER }));
  });
  /** Published tables the user unticked: their reports will break. */
  protected readonly removed = computed(() => {
    const selected = this.selected();
    const names = new Map(this.tables().map((t) => [t.table, t.entitySet]));
    return this.source.tables.filter((t) => !selected.has(t)).map((t) => names.get(t) ?? t);
  });

  constructor() {
    this.api.catalog().subscribe({
      next: ({ schema, tables }) => {
        this.schema.set(schema);
        this.tables.set(tables);
        const drafts: Record<string, RowFilterDraft> = {};
        for (const table of tables) {
          const saved = this.source.rowFilters[table.table];
          if (saved) drafts[table.table] = draftOf(saved, table.columns);
        }
        this.drafts.set(drafts);
        this.loadingCatalog.set(false);
      },
      error: (err: unknown) => {
        this.catalogError.set(apiErrorMessage(err));
        this.loadingCatalog.set(false);
      },
    });
  }

  protected setDraft(table: string, draft: RowFilterDraft): void {
    this.drafts.update((drafts) => ({ ...drafts, [table]: draft }));
    this.filterErrors.update(({ [table]: _gone, ...rest }) => rest);
  }

  protected submit(): void {
    this.submitted.set(true);
    const editors = this.editors();
    const incomplete = editors.some(({ table, draft }) => draftProblem(draft, table.columns));
    if (this.form.invalid || this.noneSelected() || incomplete || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const selected = this.selected();
    const inCatalog = new Set(this.tables().map((t) => t.table));
    const rowFilters: RowFilters = {};
    for (const { table, draft } of editors) {
      const expression = draftExpression(draft, table.columns);
      if (expression) rowFilters[table.table] = expression;
    }
    // A published table the catalog no longer lists keeps its filter: nobody could edit it here.
    const missing = this.source.tables.filter((t) => selected.has(t) && !inCatalog.has(t));
    for (const table of missing) {
      if (this.source.rowFilters[table]) rowFilters[table] = this.source.rowFilters[table];
    }
    const request: UpdateDataSourceRequest = {
      name: this.form.getRawValue().name.trim(),
      // In catalog order, whatever order they were ticked in.
      tables: [
        ...this.tables()
          .map((t) => t.table)
          .filter((t) => selected.has(t)),
        ...missing,
      ],
      rowFilters,
    };
    this.filterErrors.set({});
    this.save.send(
      this.api.update(this.source.id, request),
      (updated) => this.dialogRef.close(updated),
      (err) => {
        const inline = rowFilterError(err, new Set(editors.map((e) => e.table.table)));
        if (!inline) return apiErrorMessage(err);
        this.filterErrors.set({ [inline.table]: inline.message });
        // The editor may be below the fold of a long dialog: bring its message into view.
        afterNextRender(
          () =>
            this.host.nativeElement.ownerDocument
              .getElementById(`fp-rf-error-${inline.table}`)
              ?.scrollIntoView?.({ block: 'center' }),
          { injector: this.injector },
        );
        return null;
      },
    );
  }

  protected problem(editor: { table: CatalogTable; draft: RowFilterDraft }): string | null {
    return this.submitted() ? draftProblem(editor.draft, editor.table.columns) : null;
  }
}

/**
 * The table an `invalid_row_filter` error is about, from the API's "Row filter of deals: …"
 * message, and the rest of the message to show under that table's editor.
 */
export function rowFilterError(
  err: unknown,
  tables: ReadonlySet<string>,
): { table: string; message: string } | null {
  if (!(err instanceof HttpErrorResponse)) return null;
  const body = err.error as Partial<ApiError> | null;
  if (body?.code !== 'invalid_row_filter' || typeof body.message !== 'string') return null;
  const match = /^Row filter of (.+?): (.+)$/s.exec(body.message);
  if (!match || !tables.has(match[1])) return null;
  return { table: match[1], message: match[2] };
}
