import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import {
  type AbstractControl,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@feedpass/contracts';

export type NewPasswordGroup = FormGroup<{
  password: FormControl<string>;
  confirm: FormControl<string>;
}>;

/** A new password and its confirmation, with the password rule of the API. */
export function newPasswordGroup(): NewPasswordGroup {
  const password = new FormControl('', {
    nonNullable: true,
    validators: [
      Validators.required,
      Validators.minLength(PASSWORD_MIN_LENGTH),
      Validators.maxLength(PASSWORD_MAX_LENGTH),
    ],
  });
  const confirm = new FormControl('', {
    nonNullable: true,
    validators: [
      Validators.required,
      (control: AbstractControl<string>): ValidationErrors | null =>
        control.value && control.value !== password.value ? { mismatch: true } : null,
    ],
  });
  // The confirmation is checked again whenever the password changes.
  password.valueChanges.subscribe(() => confirm.updateValueAndValidity({ emitEvent: false }));
  return new FormGroup({ password, confirm });
}

/** The two fields of a {@link newPasswordGroup}. */
@Component({
  selector: 'fp-new-password-fields',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule],
  template: `
    <ng-container [formGroup]="group()">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>{{ label() }}</mat-label>
        <input
          matInput
          type="password"
          formControlName="password"
          autocomplete="new-password"
          required
        />
        @if (group().controls.password.hasError('required')) {
          <mat-error>Enter a new password.</mat-error>
        } @else if (group().controls.password.hasError('minlength')) {
          <mat-error>At least {{ min }} characters.</mat-error>
        } @else if (group().controls.password.hasError('maxlength')) {
          <mat-error>At most {{ max }} characters.</mat-error>
        } @else if (group().controls.password.getError('server'); as message) {
          <mat-error>{{ message }}</mat-error>
        } @else {
          <mat-hint>At least {{ min }} characters.</mat-hint>
        }
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Confirm {{ label().toLowerCase() }}</mat-label>
        <input
          matInput
          type="password"
          formControlName="confirm"
          autocomplete="new-password"
          required
        />
        @if (group().controls.confirm.hasError('required')) {
          <mat-error>Enter the password again.</mat-error>
        } @else if (group().controls.confirm.hasError('mismatch')) {
          <mat-error>The passwords do not match.</mat-error>
        }
      </mat-form-field>
    </ng-container>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewPasswordFieldsComponent {
  readonly group = input.required<NewPasswordGroup>();
  readonly label = input('New password');

  protected readonly min = PASSWORD_MIN_LENGTH;
  protected readonly max = PASSWORD_MAX_LENGTH;
}
