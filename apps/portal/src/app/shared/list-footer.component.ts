import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { CursorPaging } from './cursor-paging';

/**
 * What goes under a paged list: the error of its last load (or the page's own `error`), a progress bar while it loads, a line
 * when it has no rows, and "Load more" while the API has another page.
 */
@Component({
  selector: 'fp-list-footer',
  imports: [MatButtonModule, MatProgressBarModule],
  template: `
    <div class="fp-error" role="alert">
      @if (message(); as message) {
        {{ message }}
      }
    </div>
    @if (list().loading()) {
      <mat-progress-bar mode="indeterminate" [attr.aria-label]="loadingLabel()" />
    }
    @if (list().items().length === 0) {
      <p class="empty">{{ list().loaded() ? emptyText() : 'Loading…' }}</p>
    }
    @if (list().hasMore()) {
      <div class="more">
        <button
          mat-stroked-button
          type="button"
          [disabled]="list().loading()"
          (click)="list().more()"
        >
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
  readonly list = input.required<CursorPaging<unknown>>();
  /** An error of the page's own (a failed download, say), shown before the list's. */
  readonly error = input<string | null>(null);
  /** The progress bar's accessible name, e.g. "Loading tokens". */
  readonly loadingLabel = input.required<string>();
  /** What an empty list says once loaded, e.g. "No tokens match these filters." */
  readonly emptyText = input.required<string>();

  protected readonly message = computed(() => this.error() ?? this.list().error());
}
