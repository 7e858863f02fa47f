import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MAT_DIALOG_DATA } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import type { DataSource, UserRef } from '@feedpass/contracts';
import { apiError } from '../../testing/fixtures';
import { ShareDataSourceDialogComponent } from './share-data-source-dialog.component';

const OWNER: UserRef = { id: 'u-user', username: 'demo-user', displayName: 'Uma User' };
const ADA: UserRef = { id: 'u-ada', username: 'ada', displayName: 'Ada Admin' };
const BEN: UserRef = { id: 'u-ben', username: 'ben', displayName: 'Ben Analyst' };

const SOURCE: DataSource = {
  id: 'ds-1',
  name: 'Sales pipeline',
  tables: ['deals'],
  owner: OWNER,
  owned: true,
  odataUrl: 'https://feedpass.example/odata/k3y/',
  sharedWith: [ADA],
  rowFilters: {},
  lastReadAt: null,
  createdAt: '2024-01-01T00:00:00Z',
};

describe('ShareDataSourceDialogComponent', () => {
  let fixture: ComponentFixture<ShareDataSourceDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  let changes: DataSource[];

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ShareDataSourceDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: SOURCE },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ShareDataSourceDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    changes = [];
    fixture.componentInstance.changed.subscribe((source) => changes.push(source));
  });

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const alert = () =>
    (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')!.textContent!.trim();
  async function shareWith(username: string): Promise<void> {
    const field = await loader.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Username' }),
    );
    await ((await field.getControl(MatInputHarness)) as MatInputHarness).setValue(username);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Share' }))).click();
  }

  it('lists the current recipients, each with a Remove button', async () => {
    await fixture.whenStable();
    expect(text()).toContain('Ada Admin ada');
    const remove = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Remove' }));
    expect(remove).toHaveLength(1);
    expect(await (await remove[0].host()).getAttribute('aria-label')).toBe('Remove Ada Admin');
  });

  it('posts the username and shows the new recipient', async () => {
    await shareWith('  ben ');
    const req = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-1/shares' });
    expect(req.request.body).toEqual({ username: 'ben' });
    const updated = { ...SOURCE, sharedWith: [ADA, BEN] };
    req.flush(updated);
    await fixture.whenStable();

    expect(text()).toContain('Ben Analyst ben');
    expect(text()).toContain('Shared with Ben Analyst.');
    expect(changes).toEqual([updated]);
  });

  it.each([
    [404, 'not_found', 'User not found'],
    [400, 'cannot_share_with_self', 'You own this data source already'],
    [
      404,
      'not_found',
      'No user of your tenant has that name; data sources are shared within a tenant only',
    ],
  ])('shows the API’s message for %s %s', async (status, code, message) => {
    await shareWith('nobody');
    http.expectOne('/api/data-sources/ds-1/shares').flush(...apiError(status, code, message));
    await fixture.whenStable();
    expect(alert()).toBe(message);
    expect(changes).toEqual([]);
  });

  it('does not post an empty username', async () => {
    await shareWith('   ');
    http.expectNone('/api/data-sources/ds-1/shares');
  });

  it('removes a recipient with DELETE and drops them from the list', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Remove' }))).click();
    const req = http.expectOne('/api/data-sources/ds-1/shares/u-ada');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();

    expect(text()).not.toContain('Ada Admin ada');
    expect(text()).toContain('Nobody yet.');
    expect(changes).toEqual([{ ...SOURCE, sharedWith: [] }]);
  });

  it('keeps the recipient and shows the message when removing fails', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Remove' }))).click();
    http
      .expectOne('/api/data-sources/ds-1/shares/u-ada')
      .flush(...apiError(404, 'not_found', 'Data source not found'));
    await fixture.whenStable();
    expect(alert()).toBe('Data source not found');
    expect(text()).toContain('Ada Admin ada');
  });
});
