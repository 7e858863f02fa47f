import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDatepickerInputHarness } from '@angular/material/datepicker/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { CatalogTable } from '@feedpass/contracts';
import { draftOf, type RowFilterDraft } from './row-filter';
import { RowFilterEditorComponent } from './row-filter-editor.component';

const DEALS: CatalogTable = {
  table: 'deals',
  kind: 'table',
  entitySet: 'Deals',
  columns: [
    { column: 'stage', name: 'Stage', type: 'Edm.String', nullable: false },
    { column: 'is_won', name: 'IsWon', type: 'Edm.Boolean', nullable: false },
    { column: 'created_at', name: 'CreatedAt', type: 'Edm.DateTimeOffset', nullable: false },
    { column: 'closed_on', name: 'ClosedOn', type: 'Edm.Date', nullable: true },
    { column: 'owner_id', name: 'OwnerId', type: 'Edm.Guid', nullable: true },
  ],
  key: [],
  foreignKeys: [],
};

@Component({
  imports: [RowFilterEditorComponent],
  template: `<fp-row-filter-editor [table]="table" [(draft)]="draft" [error]="error()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class HostComponent {
  readonly table = DEALS;
  readonly draft = signal<RowFilterDraft>(draftOf('', DEALS.columns));
  readonly error = signal<string | null>(null);
}

describe('RowFilterEditorComponent', () => {
  let fixture: ComponentFixture<HostComponent>;
  let loader: HarnessLoader;
  let host: HostComponent;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [{ provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } }],
    });
    fixture = TestBed.createComponent(HostComponent);
    host = fixture.componentInstance;
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  });

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const add = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Add condition' }))).click();
  const selectIn = async (label: string) => {
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    return (await field.getControl(MatSelectHarness))!;
  };
  const choose = async (label: string, option: string) => {
    const select = await selectIn(label);
    await select.open();
    await select.clickOptions({ text: option });
  };
  const options = async (label: string) => {
    const select = await selectIn(label);
    await select.open();
    const texts = await Promise.all((await select.getOptions()).map((o) => o.getText()));
    await select.close();
    return texts;
  };
  const expression = () => host.draft().text;

  it('says there is no filter until a condition is added', async () => {
    expect(text()).toContain('No filter: readers see every row.');
    await add();
    expect(text()).not.toContain('No filter');
    expect(expression()).toBe("Stage eq ''");
  });

  it('offers only the columns the basic editor can compare', async () => {
    await add();
    expect(await options('Column')).toEqual(['Stage', 'IsWon', 'CreatedAt', 'ClosedOn']);
  });

  it('compares booleans with true or false', async () => {
    await add();
    await choose('Column', 'IsWon');
    expect(await options('Operator')).toEqual(['equals', 'does not equal']);
    expect(await options('Value')).toEqual(['true', 'false']);
    expect(expression()).toBe('IsWon eq true');
    await choose('Value', 'false');
    expect(expression()).toBe('IsWon eq false');
  });

  it('picks dates with the date picker and writes them as OData literals', async () => {
    await add();
    await choose('Column', 'CreatedAt');
    await choose('Operator', 'at least');
    const picker = await loader.getHarness(MatDatepickerInputHarness);
    await picker.setValue('1/31/2025');
    await picker.blur();
    expect(expression()).toBe('CreatedAt ge 2025-01-31T00:00:00Z');
    expect(text()).toContain('From midnight UTC');

    await choose('Column', 'ClosedOn');
    // The same kind of value: the operator and the day stay.
    expect(expression()).toBe('ClosedOn ge 2025-01-31');
  });

  it('joins conditions with and, and removes one', async () => {
    await add();
    await (await loader.getHarness(MatInputHarness)).setValue('Won');
    await add();
    const fields = await loader.getAllHarnesses(
      MatFormFieldHarness.with({ floatingLabelText: 'Operator' }),
    );
    const second = (await fields[1].getControl(MatSelectHarness))!;
    await second.open();
    await second.clickOptions({ text: 'contains' });
    const inputs = await loader.getAllHarnesses(MatInputHarness);
    await inputs[1].setValue("O'Neil");
    expect(expression()).toBe("Stage eq 'Won' and contains(Stage,'O''Neil')");
    expect(text()).toContain('and');

    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Remove condition 1 of Deals"]' }),
      )
    ).click();
    expect(expression()).toBe("contains(Stage,'O''Neil')");
  });

  it('switches to the expression and back', async () => {
    host.draft.set(draftOf("IsWon eq true and startswith(Stage,'Cl')", DEALS.columns));
    await fixture.whenStable();
    await (await loader.getHarness(MatButtonToggleHarness.with({ text: 'Advanced' }))).check();
    const area = await loader.getHarness(MatInputHarness.with({ selector: 'textarea' }));
    expect(await area.getValue()).toBe("IsWon eq true and startswith(Stage,'Cl')");

    await area.setValue("IsWon eq true or Stage eq 'x'");
    const basic = await loader.getHarness(MatButtonToggleHarness.with({ text: 'Basic' }));
    expect(await basic.isDisabled()).toBe(true);
    expect(host.draft()).toEqual({
      mode: 'advanced',
      conditions: [],
      text: "IsWon eq true or Stage eq 'x'",
    });

    await area.setValue("Stage ne 'x'");
    expect(await basic.isDisabled()).toBe(false);
    await basic.check();
    expect(host.draft().mode).toBe('basic');
    expect(await (await loader.getHarness(MatInputHarness)).getValue()).toBe('x');
  });

  it('shows the error it is given', async () => {
    host.error.set("$filter: unknown property 'Nope' at position 1");
    await fixture.whenStable();
    expect(
      (fixture.nativeElement as HTMLElement)
        .querySelector('#fp-rf-error-deals')!
        .textContent!.trim(),
    ).toBe("$filter: unknown property 'Nope' at position 1");
  });
});
