import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA } from '@angular/material/dialog';
import { MatTableHarness } from '@angular/material/table/testing';
import type { DataSource, DataSourcePreview } from '@feedpass/contracts';
import { apiError } from '../../testing/fixtures';
import {
  PreviewDataSourceDialogComponent,
  type PreviewDialogData,
} from './preview-data-source-dialog.component';

const SOURCE: DataSource = {
  id: 'ds-1',
  name: 'Sales pipeline',
  tables: ['deals', 'accounts'],
  owner: { id: 'u-user', username: 'demo-user', displayName: 'Uma User' },
  owned: true,
  odataUrl: 'https://feedpass.example/odata/k3y/',
  sharedWith: [],
  rowFilters: { deals: "Stage eq 'Closed Won'" },
  lastReadAt: null,
  createdAt: '2024-01-01T00:00:00Z',
};

const DEALS: DataSourcePreview = {
  table: 'deals',
  entitySet: 'Deals',
  columns: [
    { column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false },
    { column: 'stage', name: 'Stage', type: 'Edm.String', nullable: false },
    { column: 'amount', name: 'Amount', type: 'Edm.Decimal', nullable: false },
    { column: 'is_won', name: 'IsWon', type: 'Edm.Boolean', nullable: false },
    { column: 'closed_at', name: 'ClosedAt', type: 'Edm.DateTimeOffset', nullable: true },
  ],
  rows: [
    { Id: '5', Stage: 'Closed Won', Amount: '1200.50', IsWon: true, ClosedAt: null },
    {
      Id: '11',
      Stage: 'Closed Won',
      Amount: '99.00',
      IsWon: true,
      ClosedAt: '2024-03-01T00:00:00Z',
    },
  ],
  filtered: true,
  rowFilter: "Stage eq 'Closed Won'",
};

describe('PreviewDataSourceDialogComponent', () => {
  let fixture: ComponentFixture<PreviewDataSourceDialogComponent>;
  let http: HttpTestingController;

  function open(data: PreviewDialogData): void {
    TestBed.configureTestingModule({
      imports: [PreviewDataSourceDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: data },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(PreviewDataSourceDialogComponent);
    TestBed.tick(); // the preview loads in an effect
  }

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const previewOf = (table: string) =>
    http.expectOne(
      (req) => req.url === '/api/data-sources/ds-1/preview' && req.params.get('table') === table,
    );

  it('asks for the first 20 rows of the first table and shows them with each column’s type', async () => {
    open({
      source: SOURCE,
      entitySets: new Map([
        ['deals', 'Deals'],
        ['accounts', 'Accounts'],
      ]),
    });
    const req = previewOf('deals');
    expect(req.request.params.get('top')).toBe('20');
    req.flush(DEALS);
    await fixture.whenStable();

    const table = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatTableHarness);
    const headers = await (await table.getHeaderRows())[0].getCellTextByIndex();
    expect(headers).toEqual([
      'Id · Int64',
      'Stage · String',
      'Amount · Decimal',
      'IsWon · Boolean',
      'ClosedAt · DateTimeOffset',
    ]);
    expect(await table.getCellTextByIndex()).toEqual([
      ['5', 'Closed Won', '1200.50', 'true', ''],
      ['11', 'Closed Won', '99.00', 'true', '2024-03-01T00:00:00Z'],
    ]);
    expect(text()).toContain('The first 2 rows of Deals, as the feed serves them.');
    expect(text()).toContain("Filtered by: Stage eq 'Closed Won'");
  });

  it('tells a recipient only that a row filter applies', async () => {
    open({ source: { ...SOURCE, owned: false, rowFilters: {} } });
    previewOf('deals').flush({ ...DEALS, rowFilter: null });
    await fixture.whenStable();
    expect(text()).toContain('Row filter applied');
    expect(text()).not.toContain('Filtered by');
    expect(text()).not.toContain("Closed Won'");
  });

  it('says nothing about filters for an unfiltered table, and loads another table when chosen', async () => {
    open({
      source: SOURCE,
      entitySets: new Map([
        ['deals', 'Deals'],
        ['accounts', 'Accounts'],
      ]),
    });
    previewOf('deals').flush(DEALS);
    await fixture.whenStable();

    // Clicks, not the select's harness: it would wait for the request the choice starts.
    (fixture.nativeElement.querySelector('.mat-mdc-select-trigger') as HTMLElement).click();
    await fixture.whenStable();
    const options = [...document.querySelectorAll('mat-option')] as HTMLElement[];
    expect(options.map((o) => o.textContent!.trim())).toEqual(['Deals', 'Accounts']);
    options[1].click();
    TestBed.tick();
    previewOf('accounts').flush({
      table: 'accounts',
      entitySet: 'Accounts',
      columns: [{ column: 'id', name: 'Id', type: 'Edm.Int32', nullable: false }],
      rows: [],
      filtered: false,
      rowFilter: null,
    });
    await fixture.whenStable();
    expect(text()).toContain('The table has no rows.');
    expect(text()).not.toContain('Filtered by');
    expect(text()).not.toContain('Row filter applied');
  });

  it('shows why the preview could not be loaded', async () => {
    open({ source: SOURCE });
    previewOf('deals').flush(...apiError(404, 'not_found', 'Data source not found'));
    await fixture.whenStable();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')!.textContent!.trim(),
    ).toBe('Data source not found');
  });
});
