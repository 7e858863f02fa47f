import { ChangeDetectionStrategy, Component, input, model, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { CatalogTable } from '@feedpass/contracts';

/**
 * The tables and views of the catalog with a checkbox each and their columns on request: what
 * a data source publishes, as the create and the edit dialog choose it.
 */
@Component({
  selector: 'fp-table-picker',
  imports: [MatButtonModule, MatCheckboxModule, MatProgressBarModule],
  templateUrl: './table-picker.component.html',
  styleUrl: './table-picker.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TablePickerComponent {
  readonly schema = input('');
  readonly tables = input.required<CatalogTable[]>();
  readonly loading = input(false);
  readonly loadError = input<string | null>(null);
  /** Shows "Choose at least one" when nothing is ticked (after a first submit). */
  readonly showRequired = input(false);
  /** The ticked source tables. */
  readonly selected = model<ReadonlySet<string>>(new Set());
  /** Tables whose column list is shown. */
  protected readonly expanded = signal<ReadonlySet<string>>(new Set());

  protected toggle(table: string, checked: boolean): void {
    this.selected.update((set) => withMember(set, table, checked));
  }

  protected toggleColumns(table: string): void {
    this.expanded.update((set) => withMember(set, table, !set.has(table)));
  }
}

export function withMember(
  set: ReadonlySet<string>,
  value: string,
  member: boolean,
): ReadonlySet<string> {
  const next = new Set(set);
  if (member) next.add(value);
  else next.delete(value);
  return next;
}
