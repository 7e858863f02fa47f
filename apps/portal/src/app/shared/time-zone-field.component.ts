import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  InjectionToken,
  input,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  FormControl,
  ReactiveFormsModule,
  type ValidationErrors,
} from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { startWith, switchMap } from 'rxjs';

/** Every IANA zone the browser knows, UTC first (some engines leave it out of the list). */
export function timeZones(): string[] {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

/** The zone this browser runs in, suggested to the user; a token so that specs can set it. */
export const BROWSER_TIME_ZONE = new InjectionToken<string>('BROWSER_TIME_ZONE', {
  providedIn: 'root',
  factory: () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
});

const KNOWN = new Set(timeZones());

/** Only a zone from the list: a half-typed search must not be saved. */
export function knownTimeZone(control: AbstractControl<string>): ValidationErrors | null {
  return !control.value || KNOWN.has(control.value) ? null : { timeZone: true };
}

/** "new york" finds America/New_York, "berlin" Europe/Berlin. */
const searchable = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s_/]+/g, ' ')
    .trim();

/**
 * A searchable time-zone field (Material autocomplete over the browser's IANA zones) that
 * offers the browser's own zone. Give its control the {@link knownTimeZone} validator.
 */
@Component({
  selector: 'fp-time-zone-field',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
  ],
  template: `
    <mat-form-field subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <input
        matInput
        [formControl]="control()"
        [matAutocomplete]="zones"
        autocomplete="off"
        spellcheck="false"
        required
      />
      <mat-autocomplete #zones="matAutocomplete" autoActiveFirstOption>
        @for (zone of matches(); track zone) {
          <mat-option [value]="zone">{{ zone }}</mat-option>
        }
      </mat-autocomplete>
      @if (control().hasError('required')) {
        <mat-error>Choose a time zone.</mat-error>
      } @else if (control().hasError('timeZone')) {
        <mat-error>Choose a time zone from the list.</mat-error>
      } @else {
        <mat-hint>Dates in the portal and in emails are shown in this zone.</mat-hint>
      }
    </mat-form-field>
    @if (suggest()) {
      <button mat-button type="button" class="suggestion" (click)="useBrowserZone()">
        Use {{ browserZone }} (this browser’s time zone)
      </button>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
    }
    mat-form-field {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TimeZoneFieldComponent {
  readonly control = input.required<FormControl<string>>();
  readonly label = input('Time zone');

  protected readonly browserZone = inject(BROWSER_TIME_ZONE);

  /** The browser's zone first, then the rest in the browser's order. */
  private readonly zones = KNOWN.has(this.browserZone)
    ? [this.browserZone, ...timeZones().filter((zone) => zone !== this.browserZone)]
    : timeZones();

  private readonly value = toSignal(
    toObservable(this.control).pipe(
      switchMap((control) => control.valueChanges.pipe(startWith(control.value))),
    ),
    { initialValue: '' },
  );

  protected readonly matches = computed(() => {
    const value = this.value() ?? '';
    // A chosen zone lists them all, so that opening the panel lets one browse.
    if (!value || KNOWN.has(value)) return this.zones;
    const query = searchable(value);
    return this.zones.filter((zone) => searchable(zone).includes(query));
  });

  protected readonly suggest = computed(
    () => KNOWN.has(this.browserZone) && this.value() !== this.browserZone,
  );

  protected useBrowserZone(): void {
    this.control().setValue(this.browserZone);
    this.control().markAsDirty();
  }
}
