import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import type { DataSource } from '@feedpass/contracts';
import { apiError } from '../../testing/fixtures';
import { CloneDataSourceDialogComponent } from './clone-data-source-dialog.component';

const SOURCE: DataSource = {
  id: 'ds-1',
  name: 'Sales pipeline',
  tables: ['deals'],
  owner: { id: 'u-admin', username: 'demo-admin', displayName: 'Ada Admin' },
  owned: false,
  odataUrl: 'https://feedpass.example/odata/k3y/',
  sharedWith: [],
  rowFilters: {},
  lastReadAt: null,
  createdAt: '2024-01-01T00:00:00Z',
};

describe('CloneDataSourceDialogComponent', () => {
  let fixture: ComponentFixture<CloneDataSourceDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  beforeEach(async () => {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [CloneDataSourceDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
        { provide: MAT_DIALOG_DATA, useValue: SOURCE },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CloneDataSourceDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const name = () => loader.getHarness(MatInputHarness);
  const submit = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Clone' }))).click();

  it('proposes "Copy of <name>" and posts it', async () => {
    expect(await (await name()).getValue()).toBe('Copy of Sales pipeline');
    await submit();
    const req = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-1/clone' });
    expect(req.request.body).toEqual({ name: 'Copy of Sales pipeline' });
    const created = { ...SOURCE, id: 'ds-2', name: 'Copy of Sales pipeline', owned: true };
    req.flush(created, { status: 201, statusText: 'Created' });
    expect(close).toHaveBeenCalledWith(created);
  });

  it('posts the name the user typed, trimmed', async () => {
    await (await name()).setValue('  My pipeline ');
    await submit();
    expect(http.expectOne('/api/data-sources/ds-1/clone').request.body).toEqual({
      name: 'My pipeline',
    });
  });

  it('requires a name', async () => {
    await (await name()).setValue('   ');
    await submit();
    http.expectNone('/api/data-sources/ds-1/clone');
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Name' }));
    expect(await field.getTextErrors()).toEqual(['Enter a name.']);
  });

  it('shows the API’s message and stays open when the clone is refused', async () => {
    await submit();
    http
      .expectOne('/api/data-sources/ds-1/clone')
      .flush(...apiError(404, 'not_found', 'Data source not found'));
    await fixture.whenStable();
    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')!.textContent!.trim(),
    ).toBe('Data source not found');
    expect(close).not.toHaveBeenCalled();
  });
});
