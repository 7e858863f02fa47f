import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { Catalog, DataSource } from '@feedpass/contracts';
import { apiError } from '../../testing/fixtures';
import { EditDataSourceDialogComponent } from './edit-data-source-dialog.component';

const CATALOG: Catalog = {
  schema: 'demo',
  tables: [
    {
      table: 'accounts',
      kind: 'table',
      entitySet: 'Accounts',
      columns: [
        { column: 'id', name: 'Id', type: 'Edm.Int32', nullable: false },
        { column: 'country', name: 'Country', type: 'Edm.String', nullable: false },
      ],
      key: ['Id'],
      foreignKeys: [],
    },
    {
      table: 'contacts',
      kind: 'table',
      entitySet: 'Contacts',
      columns: [{ column: 'id', name: 'Id', type: 'Edm.Int32', nullable: false }],
      key: ['Id'],
      foreignKeys: [],
    },
    {
      table: 'deals',
      kind: 'table',
      entitySet: 'Deals',
      columns: [
        { column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false },
        { column: 'stage', name: 'Stage', type: 'Edm.String', nullable: false },
        { column: 'amount', name: 'Amount', type: 'Edm.Decimal', nullable: false },
      ],
      key: ['Id'],
      foreignKeys: [],
    },
  ],
};

const SOURCE: DataSource = {
  id: 'ds-1',
  name: 'Sales pipeline',
  tables: ['accounts', 'deals'],
  owner: { id: 'u-user', username: 'demo-user', displayName: 'Uma User' },
  owned: true,
  odataUrl: 'https://feedpass.example/odata/k3y/',
  sharedWith: [],
  rowFilters: { accounts: "Country eq 'DE' or Country eq 'FR'" },
  lastReadAt: null,
  createdAt: '2024-01-01T00:00:00Z',
};

