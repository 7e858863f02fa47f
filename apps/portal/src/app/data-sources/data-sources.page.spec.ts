import { Clipboard } from '@angular/cdk/clipboard';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';
import type { Catalog, DataSource } from '@feedpass/contracts';
import { ADMIN, apiError, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { DataSourcesPage } from './data-sources.page';

const ref = ({ id, username, displayName }: typeof USER) => ({ id, username, displayName });

function dataSource(extra: Partial<DataSource> = {}): DataSource {
  return {
    id: 'ds-1',
    name: 'Sales pipeline',
    tables: ['accounts', 'deals'],
    owner: ref(USER),
    owned: true,
    odataUrl: 'https://feedpass.example/odata/k3yOwned/',
    sharedWith: [],
    rowFilters: {},
    lastReadAt: null,
    createdAt: '2024-01-01T23:30:00Z',
    ...extra,
  };
}

const OWNED = dataSource();
const SHARED = dataSource({
  id: 'ds-2',
  name: 'Team contacts',
  tables: ['contacts'],
  owner: ref(ADMIN),
  owned: false,
  odataUrl: 'https://feedpass.example/odata/k3yShared/',
});

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
      ],
      key: ['Id'],
      foreignKeys: [],
    },
    {
      table: 'contacts',
      kind: 'table',
      entitySet: 'Contacts',
      columns: [{ column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false }],
      key: ['Id'],
      foreignKeys: [],
    },
    {
      table: 'deals',
      kind: 'table',
      entitySet: 'Deals',
      columns: [{ column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false }],
      key: ['Id'],
      foreignKeys: [],
    },
  ],
};

