import { Clipboard } from '@angular/cdk/clipboard';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { provideRouter } from '@angular/router';
import type { DataSource } from '@feedpass/contracts';
import { ConnectPowerBiComponent } from './connect-power-bi.component';

function dataSource(id: string, name: string): DataSource {
  return {
    id,
    name,
    tables: ['deals'],
    owner: { id: 'u-user', username: 'demo-user', displayName: 'Uma User' },
    owned: true,
    odataUrl: `https://feedpass.example/odata/${id}/`,
    sharedWith: [],
    rowFilters: {},
    lastReadAt: null,
    createdAt: '2024-01-01T00:00:00Z',
  };
}

describe('ConnectPowerBiComponent', () => {
  let fixture: ComponentFixture<ConnectPowerBiComponent>;
  let loader: HarnessLoader;

  async function render(sources: DataSource[], selectedId: string | null = null): Promise<void> {
    fixture = TestBed.createComponent(ConnectPowerBiComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    fixture.componentRef.setInput('sources', sources);
    fixture.componentRef.setInput('username', 'uma.user');
    fixture.componentRef.setInput('selectedId', selectedId);
    await fixture.whenStable();
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ConnectPowerBiComponent],
      providers: [provideRouter([])],
    });
  });

  const el = () => fixture.nativeElement as HTMLElement;
  const text = () => el().textContent!.replace(/\s+/g, ' ');
  const url = () => el().querySelector('[data-testid="guide-url"]')?.textContent;

  it('fills in the user’s username for Desktop, the service and the troubleshooting hints', async () => {
    await render([dataSource('a', 'Sales')]);
    expect(el().querySelector('[data-testid="guide-username"]')!.textContent).toBe('uma.user');
    expect(text()).toContain(
      'Enter uma.user as the User name and an access token as the Password.',
    );
    expect(text()).toContain(
      'Choose Basic, enter uma.user as the User name, paste an access token as the Password, and sign in.',
    );
    expect(text()).toContain('use uma.user with one of your own tokens');
  });

  it('walks through Desktop and the Power BI service', async () => {
    await render([dataSource('a', 'Sales')]);
    expect(text()).toContain('Get data → OData feed and paste the OData URL');
    expect(text()).toContain('When Power BI asks how to sign in, choose Basic.');
    expect(text()).toContain('Settings → Data source credentials → Edit credentials');
    expect(text()).toContain('Mint a separate token for the service');
    expect(text()).toContain('If Power BI reports 401 Unauthorized');
    expect(text()).toContain(
      'Desktop refreshes but the service gets 401: the credentials stored in the service use a token that has expired or been revoked, or a different user name.',
    );
    expect(text()).toContain('A revoked or expired token fails on the next refresh.');
  });

  it('walks through Excel, from the .odc or Get Data, with the user’s username', async () => {
    await render([dataSource('a', 'Sales')]);
    expect(el().querySelector('h2')!.textContent).toBe('Connect Power BI or Excel');
    const headings = [...el().querySelectorAll('h3')].map((h) => h.textContent);
    expect(headings).toContain('Excel');
    expect(text()).toContain(
      'Select Open in Excel next to the data source to open Excel on the feed',
    );
    expect(text()).toContain(
      'Data → Get Data → From Other Sources → From OData Feed and paste the OData URL.',
    );
    expect(text()).toContain(
      'When Excel asks how to sign in, choose Basic, enter uma.user as the User name and an access token as the Password.',
    );
  });

  it('tells how to add related tables and where the relationships show', async () => {
    await render([dataSource('a', 'Sales')]);
    const related = el()
      .querySelector('[data-testid="guide-relationships"]')!
      .textContent!.replace(/\s+/g, ' ');
    expect(related).toContain('Deals → Account and Contacts → Account');
    expect(related).toContain(
      "In Power BI Desktop's Navigator, tick a table and choose Select Related Tables",
    );
    expect(related).toContain('the Model view shows the relationships');
    expect(related).toContain(
      "Excel's Power Query Navigator offers the same Select Related Tables",
    );
  });

  it('links to Access Tokens for the password', async () => {
    await render([]);
    const links = [...el().querySelectorAll('a')].map((a) => [
      a.textContent,
      a.getAttribute('href'),
    ]);
    expect(links).toContainEqual(['Access Tokens', '/tokens']);
    expect(links).toContainEqual(['History', '/history']);
  });

  it('uses a placeholder for the URL while there is no data source', async () => {
    await render([]);
    expect(url()).toBeUndefined();
    expect(text()).toContain('the OData URL of your data source (create one first)');
    expect(await loader.getHarnessOrNull(MatSelectHarness)).toBeNull();
  });

  it('shows the first data source’s URL, and another one when chosen', async () => {
    await render([dataSource('a', 'Sales'), dataSource('b', 'Contacts')]);
    expect(url()).toBe('https://feedpass.example/odata/a/');

    const select = await loader.getHarness(MatSelectHarness);
    await select.open();
    await select.clickOptions({ text: 'Contacts' });
    expect(url()).toBe('https://feedpass.example/odata/b/');
    expect(fixture.componentInstance.selectedId()).toBe('b');
  });

  it('follows the data source chosen on the page, and falls back when it is gone', async () => {
    await render([dataSource('a', 'Sales'), dataSource('b', 'Contacts')], 'b');
    expect(url()).toBe('https://feedpass.example/odata/b/');
    fixture.componentRef.setInput('sources', [dataSource('a', 'Sales')]);
    await fixture.whenStable();
    expect(url()).toBe('https://feedpass.example/odata/a/');
  });

  it('copies the URL', async () => {
    await render([dataSource('a', 'Sales')]);
    const copy = jest.spyOn(TestBed.inject(Clipboard), 'copy').mockReturnValue(true);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Copy URL' }))).click();
    expect(copy).toHaveBeenCalledWith('https://feedpass.example/odata/a/');
    expect(text()).toContain('Copied.');
  });
});
