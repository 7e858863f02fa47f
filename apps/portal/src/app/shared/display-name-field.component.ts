import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { DISPLAY_NAME_MAX } from '@feedpass/contracts';

/** A display name's rules, as the API checks them (it trims; so do the forms that send it). */
export const displayNameValidators = [Validators.required, Validators.maxLength(DISPLAY_NAME_MAX)];

/**
 * The display name field of the user dialogs and the profile page, with its messages. Give its
 * control {@link displayNameValidators}.
 */
@Component({
  selector: 'fp-display-name-field',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule],
  template: `
    <mat-form-field subscriptSizing="dynamic">
      <mat-label>Display name</mat-label>
      <input matInput [formControl]="control()" [attr.autocomplete]="autocomplete()" required />
      @if (control().hasError('required')) {
        <mat-error>Enter a display name.</mat-error>
      } @else if (control().hasError('maxlength')) {
        <mat-error>At most {{ max }} characters.</mat-error>
      }
    </mat-form-field>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DisplayNameFieldComponent {
  readonly control = input.required<FormControl<string>>();
  /** `name` where people type their own, `off` where an admin types someone else's. */
  readonly autocomplete = input<'name' | 'off'>('off');

  protected readonly max = DISPLAY_NAME_MAX;
}