/** The jsdom of the test environment predates `Blob.text()`. */
function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('DataSourcesPage', () => {
  let fixture: ComponentFixture<DataSourcesPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;

  async function render(items: DataSource[]): Promise<void> {
    fixture = TestBed.createComponent(DataSourcesPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    TestBed.tick(); // the list loads in an effect
    http.expectOne({ method: 'GET', url: '/api/data-sources' }).flush({ items });
    http.expectOne('/api/data-sources/catalog').flush(CATALOG);
    await fixture.whenStable();
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [DataSourcesPage],
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(USER) } },
        // Dialogs report `afterClosed` once their exit animation ends; skip it.
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  const button = (label: string) =>
    loader.getHarness(MatButtonHarness.with({ selector: `[aria-label="${label}"]` }));
  const alert = () =>
    (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')!.textContent!.trim();

  it('lists owned and shared data sources with entity sets, owner and date', async () => {
    await render([OWNED, SHARED]);
    expect(fixture.nativeElement.querySelector('h1').textContent).toBe('Data Sources');

    const cells = await rows();
    expect(cells['name'].text).toEqual(['Sales pipeline', 'Team contacts']);
    expect(cells['tables'].text).toEqual(['Accounts, Deals', 'Contacts']);
    expect(cells['owner'].text).toEqual(['You', 'Ada Admin Shared with you']);
    // 2024-01-01T23:30Z is already 2 January in the user's zone (Tokyo).
    expect(cells['createdAt'].text[0]).toBe('Jan 2, 2024');
  });

  it('offers Share and Delete only on the data sources the user owns', async () => {
    await render([OWNED, SHARED]);
    const cells = await rows();
    expect(cells['actions'].text[0]).toContain('Share');
    expect(cells['actions'].text[0]).toContain('Delete');
    expect(cells['actions'].text[1]).not.toContain('Share');
    expect(cells['actions'].text[1]).not.toContain('Delete');
    expect(cells['actions'].text[1]).toContain('Copy OData URL');
    expect(cells['actions'].text[1]).toContain('Open in Power BI Desktop');
    expect(cells['actions'].text[1]).toContain('Open in Excel');
  });

  it('shows who an owned data source is shared with', async () => {
    await render([dataSource({ sharedWith: [ref(ADMIN)] })]);
    expect((await rows())['name'].text).toEqual(['Sales pipeline Shared with 1 person']);
  });

  it('copies the OData URL of the row', async () => {
    await render([OWNED, SHARED]);
    const copy = jest.spyOn(TestBed.inject(Clipboard), 'copy').mockReturnValue(true);
    await (await button('Copy OData URL of Team contacts')).click();
    expect(copy).toHaveBeenCalledWith('https://feedpass.example/odata/k3yShared/');
  });

  describe('Open in Power BI Desktop and Open in Excel', () => {
    const created: Blob[] = [];
    let clicked: { download: string; href: string }[];
    const { createObjectURL, revokeObjectURL } = URL;

    beforeEach(() => {
      created.length = 0;
      clicked = [];
      // jsdom has neither object URLs nor downloads.
      URL.createObjectURL = jest.fn((blob: Blob) => {
        created.push(blob);
        return 'blob:download';
      });
      URL.revokeObjectURL = jest.fn();
      jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
        this: HTMLAnchorElement,
      ) {
        clicked.push({ download: this.download, href: this.href });
      });
    });

    afterEach(() => {
      jest.restoreAllMocks();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
    });

    it('downloads {name}.pbids pointing Power BI at the row’s OData URL', async () => {
      await render([OWNED, SHARED]);
      await (await button('Open in Power BI Desktop: Team contacts')).click();

      expect(clicked).toEqual([{ download: 'Team contacts.pbids', href: 'blob:download' }]);
      expect(created).toHaveLength(1);
      expect(created[0].type).toBe('application/json');
      expect(await readText(created[0])).toBe(
        '{"version":"0.1","connections":[{"details":{"protocol":"odata","address":' +
          '{"url":"https://feedpass.example/odata/k3yShared/"}},"mode":"Import"}]}',
      );
      expect(fixture.nativeElement.ownerDocument.querySelector('a[download]')).toBeNull();
    });

    it('downloads {name}.odc opening Excel on the row’s OData URL through Power Query', async () => {
      await render([OWNED, SHARED]);
      await (await button('Open in Excel: Team contacts')).click();

      expect(clicked).toEqual([{ download: 'Team contacts.odc', href: 'blob:download' }]);
      expect(created).toHaveLength(1);
      expect(created[0].type).toBe('text/x-ms-odc;charset=utf-8');
      const odc = new DOMParser().parseFromString(await readText(created[0]), 'application/xml');
      const odcText = (name: string) =>
        odc.getElementsByTagNameNS('urn:schemas-microsoft-com:office:odc', name)[0].textContent!;
      expect(odcText('ConnectionString')).toContain(
        'Provider=Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;Location=Team contacts;',
      );
      expect(odcText('PowerQueryMashupData')).toContain(
        'Source = OData.Feed(&quot;https://feedpass.example/odata/k3yShared/&quot;, null, [Implementation=&quot;2.0&quot;])',
      );
      expect(fixture.nativeElement.ownerDocument.querySelector('a[download]')).toBeNull();
    });
  });

  it('deletes only after confirmation', async () => {
    await render([OWNED, SHARED]);
    await (await button('Delete Sales pipeline')).click();
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Delete Sales pipeline?');
    http.expectNone({ method: 'DELETE' });

    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Delete' }))).click();
    const req = http.expectOne('/api/data-sources/ds-1');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();

    expect((await rows())['name'].text).toEqual(['Team contacts']);
  });

  it('keeps the data source when the confirmation is cancelled', async () => {
    await render([OWNED]);
    await (await button('Delete Sales pipeline')).click();
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    http.expectNone('/api/data-sources/ds-1');
    expect((await rows())['name'].text).toEqual(['Sales pipeline']);
  });

  it('shows the API’s message when a delete is refused', async () => {
    await render([OWNED]);
    await (await button('Delete Sales pipeline')).click();
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Delete' }))).click();
    http
      .expectOne('/api/data-sources/ds-1')
      .flush(...apiError(404, 'not_found', 'Data source not found'));
    await fixture.whenStable();
    expect(alert()).toBe('Data source not found');
    expect((await rows())['name'].text).toEqual(['Sales pipeline']);
  });

  it('creates a data source from the catalog with the tables ticked', async () => {
    await render([SHARED]);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Create data source' }))).click();
    const dialog = await root.getHarness(MatDialogHarness);
    http.expectOne('/api/data-sources/catalog').flush(CATALOG);

    const name = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Name' }));
    await ((await name.getControl(MatInputHarness)) as MatInputHarness).setValue('  Deals only ');
    await (await dialog.getHarness(MatCheckboxHarness.with({ label: /^Deals/ }))).check();
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create data source' }))).click();

    const req = http.expectOne({ method: 'POST', url: '/api/data-sources' });
    expect(req.request.body).toEqual({ name: 'Deals only', tables: ['deals'] });
    req.flush(
      dataSource({
        id: 'ds-new',
        name: 'Deals only',
        tables: ['deals'],
        odataUrl: 'https://feedpass.example/odata/n3w/',
      }),
      { status: 201, statusText: 'Created' },
    );
    await fixture.whenStable();

    expect((await rows())['name'].text).toEqual(['Deals only', 'Team contacts']);
    // The guide turns to the new data source.
    expect(fixture.nativeElement.querySelector('[data-testid="guide-url"]').textContent).toBe(
      'https://feedpass.example/odata/n3w/',
    );
  });

  it('shares by username, shows a refusal in the API’s words, and lists the recipient', async () => {
    await render([OWNED]);
    await (await button('Share Sales pipeline')).click();
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Share Sales pipeline');

    const field = await dialog.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Username' }),
    );
    const input = (await field.getControl(MatInputHarness)) as MatInputHarness;
    const share = await dialog.getHarness(MatButtonHarness.with({ text: 'Share' }));

    await input.setValue('someone.elsewhere');
    await share.click();
    const refused = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-1/shares' });
    expect(refused.request.body).toEqual({ username: 'someone.elsewhere' });
    refused.flush(
      ...apiError(
        404,
        'not_found',
        'No user of your tenant has that name; data sources are shared within a tenant only',
      ),
    );
    await fixture.whenStable();
    const dialogAlert = document.querySelector('mat-dialog-container [role="alert"]')!;
    expect(dialogAlert.textContent!.trim()).toBe(
      'No user of your tenant has that name; data sources are shared within a tenant only',
    );

    await input.setValue('demo-admin');
    await share.click();
    http.expectOne('/api/data-sources/ds-1/shares').flush(dataSource({ sharedWith: [ref(ADMIN)] }));
    await fixture.whenStable();

    expect(dialogAlert.textContent!.trim()).toBe('');
    expect(await dialog.getText()).toContain('Ada Admin demo-admin');
    // The page behind the dialog already knows.
    expect((await rows())['name'].text).toEqual(['Sales pipeline Shared with 1 person']);
  });

  it('explains data sources when there are none, with the way to create one', async () => {
    await render([]);
    expect(text()).toContain('No data sources yet');
    expect(text()).toContain(
      'A data source publishes the tables and views you choose as an OData feed with its own URL.',
    );
    const create = await loader.getAllHarnesses(
      MatButtonHarness.with({ text: 'Create data source' }),
    );
    expect(create).toHaveLength(1);
    expect(await loader.getHarnessOrNull(MatTableHarness)).toBeNull();
  });

  it('shows the API’s message when the list cannot be loaded', async () => {
    fixture = TestBed.createComponent(DataSourcesPage);
    TestBed.tick(); // the list loads in an effect
    http
      .expectOne('/api/data-sources')
      .flush(...apiError(503, 'unavailable', 'The database is not reachable.'));
    http.expectOne('/api/data-sources/catalog').flush(CATALOG);
    await fixture.whenStable();
    expect(alert()).toBe('The database is not reachable.');
    expect(text()).not.toContain('No data sources yet');
  });

  it('names the source tables until the catalog answers', async () => {
    fixture = TestBed.createComponent(DataSourcesPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    TestBed.tick(); // the list loads in an effect
    http.expectOne('/api/data-sources').flush({ items: [OWNED] });
    http
      .expectOne('/api/data-sources/catalog')
      .flush(...apiError(500, 'internal', 'Catalog unavailable'));
    await fixture.whenStable();
    expect((await rows())['tables'].text).toEqual(['accounts, deals']);
    expect(alert()).toBe('');
  });

  describe('search, scope and last read', () => {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 350));
    const listRequest = (params: Record<string, string>) =>
      http.expectOne(
        (req) =>
          req.method === 'GET' &&
          req.url === '/api/data-sources' &&
          req.params.keys().length === Object.keys(params).length &&
          Object.entries(params).every(([key, value]) => req.params.get(key) === value),
      );

    it('shows when each data source was last read, in the user’s zone', async () => {
      await render([
        dataSource({ lastReadAt: '2025-01-31T23:30:00Z' }),
        dataSource({ id: 'ds-2', name: 'Unread', lastReadAt: null }),
      ]);
      const cells = await rows();
      // 23:30 UTC is already the next morning in Tokyo.
      expect(cells['lastReadAt'].text[0]).toMatch(/^Feb 1, 2025, 8:30\sAM$/);
      expect(cells['lastReadAt'].text[1]).toBe('Never');
    });

    it('searches by name once the user stops typing', async () => {
      await render([OWNED, SHARED]);
      const search = await loader.getHarness(MatInputHarness.with({ selector: '[type="search"]' }));
      await search.setValue('sal');
      await search.setValue('sales');
      http.expectNone('/api/data-sources');
      await settle();
      TestBed.tick();
      listRequest({ q: 'sales' }).flush({ items: [OWNED] });
      await fixture.whenStable();
      expect((await rows())['name'].text).toEqual(['Sales pipeline']);
    });

    it('asks for the owned or the shared ones, and back to all', async () => {
      await render([OWNED, SHARED]);
      // A click, not the harness: it would wait for the request it starts.
      const toggle = async (name: string) => {
        const buttons = [
          ...(fixture.nativeElement as HTMLElement).querySelectorAll('mat-button-toggle button'),
        ] as HTMLElement[];
        buttons.find((b) => b.textContent!.trim() === name)!.click();
      };

      await toggle('Shared with me');
      TestBed.tick();
      listRequest({ scope: 'shared' }).flush({ items: [SHARED] });
      await fixture.whenStable();
      expect((await rows())['name'].text).toEqual(['Team contacts']);

      await toggle('Owned by me');
      TestBed.tick();
      listRequest({ scope: 'owned' }).flush({ items: [] });
      await fixture.whenStable();
      // Nothing matches; this is not the first-use explanation.
      expect(text()).toContain('No data sources match.');
      expect(text()).not.toContain('No data sources yet');

      await toggle('All');
      TestBed.tick();
      listRequest({}).flush({ items: [OWNED, SHARED] });
      await fixture.whenStable();
      expect((await rows())['name'].text).toEqual(['Sales pipeline', 'Team contacts']);
    });
  });

  describe('Edit, Preview, Clone and Transfer', () => {
    it('offers Edit and Transfer to owners, Preview and Clone to owners and recipients', async () => {
      await render([OWNED, SHARED]);
      for (const label of ['Edit', 'Preview', 'Clone', 'Transfer'])
        expect(
          await loader.getHarnessOrNull(
            MatButtonHarness.with({ selector: `[aria-label="${label} Sales pipeline"]` }),
          ),
        ).not.toBeNull();
      for (const label of ['Preview', 'Clone'])
        expect(await button(`${label} Team contacts`)).not.toBeNull();
      for (const label of ['Edit', 'Transfer'])
        expect(
          await loader.getHarnessOrNull(
            MatButtonHarness.with({ selector: `[aria-label="${label} Team contacts"]` }),
          ),
        ).toBeNull();
    });

    it('saves an edit with one PATCH and shows the new name', async () => {
      await render([OWNED]);
      await (await button('Edit Sales pipeline')).click();
      const dialog = await root.getHarness(MatDialogHarness);
      expect(await dialog.getTitleText()).toBe('Edit Sales pipeline');
      http.expectOne('/api/data-sources/catalog').flush(CATALOG);
      const name = await dialog.getHarness(
        MatInputHarness.with({ selector: '[formControlName="name"]' }),
      );
      await name.setValue('Pipeline');
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();

      const req = http.expectOne({ method: 'PATCH', url: '/api/data-sources/ds-1' });
      expect(req.request.body).toEqual({
        name: 'Pipeline',
        tables: ['accounts', 'deals'],
        rowFilters: {},
      });
      req.flush(dataSource({ name: 'Pipeline' }));
      await fixture.whenStable();
      expect((await rows())['name'].text).toEqual(['Pipeline']);
    });

    it('previews a shared data source’s tables by entity set', async () => {
      await render([SHARED]);
      // A click, not the harness: it would wait for the request the dialog starts.
      (
        fixture.nativeElement.querySelector('[aria-label="Preview Team contacts"]') as HTMLElement
      ).click();
      TestBed.tick();
      const req = http.expectOne((r) => r.url === '/api/data-sources/ds-2/preview');
      expect(req.request.params.get('table')).toBe('contacts');
      expect(req.request.params.get('top')).toBe('20');
      req.flush({
        table: 'contacts',
        entitySet: 'Contacts',
        columns: [{ column: 'id', name: 'Id', type: 'Edm.Int64', nullable: false }],
        rows: [{ Id: '7' }],
        filtered: true,
        rowFilter: null,
      });
      await fixture.whenStable();
      const dialog = await root.getHarness(MatDialogHarness);
      expect(await dialog.getTitleText()).toBe('Preview Team contacts');
      expect(await dialog.getText()).toContain('Row filter applied');
      expect(await (await dialog.getHarness(MatSelectHarness)).getValueText()).toBe('Contacts');
    });

    it('clones under the chosen name and lists the clone', async () => {
      await render([SHARED]);
      await (await button('Clone Team contacts')).click();
      const dialog = await root.getHarness(MatDialogHarness);
      const name = await dialog.getHarness(MatInputHarness);
      expect(await name.getValue()).toBe('Copy of Team contacts');
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Clone' }))).click();

      const req = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-2/clone' });
      expect(req.request.body).toEqual({ name: 'Copy of Team contacts' });
      const clone = dataSource({ id: 'ds-3', name: 'Copy of Team contacts', tables: ['contacts'] });
      req.flush(clone, { status: 201, statusText: 'Created' });
      await fixture.whenStable();
      TestBed.tick();
      http.expectOne('/api/data-sources').flush({ items: [clone, SHARED] });
      await fixture.whenStable();
      expect((await rows())['name'].text).toEqual(['Copy of Team contacts', 'Team contacts']);
    });

    it('transfers by username and shows the data source as shared with the user', async () => {
      await render([OWNED]);
      await (await button('Transfer Sales pipeline')).click();
      const dialog = await root.getHarness(MatDialogHarness);
      await (await dialog.getHarness(MatInputHarness)).setValue('demo-admin');
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Transfer' }))).click();

      const req = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-1/transfer' });
      expect(req.request.body).toEqual({ username: 'demo-admin' });
      const moved = dataSource({ owner: ref(ADMIN), owned: false });
      req.flush(moved);
      await fixture.whenStable();
      TestBed.tick();
      http.expectOne('/api/data-sources').flush({ items: [moved] });
      await fixture.whenStable();
      expect((await rows())['owner'].text).toEqual(['Ada Admin Shared with you']);
    });
  });
});
