import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { INVITATION_VALID_DAYS, type UserSummary } from '@feedpass/contracts';
import { filter, switchMap } from 'rxjs';
import { AuthService } from '../../core/auth.service';
import type { ConfirmDialogData } from '../../shared/confirm-dialog.component';
import { ConfirmService } from '../../shared/confirm.service';
import { roleLabel } from '../../shared/roles';
import { errorLine, lastValue } from '../../shared/resource-state';
import { TzDatePipe } from '../../shared/tz-date.pipe';
import { AdminUsersService } from './admin-users.service';
import { CreateUserDialogComponent } from './create-user-dialog.component';
import { EditUserDialogComponent } from './edit-user-dialog.component';

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
  private readonly confirm = inject(ConfirmService);

  protected readonly me = inject(AuthService).user;
  protected readonly roleLabel = roleLabel;
  protected readonly columns = [
    'username',
    'displayName',
    'email',
    'role',
    'status',
    'createdAt',
    'actions',
  ];
  private readonly list = this.api.listResource();
  private readonly shown = lastValue(this.list);
  protected readonly users = computed(() => this.shown()?.items ?? []);
  protected readonly loading = this.list.isLoading;
  /** What the last action ran into, else why the list failed to load. */
  private readonly errors = errorLine(this.list);
  protected readonly error = this.errors.message;

  protected openCreate(): void {
    this.dialog
      .open(CreateUserDialogComponent, { width: '520px', autoFocus: 'first-tabbable' })
      .afterClosed()
      .pipe(filter((created): created is UserSummary => !!created))
      .subscribe((created) => {
        const message = created.invitation
          ? `Invited ${created.username}: the link in the email works for ${INVITATION_VALID_DAYS} days.`
          : `Created ${created.username}.`;
        this.snackBar.open(message, undefined, { duration: 4000 });
        this.errors.set(null);
        this.list.reload();
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
    this.confirm
      .ask(data)
      .pipe(switchMap(() => (active ? this.api.reactivate(user.id) : this.api.deactivate(user.id))))
      .subscribe({
        next: (updated) => {
          this.replace(updated);
          this.snackBar.open(
            `${updated.username} is ${active ? 'active again' : 'deactivated'}.`,
            undefined,
            { duration: 4000 },
          );
        },
        error: (err: unknown) => this.errors.fail(err),
      });
  }

  protected openEdit(user: UserSummary): void {
    this.dialog
      .open(EditUserDialogComponent, { width: '520px', data: user, autoFocus: 'first-tabbable' })
      .afterClosed()
      .pipe(filter((updated): updated is UserSummary => !!updated))
      .subscribe((updated) => {
        this.replace(updated);
        this.snackBar.open(`Saved ${updated.username}.`, undefined, { duration: 4000 });
      });
  }

  protected resendInvitation(user: UserSummary): void {
    this.api.resendInvitation(user.id).subscribe({
      next: (updated) => {
        this.replace(updated);
        this.snackBar.open(
          `Sent ${updated.username} a new invitation; the earlier link no longer works.`,
          undefined,
          { duration: 4000 },
        );
      },
      error: (err: unknown) => this.errors.fail(err),
    });
  }

  protected cancelInvitation(user: UserSummary): void {
    this.confirm
      .ask({
        title: `Cancel the invitation for ${user.username}?`,
        message: `The link sent to ${user.email} stops working and the account is deactivated. You can reactivate it later.`,
        confirm: 'Cancel invitation',
      })
      .pipe(switchMap(() => this.api.cancelInvitation(user.id)))
      .subscribe({
        next: () => {
          this.errors.set(null);
          this.snackBar.open(`Cancelled the invitation for ${user.username}.`, undefined, {
            duration: 4000,
          });
          this.list.reload();
        },
        error: (err: unknown) => this.errors.fail(err),
      });
  }

  private replace(updated: UserSummary): void {
    this.list.update(
      (list) => list && { items: list.items.map((u) => (u.id === updated.id ? updated : u)) },
    );
    this.errors.set(null);
  }
}
