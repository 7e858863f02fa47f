import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';

/**
 * What goes under a list: the error of its last load, a progress bar while it loads, a line
 * when it has no rows, and "Load more" while the API has another page.
 */
@Component({
  selector: 'fp-list-footer',
  imports: [MatButtonModule, MatProgressBarModule],
  template: `
    <div class="fp-error" role="alert">
      @if (error(); as message) {
        {{ message }}
      }
    </div>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" [attr.aria-label]="loadingLabel()" />
    }
    @if (count() === 0) {
      <p class="empty">{{ loaded() ? emptyText() : 'Loading…' }}</p>
    }
    @if (hasMore()) {
      <div class="more">
        <button mat-stroked-button type="button" [disabled]="loading()" (click)="more.emit()">
          Load more
        </button>
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .empty {
      margin: 0;
      padding: 16px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .more {
      display: flex;
      justify-content: center;
      margin: 16px 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ListFooterComponent {
  readonly error = input<string | null>(null);
  readonly loading = input(false);
  /** The progress bar's accessible name, e.g. "Loading tokens". */
  readonly loadingLabel = input.required<string>();
  /** Whether the list has loaded once: until then an empty list says "Loading…". */
  readonly loaded = input(false);
  /** How many rows the list shows. */
  readonly count = input.required<number>();
  /** What an empty list says once loaded, e.g. "No tokens match these filters." */
  readonly emptyText = input.required<string>();
  readonly hasMore = input(false);
  readonly more = output<void>();
}
