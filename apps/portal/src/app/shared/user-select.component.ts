import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { AdminUsersService } from '../admin/users/admin-users.service';
import { loadErrorMessage } from './resource-state';

/**
 * Picks one user of the tenant, or all of them (the empty string), for an admin's filter. It
 * loads the users itself; a page shows `loadError()` where it shows its other errors.
 */
@Component({
  selector: 'fp-user-select',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatSelectModule],
  template: `
    <mat-form-field subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <mat-select [formControl]="control()">
        <mat-option value="">{{ emptyLabel() }}</mat-option>
        @for (user of users(); track user.id) {
          <mat-option [value]="user.id">{{ user.displayName }} ({{ user.username }})</mat-option>
        }
      </mat-select>
    </mat-form-field>
  `,
  styles: `
    :host {
      display: block;
      width: 220px;
    }
    mat-form-field {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserSelectComponent {
  /** The selected user's id; the empty string for all users. */
  readonly control = input.required<FormControl<string>>();
  readonly label = input('User');
  /** What the empty choice says: "All users" for a filter, "Choose a user" for a pick. */
  readonly emptyLabel = input('All users');
  /** Leaves deactivated users out (when picking someone to hand something to). */
  readonly activeOnly = input(false);

  private readonly list = inject(AdminUsersService).listResource();
  protected readonly users = computed(() => {
    const users = this.list.hasValue() ? this.list.value().items : [];
    return this.activeOnly() ? users.filter((u) => u.status === 'active') : users;
  });
  readonly loadError = loadErrorMessage(this.list);
}
