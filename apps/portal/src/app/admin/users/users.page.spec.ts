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
import type { UserSummary } from '@feedpass/contracts';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { ADMIN, apiError, summary, USER } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth.service';
import { UsersPage } from './users.page';

describe('UsersPage', () => {
  let fixture: ComponentFixture<UsersPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;

  beforeEach(() => {
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
  });

  async function load(items: UserSummary[]): Promise<void> {
    TestBed.tick();
    http.expectOne('/api/admin/users').flush({ items });
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  const actions = async () => (await rows())['actions'].text.map((t) => t.replace(/\s+/g, ' '));
  const button = (text: string) => loader.getHarnessOrNull(MatButtonHarness.with({ text }));

  describe('with users who have signed in', () => {
    beforeEach(() => load([summary(ADMIN), summary(USER, { createdAt: '2024-07-01T12:00:00Z' })]));

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

    it('offers Edit on every row and Deactivate on other users but not on the admin’s own', async () => {
      expect(await actions()).toEqual(['Edit', 'Edit Deactivate']);
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
      expect(await actions()).toEqual(['Edit', 'Edit Reactivate']);
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

    it('edits a user in a dialog and shows the saved details', async () => {
      await (await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Edit' })))[1].click();
      const dialog = await root.getHarness(MatDialogHarness);
      expect(await dialog.getTitleText()).toBe('Edit demo-user');
      const name = await dialog.getHarness(
        MatFormFieldHarness.with({ floatingLabelText: 'Display name' }),
      );
      await ((await name.getControl(MatInputHarness)) as MatInputHarness).setValue('Uma Renamed');
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();

      const req = http.expectOne('/api/admin/users/u-user');
      expect(req.request.body).toEqual({ displayName: 'Uma Renamed' });
      req.flush(summary(USER, { displayName: 'Uma Renamed' }));
      await fixture.whenStable();
      expect((await rows())['displayName'].text).toEqual(['Ada Admin', 'Uma Renamed']);
    });
  });

  describe('with a pending invitation', () => {
    const invited = (expired: boolean) =>
      summary(USER, {
        invitation: {
          sentAt: '2024-07-01T12:00:00Z',
          expiresAt: '2024-07-08T12:00:00Z',
          expired,
        },
      });

    it('shows when it was sent and when it expires, with Resend and Cancel instead of Deactivate', async () => {
      await load([summary(ADMIN), invited(false)]);
      const status = (await rows())['status'].text[1].replace(/\s+/g, ' ');
      expect(status).toBe('Invited Sent Jul 1, 2024, 9:00 PM · expires Jul 8, 2024, 9:00 PM');
      expect(await actions()).toEqual(['Edit', 'Edit Resend Cancel']);
    });

    it('says when it has expired', async () => {
      await load([summary(ADMIN), invited(true)]);
      expect((await rows())['status'].text[1]).toMatch(/^Invitation expired\s+Sent .* · expired /);
    });

    it('resends it and shows the new dates', async () => {
      await load([summary(ADMIN), invited(true)]);
      await (await button('Resend'))!.click();
      const req = http.expectOne('/api/admin/users/u-user/invitation/resend');
      expect(req.request.method).toBe('POST');
      req.flush(
        summary(USER, {
          invitation: {
            sentAt: '2024-08-01T00:00:00Z',
            expiresAt: '2024-08-08T00:00:00Z',
            expired: false,
          },
        }),
      );
      await fixture.whenStable();
      expect((await rows())['status'].text[1]).toMatch(/^Invited\s+Sent Aug 1, 2024/);
    });

    it('cancels it after confirmation and reloads the list', async () => {
      await load([summary(ADMIN), invited(false)]);
      await (await button('Cancel'))!.click();
      const dialog = await root.getHarness(MatDialogHarness);
      expect(await dialog.getTitleText()).toBe('Cancel the invitation for demo-user?');
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel invitation' }))).click();

      const req = http.expectOne('/api/admin/users/u-user/invitation');
      expect(req.request.method).toBe('DELETE');
      req.flush(null, { status: 204, statusText: 'No Content' });
      await load([
        summary(ADMIN),
        summary(USER, { status: 'deactivated', deactivatedAt: '2024-08-01T00:00:00Z' }),
      ]);
      expect((await rows())['status'].text).toEqual(['Active', 'Deactivated']);
    });

    it('keeps the invitation when the confirmation is dismissed', async () => {
      await load([summary(ADMIN), invited(false)]);
      await (await button('Cancel'))!.click();
      const dialog = await root.getHarness(MatDialogHarness);
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
      http.expectNone('/api/admin/users/u-user/invitation');
    });
  });
});
