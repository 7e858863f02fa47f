import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import type { Catalog, DataSource } from '@feedpass/contracts';
import { apiError } from '../../testing/fixtures';
import { CreateDataSourceDialogComponent } from './create-data-source-dialog.component';

const CATALOG: Catalog = {
  schema: 'demo',
  tables: [
    {
      table: 'accounts',
      kind: 'table',
      entitySet: 'Accounts',
      columns: [
        { column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false },
        { column: 'name', name: 'Name', type: 'Edm.String', nullable: false },
        { column: 'created_at', name: 'CreatedAt', type: 'Edm.DateTimeOffset', nullable: true },
      ],
      key: ['Id'],
      foreignKeys: [],
    },
    {
      table: 'deals',
      kind: 'table',
      entitySet: 'Deals',
      columns: [
        { column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false },
        { column: 'amount', name: 'Amount', type: 'Edm.Decimal', nullable: true },
      ],
      key: ['Id'],
      foreignKeys: [],
    },
    {
      table: 'open_deals',
      kind: 'view',
      entitySet: 'OpenDeals',
      columns: [{ column: 'id', name: 'Id', type: 'Edm.Int64', nullable: true }],
      key: [],
      foreignKeys: [],
    },
  ],
};

describe('CreateDataSourceDialogComponent', () => {
  let fixture: ComponentFixture<CreateDataSourceDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  beforeEach(async () => {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [CreateDataSourceDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CreateDataSourceDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  afterEach(() => http.verify());

  const loadCatalog = async (catalog: Catalog = CATALOG) => {
    http.expectOne('/api/data-sources/catalog').flush(catalog);
    await fixture.whenStable();
  };
  const setName = async (value: string) => {
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Name' }));
    await ((await field.getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  };
  const tick = async (entitySet: string) =>
    (
      await loader.getHarness(MatCheckboxHarness.with({ label: new RegExp(`^${entitySet} `) }))
    ).check();
  const submit = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Create data source' }))).click();
  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  it('lists every table and view of the catalog with its entity set, source and column count', async () => {
    await loadCatalog();
    const labels = await Promise.all(
      (await loader.getAllHarnesses(MatCheckboxHarness)).map((c) => c.getLabelText()),
    );
    expect(labels.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'Accounts table accounts · 3 columns',
      'Deals table deals · 2 columns',
      'OpenDeals view open_deals · 1 column',
    ]);
    expect(text()).toContain('From the demo schema.');
  });

  it('shows a table’s columns with their Edm types on request', async () => {
    await loadCatalog();
    const toggle = await loader.getHarness(
      MatButtonHarness.with({ selector: '[aria-label="Columns of Accounts"]' }),
    );
    expect(await (await toggle.host()).getAttribute('aria-expanded')).toBe('false');
    expect(text()).not.toContain('Edm.DateTimeOffset');

    await toggle.click();
    expect(await (await toggle.host()).getAttribute('aria-expanded')).toBe('true');
    const cells = [
      ...(fixture.nativeElement as HTMLElement).querySelectorAll(
        '#fp-ds-columns-accounts tbody tr',
      ),
    ].map((row) =>
      [...row.querySelectorAll('td')].map((td) => td.textContent!.trim().replace(/\s+/g, ' ')),
    );
    expect(cells).toEqual([
      ['Id (key)', 'Edm.Int64, not null', 'id'],
      ['Name', 'Edm.String, not null', 'name'],
      ['CreatedAt', 'Edm.DateTimeOffset', 'created_at'],
    ]);
  });

  it('posts the name and the ticked tables in catalog order, and closes with the result', async () => {
    await loadCatalog();
    await setName('Pipeline');
    await tick('OpenDeals');
    await tick('Accounts');
    await submit();

    const req = http.expectOne({ method: 'POST', url: '/api/data-sources' });
    expect(req.request.body).toEqual({ name: 'Pipeline', tables: ['accounts', 'open_deals'] });
    const created = { id: 'ds-9', name: 'Pipeline' } as DataSource;
    req.flush(created, { status: 201, statusText: 'Created' });
    expect(close).toHaveBeenCalledWith(created);
  });

  it('does not post unticked tables', async () => {
    await loadCatalog();
    await setName('Pipeline');
    await tick('Deals');
    await tick('Accounts');
    await (await loader.getHarness(MatCheckboxHarness.with({ label: /^Deals / }))).uncheck();
    await submit();
    expect(http.expectOne('/api/data-sources').request.body.tables).toEqual(['accounts']);
  });

  it('requires at least one table or view', async () => {
    await loadCatalog();
    await setName('Pipeline');
    expect(text()).not.toContain('Choose at least one table or view.');
    await submit();
    http.expectNone('/api/data-sources');
    expect(text()).toContain('Choose at least one table or view.');
    expect(close).not.toHaveBeenCalled();
  });

  it('requires a name', async () => {
    await loadCatalog();
    await tick('Deals');
    await submit();
    http.expectNone('/api/data-sources');
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Name' }));
    expect(await field.getTextErrors()).toEqual(['Enter a name.']);
  });

  it('shows the API’s message and stays open when creating is refused', async () => {
    await loadCatalog();
    await setName('Pipeline');
    await tick('Deals');
    await submit();
    http
      .expectOne('/api/data-sources')
      .flush(...apiError(400, 'invalid_data_source', 'Not in the catalog: deals'));
    await fixture.whenStable();

    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent.trim()).toBe(
      'Not in the catalog: deals',
    );
    expect(close).not.toHaveBeenCalled();
    expect(
      await (
        await loader.getHarness(MatButtonHarness.with({ text: 'Create data source' }))
      ).isDisabled(),
    ).toBe(false);
  });

  it('says so when the catalog cannot be loaded', async () => {
    http
      .expectOne('/api/data-sources/catalog')
      .flush(...apiError(503, 'source_unavailable', 'The source database is not reachable.'));
    await fixture.whenStable();
    expect(text()).toContain('The source database is not reachable.');
    expect(await loader.getAllHarnesses(MatCheckboxHarness)).toHaveLength(0);
  });

  it('waits for the catalog before it can be submitted', async () => {
    expect(
      await (
        await loader.getHarness(MatButtonHarness.with({ text: 'Create data source' }))
      ).isDisabled(),
    ).toBe(true);
    await loadCatalog({ schema: 'demo', tables: [] });
    expect(text()).toContain('The catalog has no tables or views.');
  });
});
