import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { ADMIN, apiError, summary, USER } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth.service';
import { UsersPage } from './users.page';

describe('UsersPage', () => {
  let fixture: ComponentFixture<UsersPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [UsersPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(ADMIN) } },
        // Dialogs report `afterClosed` once their exit animation ends; skip it.
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UsersPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    TestBed.tick();
    http
      .expectOne('/api/admin/users')
      .flush({ items: [summary(ADMIN), summary(USER, { createdAt: '2024-07-01T12:00:00Z' })] });
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  const button = (text: string) => loader.getHarnessOrNull(MatButtonHarness.with({ text }));

  it('lists the users with dates in the signed-in admin’s time zone', async () => {
    expect(fixture.nativeElement.querySelector('h1').textContent).toBe('Users');
    const cells = await rows();
    expect(cells['username'].text).toEqual(['demo-admin', 'demo-user']);
    expect(cells['displayName'].text).toEqual(['Ada Admin', 'Uma User']);
    expect(cells['email'].text).toEqual(['admin@example.com', 'user@example.com']);
    expect(cells['role'].text).toEqual(['Admin', 'User']);
    expect(cells['status'].text).toEqual(['Active', 'Active']);
    // 2024-01-01T23:30Z is already 2 January in Tokyo.
    expect(cells['createdAt'].text[0].replace(/\s/g, ' ')).toBe('Jan 2, 2024, 8:30 AM');
  });

  it('offers Deactivate on other users but not on the admin’s own row', async () => {
    const cells = await rows();
    expect(cells['actions'].text).toEqual(['', 'Deactivate']);
    const buttons = await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Deactivate' }));
    expect(buttons.length).toBe(1);
  });

  it('deactivates after confirmation and then offers Reactivate', async () => {
    await (await button('Deactivate'))!.click();
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Deactivate demo-user?');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Deactivate' }))).click();

    const req = http.expectOne('/api/admin/users/u-user/deactivate');
    expect(req.request.method).toBe('POST');
    req.flush(summary(USER, { status: 'deactivated', deactivatedAt: '2024-08-01T00:00:00Z' }));
    await fixture.whenStable();

    const cells = await rows();
    expect(cells['status'].text).toEqual(['Active', 'Deactivated']);
    expect(cells['actions'].text).toEqual(['', 'Reactivate']);
  });

  it('does nothing when the confirmation is cancelled', async () => {
    await (await button('Deactivate'))!.click();
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    http.expectNone('/api/admin/users/u-user/deactivate');
    expect((await rows())['status'].text).toEqual(['Active', 'Active']);
  });

  it('shows the API’s message when an action is refused', async () => {
    await (await button('Deactivate'))!.click();
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Deactivate' }))).click();
    http
      .expectOne('/api/admin/users/u-user/deactivate')
      .flush(...apiError(404, 'not_found', 'That user does not exist.'));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'That user does not exist.',
    );
  });
});
