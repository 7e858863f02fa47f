import { inject, Injectable } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { filter, Observable } from 'rxjs';
import { ConfirmDialogComponent, ConfirmDialogData } from './confirm-dialog.component';

export interface ConfirmOptions {
  /** The dialog's width, e.g. `480px`; without it the dialog fits its text. */
  width?: string;
}

/** Asks the user a yes/no question in a Material dialog before a destructive action. */
@Injectable({ providedIn: 'root' })
export class ConfirmService {
  private readonly dialog = inject(MatDialog);

  /** Emits once and completes when confirmed; completes without a value when cancelled. */
  ask(question: ConfirmDialogData, { width }: ConfirmOptions = {}): Observable<true> {
    return this.dialog
      .open<ConfirmDialogComponent, ConfirmDialogData, boolean>(ConfirmDialogComponent, {
        data: question,
        ...(width ? { width } : {}),
      })
      .afterClosed()
      .pipe(filter((confirmed): confirmed is true => confirmed === true));
  }
}
