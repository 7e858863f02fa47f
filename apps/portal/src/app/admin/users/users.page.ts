import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import type { UserList, UserSummary } from '@feedpass/contracts';
import { filter, switchMap } from 'rxjs';
import { apiErrorMessage } from '../../core/api-error';
import { AuthService } from '../../core/auth.service';
import { ConfirmDialogComponent, ConfirmDialogData } from '../../shared/confirm-dialog.component';
import { TzDatePipe } from '../../shared/tz-date.pipe';
import { AdminUsersService } from './admin-users.service';
import { CreateUserDialogComponent } from './create-user-dialog.component';

@Component({
  selector: 'fp-users-page',
  imports: [MatButtonModule, MatTableModule, MatProgressBarModule, TzDatePipe],
  templateUrl: './users.page.html',
  styleUrl: './users.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsersPage {
  private readonly api = inject(AdminUsersService);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly me = inject(AuthService).user;
  protected readonly columns = [
    'username',
    'displayName',
    'email',
    'role',
    'status',
    'createdAt',
    'actions',
  ];
  private readonly list = httpResource<UserList>(() => '/api/admin/users');
  protected readonly users = linkedSignal(() => (this.list.hasValue() ? this.list.value().items : []));
  protected readonly loading = this.list.isLoading;
  private readonly actionError = signal<string | null>(null);
  protected readonly error = computed(() => this.actionError() ?? (this.list.error() ? apiErrorMessage(this.list.error()) : null));
  private load() { this.list.reload(); }

  protected openCreate(): void {
    this.dialog
      .open(CreateUserDialogComponent, { width: '520px', autoFocus: 'first-tabbable' })
      .afterClosed()
      .pipe(filter((created): created is UserSummary => !!created))
      .subscribe((created) => {
        this.snackBar.open(`Created ${created.username}.`, undefined, { duration: 4000 });
        this.load();
      });
  }

  protected setActive(user: UserSummary, active: boolean): void {
    const data: ConfirmDialogData = active
      ? {
          title: `Reactivate ${user.username}?`,
          message: `${user.displayName} will be able to sign in again. Their tokens that have not expired or been revoked work again.`,
          confirm: 'Reactivate',
        }
      : {
          title: `Deactivate ${user.username}?`,
          message: `${user.displayName} will no longer be able to sign in, and none of their tokens will work until they are reactivated.`,
          confirm: 'Deactivate',
        };
    this.dialog
      .open<ConfirmDialogComponent, ConfirmDialogData, boolean>(ConfirmDialogComponent, { data })
      .afterClosed()
      .pipe(
        filter(Boolean),
        switchMap(() => (active ? this.api.reactivate(user.id) : this.api.deactivate(user.id))),
      )
      .subscribe({
        next: (updated) => {
          this.users.update((users) => users.map((u) => (u.id === updated.id ? updated : u)));
          this.actionError.set(null);
          this.snackBar.open(
            `${updated.username} is ${active ? 'active again' : 'deactivated'}.`,
            undefined,
            { duration: 4000 },
          );
        },
        error: (err: unknown) => this.actionError.set(apiErrorMessage(err)),
      });
  }
}