describe('EditDataSourceDialogComponent', () => {
  let fixture: ComponentFixture<EditDataSourceDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  async function open(): Promise<void> {
    fixture = TestBed.createComponent(EditDataSourceDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    http.expectOne('/api/data-sources/catalog').flush(CATALOG);
    await fixture.whenStable();
  }

  beforeEach(() => {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [EditDataSourceDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
        { provide: MAT_DIALOG_DATA, useValue: SOURCE },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const el = () => fixture.nativeElement as HTMLElement;
  const text = () => el().textContent!.replace(/\s+/g, ' ');
  const editor = (table: string) =>
    loader.getHarness(
      // The editor's fieldset is named after the table's entity set.
      MatButtonHarness.with({ selector: `[aria-label="Add a condition to ${table}"]` }),
    );
  const save = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();
  const editorError = (table: string) =>
    el().querySelector(`#fp-rf-error-${table}`)!.textContent!.trim();
  const select = async (label: string, option: string, index = 0) => {
    const fields = await loader.getAllHarnesses(
      MatFormFieldHarness.with({ floatingLabelText: label }),
    );
    const control = (await fields[index].getControl(MatSelectHarness))!;
    await control.open();
    await control.clickOptions({ text: option });
  };
  const value = async (index = 0) => {
    const fields = await loader.getAllHarnesses(
      MatFormFieldHarness.with({ floatingLabelText: 'Value' }),
    );
    return (await fields[index].getControl(MatInputHarness)) as MatInputHarness;
  };

  it('starts from the saved name, tables and row filters, and says what editing does', async () => {
    await open();
    const name = await loader.getHarness(
      MatInputHarness.with({ selector: '[formControlName="name"]' }),
    );
    expect(await name.getValue()).toBe('Sales pipeline');
    const checked = await Promise.all(
      (await loader.getAllHarnesses(MatCheckboxHarness)).map((c) => c.isChecked()),
    );
    expect(checked).toEqual([true, false, true]);
    expect(text()).toContain(
      'Editing keeps the OData URL, so reports go on reading the same feed. A row filter applies to every reader, you included. Removing a table breaks the reports that read it.',
    );
    // One editor per published table, in catalog order.
    const legends = [...el().querySelectorAll('fp-row-filter-editor legend')].map((l) =>
      l.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(legends).toEqual(['Row filter of Accounts (accounts)', 'Row filter of Deals (deals)']);
  });

  it('opens a filter the basic editor cannot show in the advanced editor', async () => {
    await open();
    const textarea = await loader.getHarness(MatInputHarness.with({ selector: 'textarea' }));
    expect(await textarea.getValue()).toBe("Country eq 'DE' or Country eq 'FR'");
    const basic = await loader.getAllHarnesses(MatButtonToggleHarness.with({ text: 'Basic' }));
    // Accounts' Basic is unavailable; Deals (no filter) is in the basic editor.
    expect(await basic[0].isDisabled()).toBe(true);
    expect(await basic[1].isChecked()).toBe(true);
    expect(text()).toContain('The basic editor cannot show this expression');
  });

  it('saves a basic condition as an OData expression, with everything in one PATCH', async () => {
    await open();
    await (await editor('Deals')).click();
    await select('Column', 'Stage');
    await select('Operator', 'equals');
    await (await value()).setValue("Closed Won's");
    await save();

    const req = http.expectOne({ method: 'PATCH', url: '/api/data-sources/ds-1' });
    expect(req.request.body).toEqual({
      name: 'Sales pipeline',
      tables: ['accounts', 'deals'],
      rowFilters: {
        accounts: "Country eq 'DE' or Country eq 'FR'",
        deals: "Stage eq 'Closed Won''s'",
      },
    });
    const updated = { ...SOURCE, rowFilters: req.request.body.rowFilters };
    req.flush(updated);
    expect(close).toHaveBeenCalledWith(updated);
  });

  it('offers the operators that fit the column’s type', async () => {
    await open();
    await (await editor('Deals')).click();
    const operators = async () => {
      const field = (
        await loader.getAllHarnesses(MatFormFieldHarness.with({ floatingLabelText: 'Operator' }))
      )[0];
      const control = (await field.getControl(MatSelectHarness))!;
      await control.open();
      const options = await Promise.all((await control.getOptions()).map((o) => o.getText()));
      await control.close();
      return options;
    };
    await select('Column', 'Stage');
    expect(await operators()).toEqual([
      'equals',
      'does not equal',
      'contains',
      'starts with',
      'ends with',
    ]);
    await select('Column', 'Amount');
    expect(await operators()).toEqual([
      'equals',
      'does not equal',
      'greater than',
      'at least',
      'less than',
      'at most',
    ]);
  });

  it('does not save an incomplete condition', async () => {
    await open();
    await (await editor('Deals')).click();
    await select('Column', 'Amount');
    await (await value()).setValue('a lot');
    await save();
    http.expectNone({ method: 'PATCH' });
    expect(text()).toContain('Enter a number, like 1500 or 1500.25.');
    expect(editorError('deals')).toBe('Complete or remove the conditions marked above.');
    expect(close).not.toHaveBeenCalled();
  });

  it('shows the API’s invalid_row_filter message under that table’s editor, and stays open', async () => {
    await open();
    const textarea = await loader.getHarness(MatInputHarness.with({ selector: 'textarea' }));
    await textarea.setValue("Nope eq 'x'");
    await save();
    http
      .expectOne({ method: 'PATCH', url: '/api/data-sources/ds-1' })
      .flush(
        ...apiError(
          400,
          'invalid_row_filter',
          "Row filter of accounts: $filter: unknown property 'Nope' at position 1",
        ),
      );
    await fixture.whenStable();
    expect(editorError('accounts')).toBe("$filter: unknown property 'Nope' at position 1");
    expect(editorError('deals')).toBe('');
    expect(close).not.toHaveBeenCalled();

    // Editing that filter clears the message.
    await textarea.setValue("Country eq 'DE'");
    expect(editorError('accounts')).toBe('');
  });

  it('shows other refusals at the top', async () => {
    await open();
    await save();
    http
      .expectOne({ method: 'PATCH' })
      .flush(...apiError(400, 'invalid_data_source', 'Unknown table: deals'));
    await fixture.whenStable();
    expect(el().querySelector('mat-dialog-content > [role="alert"]')!.textContent!.trim()).toBe(
      'Unknown table: deals',
    );
    expect(close).not.toHaveBeenCalled();
  });

  it('drops the filter of a table that is no longer published, and warns about reports', async () => {
    await open();
    await (await loader.getHarness(MatCheckboxHarness.with({ label: /^Accounts / }))).uncheck();
    await (await loader.getHarness(MatCheckboxHarness.with({ label: /^Contacts / }))).check();
    expect(text()).toContain('Reports that read Accounts will fail to refresh once you save.');
    await save();
    expect(http.expectOne({ method: 'PATCH' }).request.body).toEqual({
      name: 'Sales pipeline',
      tables: ['contacts', 'deals'],
      rowFilters: {},
    });
  });

  it('turns basic conditions into the expression when switching to advanced', async () => {
    await open();
    await (await editor('Deals')).click();
    await select('Column', 'Amount');
    await select('Operator', 'greater than');
    await (await value()).setValue('1000');
    const advanced = await loader.getAllHarnesses(
      MatButtonToggleHarness.with({ text: 'Advanced' }),
    );
    await advanced[1].check();
    const areas = await loader.getAllHarnesses(MatInputHarness.with({ selector: 'textarea' }));
    expect(await areas[1].getValue()).toBe('Amount gt 1000');

    await areas[1].setValue("Amount gt 1000 and Stage ne 'Closed Lost'");
    const basic = await loader.getAllHarnesses(MatButtonToggleHarness.with({ text: 'Basic' }));
    await basic[1].check();
    expect(await (await value(1)).getValue()).toBe('Closed Lost');
    await save();
    expect(http.expectOne({ method: 'PATCH' }).request.body.rowFilters.deals).toBe(
      "Amount gt 1000 and Stage ne 'Closed Lost'",
    );
  });

  it('requires a name and a table', async () => {
    await open();
    const name = await loader.getHarness(
      MatInputHarness.with({ selector: '[formControlName="name"]' }),
    );
    await name.setValue('');
    for (const box of await loader.getAllHarnesses(MatCheckboxHarness)) await box.uncheck();
    await save();
    http.expectNone({ method: 'PATCH' });
    expect(text()).toContain('Enter a name.');
    expect(text()).toContain('Choose at least one table or view.');
  });
});
