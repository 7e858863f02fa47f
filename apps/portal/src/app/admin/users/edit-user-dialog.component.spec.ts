import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { UserSummary } from '@feedpass/contracts';
import { ADMIN, apiError, summary, USER } from '../../../testing/fixtures';
import { EditUserDialogComponent } from './edit-user-dialog.component';

describe('EditUserDialogComponent', () => {
  let fixture: ComponentFixture<EditUserDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  function open(user: UserSummary): void {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [EditUserDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
        { provide: MAT_DIALOG_DATA, useValue: user },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(EditUserDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  afterEach(() => http.verify());

  const field = (label: string) =>
    loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const type = async (label: string, value: string) =>
    ((await (await field(label)).getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  const role = async () =>
    (await (await field('Role')).getControl(MatSelectHarness)) as MatSelectHarness;
  const button = (text: string) => loader.getHarnessOrNull(MatButtonHarness.with({ text }));
  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';

  it('starts from the user’s details', async () => {
    open(summary(USER));
    const name = (await (
      await field('Display name')
    ).getControl(MatInputHarness)) as MatInputHarness;
    expect(await name.getValue()).toBe('Uma User');
    expect(await (await role()).getValueText()).toBe('User');
    expect(await (await loader.getHarness(MatAutocompleteHarness)).getValue()).toBe('Asia/Tokyo');
  });

  it('sends only what changed and closes with the updated user', async () => {
    open(summary(USER));
    await type('Email', 'uma@example.org');
    await (await role()).open();
    await (await role()).clickOptions({ text: 'Admin' });
    const zone = await loader.getHarness(MatAutocompleteHarness);
    await zone.clear();
    await zone.enterText('Europe/Lis');
    await zone.selectOption({ text: 'Europe/Lisbon' });
    await (await button('Save'))!.click();

    const req = http.expectOne('/api/admin/users/u-user');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({
      email: 'uma@example.org',
      role: 'admin',
      timeZone: 'Europe/Lisbon',
    });
    const updated = summary(USER, { email: 'uma@example.org', role: 'admin' });
    req.flush(updated);
    expect(close).toHaveBeenCalledWith(updated);
  });

  it('closes without a call when nothing changed', async () => {
    open(summary(USER));
    await (await button('Save'))!.click();
    http.expectNone('/api/admin/users/u-user');
    expect(close).toHaveBeenCalledWith();
  });

  it('says under the role why the last admin cannot be demoted, and stays open', async () => {
    open(summary(ADMIN));
    await (await role()).open();
    await (await role()).clickOptions({ text: 'User' });
    await (await button('Save'))!.click();
    http
      .expectOne('/api/admin/users/u-admin')
      .flush(...apiError(400, 'last_admin', 'The last active admin cannot be demoted.'));
    await fixture.whenStable();

    expect(await (await field('Role')).getTextErrors()).toEqual([
      'The last active admin cannot be demoted.',
    ]);
    expect(close).not.toHaveBeenCalled();
  });

  it('sends a password reset link and says where it went', async () => {
    open(summary(USER));
    await (await button('Send password reset link'))!.click();
    const req = http.expectOne('/api/admin/users/u-user/password-reset');
    expect(req.request.method).toBe('POST');
    req.flush(null, { status: 202, statusText: 'Accepted' });
    await fixture.whenStable();
    expect(text()).toContain('Sent a password reset link to user@example.com.');
    expect(close).not.toHaveBeenCalled();
  });

  it('offers no reset link to someone who has not accepted an invitation yet', async () => {
    open(
      summary(USER, {
        invitation: {
          sentAt: '2024-01-01T00:00:00Z',
          expiresAt: '2024-01-08T00:00:00Z',
          expired: false,
        },
      }),
    );
    expect(await button('Send password reset link')).toBeNull();
  });
});
