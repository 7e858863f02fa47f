import { ChangeDetectionStrategy, Component, computed, input, model } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { CatalogColumn, CatalogTable, EdmTypeName } from '@feedpass/contracts';
import { fromPickerDate, toPickerDate } from '../shared/zoned-date';
import {
  basicColumn,
  type FilterCondition,
  type FilterOperator,
  OPERATOR_LABELS,
  operatorsFor,
  parseBasic,
  type RowFilterDraft,
  toExpression,
  valueKind,
  type ValueKind,
  valueProblem,
} from './row-filter';

/**
 * One published table's row filter: a basic editor (conditions joined by *and*) or the
 * `$filter` expression itself. The dialog holds the draft; this edits it.
 */
@Component({
  selector: 'fp-row-filter-editor',
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatDatepickerModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  providers: [provideNativeDateAdapter()],
  templateUrl: './row-filter-editor.component.html',
  styleUrl: './row-filter-editor.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RowFilterEditorComponent {
  readonly table = input.required<CatalogTable>();
  readonly draft = model.required<RowFilterDraft>();
  /** What the API said is wrong with this table's filter. */
  readonly error = input<string | null>(null);
  /** Marks incomplete conditions (once the user has tried to save). */
  readonly showProblems = input(false);

  protected readonly labels = OPERATOR_LABELS;
  protected readonly columns = computed(() => this.table().columns.filter(basicColumn));
  private readonly types = computed(
    () => new Map(this.table().columns.map((c) => [c.name, c.type] as const)),
  );
  /** Whether the basic editor can show the advanced editor's expression. */
  protected readonly basicPossible = computed(() => {
    const draft = this.draft();
    return draft.mode === 'basic' || parseBasic(draft.text, this.table().columns) !== null;
  });

  protected type(condition: FilterCondition): EdmTypeName {
    return this.types().get(condition.column) ?? 'Edm.String';
  }

  protected kind(condition: FilterCondition): ValueKind {
    return valueKind(this.type(condition));
  }

  protected operators(condition: FilterCondition): readonly FilterOperator[] {
    return operatorsFor(this.type(condition));
  }

  protected problem(condition: FilterCondition): string | null {
    return this.showProblems() ? valueProblem(condition, this.type(condition)) : null;
  }

  protected pickerDate(value: string): Date | null {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return null;
    const [year, month, day] = match.slice(1).map(Number);
    return toPickerDate({ year, month, day });
  }

  protected setMode(mode: 'basic' | 'advanced'): void {
    const draft = this.draft();
    if (mode === draft.mode) return;
    if (mode === 'advanced') {
      this.draft.set({
        mode,
        conditions: [],
        text: toExpression(draft.conditions, this.table().columns),
      });
      return;
    }
    const conditions = parseBasic(draft.text, this.table().columns);
    if (conditions) this.draft.set({ mode, conditions, text: draft.text });
  }

  protected setText(text: string): void {
    this.draft.update((draft) => ({ ...draft, text }));
  }

  protected add(): void {
    const column = this.columns()[0];
    if (!column) return;
    this.changeConditions((list) => [...list, fresh(column)]);
  }

  protected remove(index: number): void {
    this.changeConditions((list) => list.filter((_, i) => i !== index));
  }

  protected setColumn(index: number, name: string): void {
    const column = this.columns().find((c) => c.name === name);
    if (!column) return;
    this.changeAt(index, (condition) => {
      const before = this.kind(condition);
      const next = fresh(column);
      if (valueKind(column.type) !== before) return next;
      const operator = operatorsFor(column.type).includes(condition.operator)
        ? condition.operator
        : next.operator;
      return { ...condition, column: name, operator };
    });
  }

  protected setOperator(index: number, operator: FilterOperator): void {
    this.changeAt(index, (condition) => ({ ...condition, operator }));
  }

  protected setValue(index: number, value: string): void {
    this.changeAt(index, (condition) => ({ ...condition, value }));
  }

  protected setDate(index: number, date: Date | null): void {
    if (!date) return this.setValue(index, '');
    const { year, month, day } = fromPickerDate(date);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    this.setValue(index, `${pad(year, 4)}-${pad(month)}-${pad(day)}`);
  }

  private changeAt(index: number, change: (c: FilterCondition) => FilterCondition): void {
    this.changeConditions((list) => list.map((c, i) => (i === index ? change(c) : c)));
  }

  private changeConditions(change: (list: FilterCondition[]) => FilterCondition[]): void {
    this.draft.update((draft) => {
      const conditions = change(draft.conditions);
      return { mode: 'basic', conditions, text: toExpression(conditions, this.table().columns) };
    });
  }
}

function fresh(column: CatalogColumn): FilterCondition {
  return {
    column: column.name,
    operator: 'eq',
    value: valueKind(column.type) === 'boolean' ? 'true' : '',
  };
}
