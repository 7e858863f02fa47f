import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { DataSource, UserRef } from '@feedpass/contracts';
import { submission } from '../shared/submission';
import { DataSourcesService } from './data-sources.service';

/** Shares an owned data source with users of the same organisation, and stops sharing it. */
@Component({
  selector: 'fp-share-data-source-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  templateUrl: './share-data-source-dialog.component.html',
  styleUrl: './share-data-source-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShareDataSourceDialogComponent {
  private readonly api = inject(DataSourcesService);

  /** The data source after each share or unshare, for the page behind the dialog. */
  readonly changed = output<DataSource>();

  protected readonly source = signal(inject<DataSource>(MAT_DIALOG_DATA));
  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
  });
  protected readonly save = submission({ repeat: true });
  private readonly removal = submission({ repeat: true, error: this.save.error });
  /** What the last action did, announced politely. */
  protected readonly status = signal('');

  protected share(): void {
    const username = this.form.getRawValue().username.trim();
    if (!username || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    this.status.set('');
    this.save.send(this.api.share(this.source().id, username), (updated) => {
      this.update(updated);
      this.form.reset();
      const recipient = updated.sharedWith.find(
        (u) => u.username.toLowerCase() === username.toLowerCase(),
      );
      this.status.set(`Shared with ${recipient?.displayName ?? username}.`);
    });
  }

  protected unshare(user: UserRef): void {
    this.status.set('');
    this.removal.send(this.api.unshare(this.source().id, user.id), () => {
      const source = this.source();
      this.update({ ...source, sharedWith: source.sharedWith.filter((u) => u.id !== user.id) });
      this.status.set(`${user.displayName} no longer has access.`);
    });
  }

  private update(source: DataSource): void {
    this.source.set(source);
    this.changed.emit(source);
  }
}
