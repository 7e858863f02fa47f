import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { DATA_SOURCE_NAME_MAX, type DataSource } from '@feedpass/contracts';
import { submission } from '../shared/submission';
import { DataSourcesService } from './data-sources.service';

/** Asks for the clone's name and clones; closes with the new {@link DataSource}. */
@Component({
  selector: 'fp-clone-data-source-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <h2 mat-dialog-title>Clone {{ source.name }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-dialog-content class="body">
        <p>
          A new data source of yours with the same tables and row filters, its own OData URL, and
          nobody to share it with yet.
        </p>
        <div class="fp-error" role="alert">
          @if (save.error(); as message) {
            {{ message }}
          }
        </div>
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" autocomplete="off" required />
          @if (form.controls.name.hasError('required')) {
            <mat-error>Enter a name.</mat-error>
          } @else if (form.controls.name.hasError('maxlength')) {
            <mat-error>At most {{ nameMax }} characters.</mat-error>
          }
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" [disabled]="save.pending()">Clone</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .body {
      display: flex;
      flex-direction: column;
      padding-top: 8px;
    }
    p {
      margin: 0 0 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CloneDataSourceDialogComponent {
  private readonly api = inject(DataSourcesService);
  private readonly dialogRef =
    inject<MatDialogRef<CloneDataSourceDialogComponent, DataSource>>(MatDialogRef);
  protected readonly source = inject<DataSource>(MAT_DIALOG_DATA);

  protected readonly nameMax = DATA_SOURCE_NAME_MAX;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [
      `Copy of ${this.source.name}`.slice(0, DATA_SOURCE_NAME_MAX),
      [Validators.required, Validators.maxLength(DATA_SOURCE_NAME_MAX)],
    ],
  });
  protected readonly save = submission();

  protected submit(): void {
    const name = this.form.getRawValue().name.trim();
    if (!name) this.form.controls.name.setValue('');
    if (this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    this.save.send(this.api.clone(this.source.id, name), (created) =>
      this.dialogRef.close(created),
    );
  }
}
