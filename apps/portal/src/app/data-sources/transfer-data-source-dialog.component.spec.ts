import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { DataSource } from '@feedpass/contracts';
import { ADMIN, apiError, summary, USER } from '../../testing/fixtures';
import {
  TransferDataSourceDialogComponent,
  type TransferDialogData,
} from './transfer-data-source-dialog.component';

const OWNER = { id: 'u-ann', username: 'ann', displayName: 'Ann Owner' };
const SOURCE = { id: 'ds-1', name: 'Sales pipeline', owner: OWNER };

describe('TransferDataSourceDialogComponent', () => {
  let fixture: ComponentFixture<TransferDataSourceDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  async function open(data: TransferDialogData): Promise<void> {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [TransferDataSourceDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
        { provide: MAT_DIALOG_DATA, useValue: data },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TransferDataSourceDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    TestBed.tick();
  }

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const alert = () =>
    (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')!.textContent!.trim();
  const submit = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Transfer' }))).click();

  describe('by username (an owner)', () => {
    beforeEach(() => open({ source: SOURCE }));

    it('posts the username and closes with the data source', async () => {
      expect(text()).toContain('You keep read access');
      await (await loader.getHarness(MatInputHarness)).setValue(' bob ');
      await submit();
      const req = http.expectOne({ method: 'POST', url: '/api/data-sources/ds-1/transfer' });
      expect(req.request.body).toEqual({ username: 'bob' });
      const moved = { id: 'ds-1', name: 'Sales pipeline' } as DataSource;
      req.flush(moved);
      expect(close).toHaveBeenCalledWith(moved);
    });

    it('asks for a username first', async () => {
      await submit();
      http.expectNone('/api/data-sources/ds-1/transfer');
      expect(alert()).toBe('Enter a username.');
    });

    it.each([
      [400, 'user_deactivated', '“bob” is deactivated. Transfer it to an active user.'],
      [400, 'already_owner', '“bob” owns this data source already.'],
      [404, 'not_found', 'No user of your organisation has the username “bob”.'],
      [500, 'internal_error', 'Something broke'],
    ])('explains a %s %s', async (status, code, message) => {
      await (await loader.getHarness(MatInputHarness)).setValue('bob');
      await submit();
      http
        .expectOne('/api/data-sources/ds-1/transfer')
        .flush(...apiError(status, code, 'Something broke'));
      await fixture.whenStable();
      expect(alert()).toBe(message);
      expect(close).not.toHaveBeenCalled();
    });
  });

  describe('from the list (an admin)', () => {
    beforeEach(() => open({ source: SOURCE, pickFromList: true, ownerDeactivated: true }));

    it('offers the active users and posts the chosen one’s id', async () => {
      http.expectOne('/api/admin/users').flush({
        items: [summary(ADMIN), summary(USER, { status: 'deactivated' })],
      });
      await fixture.whenStable();
      expect(text()).toContain('Ann Owner is deactivated: recipients keep reading it meanwhile.');
      const select = await loader.getHarness(MatSelectHarness);
      await select.open();
      expect(await Promise.all((await select.getOptions()).map((o) => o.getText()))).toEqual([
        'Choose a user',
        'Ada Admin (demo-admin)',
      ]);
      await select.clickOptions({ text: 'Ada Admin (demo-admin)' });
      await submit();
      const req = http.expectOne('/api/data-sources/ds-1/transfer');
      expect(req.request.body).toEqual({ userId: ADMIN.id });
    });

    it('asks for a choice first', async () => {
      http.expectOne('/api/admin/users').flush({ items: [summary(ADMIN)] });
      await fixture.whenStable();
      await submit();
      http.expectNone('/api/data-sources/ds-1/transfer');
      expect(alert()).toBe('Choose the new owner.');
    });
  });
});
