import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { Token } from '@feedpass/contracts';
import { submission } from '../shared/submission';
import { TOKEN_LABEL_RULE, tokenLabelValidator } from '../shared/token-label';
import { TokensService } from './tokens.service';

/** Renames a token; closes with the updated {@link Token}. */
@Component({
  selector: 'fp-edit-label-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <h2 mat-dialog-title>Edit label</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <mat-dialog-content>
        <div class="fp-error" role="alert">
          @if (save.error(); as message) {
            {{ message }}
          }
        </div>
        <mat-form-field subscriptSizing="dynamic" class="field">
          <mat-label>Label</mat-label>
          <input matInput formControlName="label" autocomplete="off" required />
          <mat-hint>{{ labelRule }}.</mat-hint>
          @if (form.controls.label.hasError('required')) {
            <mat-error>Enter a label.</mat-error>
          } @else if (form.controls.label.hasError('maxlength')) {
            <mat-error>At most 100 characters.</mat-error>
          }
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" [disabled]="save.pending()">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: '.field { width: 100%; margin-top: 8px; }',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EditLabelDialogComponent {
  private readonly api = inject(TokensService);
  private readonly dialogRef = inject<MatDialogRef<EditLabelDialogComponent, Token>>(MatDialogRef);
  private readonly token = inject<Token>(MAT_DIALOG_DATA);

  protected readonly labelRule = TOKEN_LABEL_RULE;
  protected readonly form = inject(NonNullableFormBuilder).group({
    label: [this.token.label, tokenLabelValidator],
  });
  protected readonly save = submission();

  protected submit(): void {
    if (this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    const label = this.form.controls.label.value.trim();
    if (label === this.token.label) {
      this.dialogRef.close();
      return;
    }
    this.save.send(this.api.updateLabel(this.token.id, label), (updated) =>
      this.dialogRef.close(updated),
    );
  }
}
