import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { AdminDataSource, DataSource } from '@feedpass/contracts';
import { ADMIN, apiError, summary, USER } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth.service';
import { AdminDataSourcesPage } from './admin-data-sources.page';

const ref = ({ id, username, displayName }: typeof USER) => ({ id, username, displayName });

function source(extra: Partial<AdminDataSource> = {}): AdminDataSource {
  return {
    id: 'ds-1',
    name: 'Sales pipeline',
    owner: ref(USER),
    ownerDeactivated: false,
    sharedWith: [ref(ADMIN)],
    tables: ['accounts', 'deals'],
    filteredTables: ['deals'],
    lastReadAt: '2025-01-31T23:30:00Z',
    lastReadBy: ref(ADMIN),
    odataUrl: 'https://feedpass.example/odata/k3y/',
    createdAt: '2024-01-01T00:00:00Z',
    ...extra,
  };
}

const ORPHAN = source({
  id: 'ds-2',
  name: 'Old report',
  ownerDeactivated: true,
  sharedWith: [],
  tables: ['contacts'],
  filteredTables: [],
  lastReadAt: null,
  lastReadBy: null,
});

describe('AdminDataSourcesPage', () => {
  let fixture: ComponentFixture<AdminDataSourcesPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;

  const listRequest = (params: Record<string, string> = {}) =>
    http.expectOne(
      (req) =>
        req.url === '/api/admin/data-sources' &&
        req.params.keys().length === Object.keys(params).length &&
        Object.entries(params).every(([key, value]) => req.params.get(key) === value),
    );

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [AdminDataSourcesPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(ADMIN) } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AdminDataSourcesPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    TestBed.tick(); // the lists load in effects
    http
      .match('/api/admin/users')
      .forEach((r) => r.flush({ items: [summary(ADMIN), summary(USER)] }));
    listRequest().flush({ items: [source(), ORPHAN] });
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();

  it('lists every data source with owner, shares, tables, filters and the last read', async () => {
    expect(fixture.nativeElement.querySelector('h1').textContent).toBe('Data Source Inventory');
    const cells = await rows();
    expect(cells['name'].text).toEqual(['Sales pipeline', 'Old report']);
    expect(cells['owner'].text[0]).toBe('Uma User demo-user');
    expect(cells['owner'].text[1]).toBe('Uma User demo-user Owner deactivated');
    expect(fixture.nativeElement.querySelectorAll('.badge')).toHaveLength(1);
    expect(cells['sharedWith'].text).toEqual(['Ada Admin', 'Nobody']);
    expect(cells['tables'].text).toEqual(['accounts, deals', 'contacts']);
    expect(cells['filteredTables'].text).toEqual(['deals', 'None']);
    // In the admin's zone (Tokyo), with who read it.
    expect(cells['lastReadAt'].text[0]).toMatch(/^Feb 1, 2025, 8:30\sAM by Ada Admin$/);
    expect(cells['lastReadAt'].text[1]).toBe('Never');
  });

  it('makes Transfer prominent for a deactivated owner', async () => {
    const transfer = (name: string) =>
      loader.getHarness(MatButtonHarness.with({ selector: `[aria-label="Transfer ${name}"]` }));
    expect(await (await transfer('Sales pipeline')).getAppearance()).toBe('text');
    expect(await (await transfer('Old report')).getAppearance()).toBe('filled');
  });

  it('filters by owner and searches by name', async () => {
    const select = await loader.getHarness(MatSelectHarness);
    await select.open();
    // Click the option itself: the harness would wait for the request it starts.
    const option = [...document.querySelectorAll('mat-option')].find(
      (o) => o.textContent!.trim() === 'Uma User (demo-user)',
    ) as HTMLElement;
    option.click();
    TestBed.tick();
    listRequest({ ownerId: USER.id }).flush({ items: [source()] });
    await fixture.whenStable();
    expect((await rows())['name'].text).toEqual(['Sales pipeline']);

    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[type="search"]' }))
    ).setValue('nothing');
    await new Promise((resolve) => setTimeout(resolve, 350));
    TestBed.tick();
    listRequest({ ownerId: USER.id, q: 'nothing' }).flush({ items: [] });
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('No data sources match these filters.');
  });

  it('transfers to a user chosen from the list, and loads the list again', async () => {
    // A click, not the harness: it would wait for the user list the dialog loads.
    (
      fixture.nativeElement.querySelector('[aria-label="Transfer Old report"]') as HTMLElement
    ).click();
    TestBed.tick();
    http.expectOne('/api/admin/users').flush({ items: [summary(ADMIN), summary(USER)] });
    await fixture.whenStable();
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Transfer Old report');
    const select = await dialog.getHarness(MatSelectHarness);
    await select.open();
    await select.clickOptions({ text: 'Ada Admin (demo-admin)' });
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Transfer' }))).click();

    const req = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-2/transfer' });
    expect(req.request.body).toEqual({ userId: ADMIN.id });
    req.flush({ id: 'ds-2', name: 'Old report', owner: ref(ADMIN) } as DataSource);
    await fixture.whenStable();
    TestBed.tick();
    listRequest().flush({
      items: [source(), { ...ORPHAN, owner: ref(ADMIN), ownerDeactivated: false }],
    });
    await fixture.whenStable();
    expect((await rows())['owner'].text[1]).toBe('Ada Admin demo-admin');
  });

  it('shows why the list could not be loaded', async () => {
    fixture.componentInstance['list'].reload();
    TestBed.tick();
    listRequest().flush(...apiError(503, 'service_unavailable', 'The database is not reachable.'));
    await fixture.whenStable();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')!.textContent!.trim(),
    ).toBe('The database is not reachable.');
  });
});
