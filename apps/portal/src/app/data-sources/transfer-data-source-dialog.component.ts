import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import {
  MAT_DIALOG_DATA,
  MatDialog,
  MatDialogModule,
  MatDialogRef,
} from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { ApiError, DataSource, TransferDataSourceRequest, UserRef } from '@feedpass/contracts';
import { filter, type Observable } from 'rxjs';
import { apiErrorMessage } from '../core/api-error';
import { submission } from '../shared/submission';
import { UserSelectComponent } from '../shared/user-select.component';
import { DataSourcesService } from './data-sources.service';

export interface TransferDialogData {
  source: { id: string; name: string; owner: UserRef };
  /** An admin picks the new owner from the tenant's users; others type a username. */
  pickFromList?: boolean;
  /** The owner is deactivated (the admin inventory says so). */
  ownerDeactivated?: boolean;
}

/** Hands a data source to another user of the tenant; closes with the updated data source. */
@Component({
  selector: 'fp-transfer-data-source-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    UserSelectComponent,
  ],
  template: `
    <h2 mat-dialog-title>Transfer {{ data.source.name }}</h2>
    <form novalidate (submit)="$event.preventDefault(); submit()">
      <mat-dialog-content class="body">
        <p>
          The new owner can edit, share and delete it; its OData URL stays the same.
          @if (data.ownerDeactivated) {
            {{ data.source.owner.displayName }} is deactivated: recipients keep reading it
            meanwhile.
          } @else {
            {{ keeps }} read access, as someone it is shared with.
          }
        </p>
        <div class="fp-error" role="alert">
          @if (save.error(); as message) {
            {{ message }}
          }
        </div>
        @if (data.pickFromList) {
          <fp-user-select
            #users
            label="New owner"
            emptyLabel="Choose a user"
            [activeOnly]="true"
            [control]="userId"
          />
          @if (users.loadError(); as message) {
            <p class="fp-error">{{ message }}</p>
          }
        } @else {
          <mat-form-field>
            <mat-label>Username of the new owner</mat-label>
            <input matInput [formControl]="username" autocomplete="off" required />
            <mat-hint>A user of your organisation.</mat-hint>
          </mat-form-field>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" [disabled]="save.pending()">Transfer</button>
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
    fp-user-select {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TransferDataSourceDialogComponent {
  private readonly api = inject(DataSourcesService);
  private readonly dialogRef =
    inject<MatDialogRef<TransferDataSourceDialogComponent, DataSource>>(MatDialogRef);
  protected readonly data = inject<TransferDialogData>(MAT_DIALOG_DATA);
  protected readonly keeps = this.data.pickFromList
    ? `${this.data.source.owner.displayName} keeps`
    : 'You keep';

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly username: FormControl<string> = this.fb.control('');
  protected readonly userId: FormControl<string> = this.fb.control('');
  protected readonly save = submission();

  protected submit(): void {
    if (this.save.pending()) return;
    const username = this.username.value.trim();
    const to: TransferDataSourceRequest | null = this.data.pickFromList
      ? this.userId.value
        ? { userId: this.userId.value }
        : null
      : username
        ? { username }
        : null;
    if (!to) {
      this.save.error.set(this.data.pickFromList ? 'Choose the new owner.' : 'Enter a username.');
      return;
    }
    this.save.send(
      this.api.transfer(this.data.source.id, to),
      (updated) => this.dialogRef.close(updated),
      (err) => transferErrorMessage(err, username),
    );
  }
}

/** Plain words for why a transfer was refused. */
export function transferErrorMessage(err: unknown, username: string): string {
  const code = err instanceof HttpErrorResponse ? (err.error as Partial<ApiError>)?.code : null;
  const who = username ? `“${username}”` : 'That user';
  switch (code) {
    case 'user_deactivated':
      return `${who} is deactivated. Transfer it to an active user.`;
    case 'already_owner':
      return `${who} owns this data source already.`;
    case 'not_found':
      return username
        ? `No user of your organisation has the username ${who}.`
        : apiErrorMessage(err);
    default:
      return apiErrorMessage(err);
  }
}

/** Opens the transfer dialog; emits the data source once it has been handed over. */
export function openTransferDialog(
  dialog: MatDialog,
  data: TransferDialogData,
): Observable<DataSource> {
  return dialog
    .open(TransferDataSourceDialogComponent, { data, width: '480px', autoFocus: 'first-tabbable' })
    .afterClosed()
    .pipe(filter((updated): updated is DataSource => !!updated));
}

/** What the page says once a transfer is done. */
export const transferredMessage = (updated: DataSource) =>
  `Transferred ${updated.name} to ${updated.owner.displayName}.`;
