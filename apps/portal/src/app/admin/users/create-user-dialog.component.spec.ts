import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { apiError, summary, USER } from '../../../testing/fixtures';
import { CreateUserDialogComponent } from './create-user-dialog.component';

describe('CreateUserDialogComponent', () => {
  let fixture: ComponentFixture<CreateUserDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  beforeEach(() => {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [CreateUserDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CreateUserDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  afterEach(() => http.verify());

  const field = (label: string) =>
    loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const type = async (label: string, value: string) =>
    ((await (await field(label)).getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  const submit = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Create user' }))).click();

  async function fill(password = 'correct-horse-battery'): Promise<void> {
    await type('Username', 'new.person');
    await type('Display name', 'New Person');
    await type('Email', 'new@example.com');
    await type('Password', password);
  }

  it('defaults to the user role and UTC', async () => {
    const role = (await (await field('Role')).getControl(MatSelectHarness)) as MatSelectHarness;
    const zone = (await (await field('Time zone')).getControl(MatInputHarness)) as MatInputHarness;
    expect(await role.getValueText()).toBe('User');
    expect(await zone.getValue()).toBe('UTC');
  });

  it('refuses a time zone that is not in the list without calling the API', async () => {
    await fill();
    await type('Time zone', 'Mars/Olympus');
    await submit();
    http.expectNone('/api/admin/users');
    expect(await (await field('Time zone')).getTextErrors()).toEqual([
      'Choose a time zone from the list.',
    ]);
  });

  it('posts the new user and closes with what the API created', async () => {
    await fill();
    const role = (await (await field('Role')).getControl(MatSelectHarness)) as MatSelectHarness;
    await role.open();
    await role.clickOptions({ text: 'Admin' });
    await submit();

    const req = http.expectOne('/api/admin/users');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({
      username: 'new.person',
      displayName: 'New Person',
      email: 'new@example.com',
      role: 'admin',
      password: 'correct-horse-battery',
      timeZone: 'UTC',
    });
    const created = summary(USER, { username: 'new.person' });
    req.flush(created, { status: 201, statusText: 'Created' });
    expect(close).toHaveBeenCalledWith(created);
  });

  it('refuses a password shorter than 12 characters without calling the API', async () => {
    await fill('short-pass1');
    await submit();
    http.expectNone('/api/admin/users');
    expect(await (await field('Password')).getTextErrors()).toEqual(['At least 12 characters.']);
  });

  it('shows the server’s message and stays open when the username is taken', async () => {
    await fill();
    await submit();
    http
      .expectOne('/api/admin/users')
      .flush(...apiError(409, 'username_taken', 'The username "new.person" is already taken.'));
    await fixture.whenStable();

    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'The username "new.person" is already taken.',
    );
    expect(close).not.toHaveBeenCalled();
  });

  it('invites without a password: the field goes and the API is asked to send the link', async () => {
    await type('Username', 'new.person');
    await type('Display name', 'New Person');
    await type('Email', 'new@example.com');
    await (
      await loader.getHarness(MatCheckboxHarness.with({ label: /Email an invitation/ }))
    ).check();
    expect(
      await loader.getHarnessOrNull(MatFormFieldHarness.with({ floatingLabelText: 'Password' })),
    ).toBeNull();
    expect(fixture.nativeElement.textContent).toContain('It works for 7 days');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Invite' }))).click();

    const req = http.expectOne('/api/admin/users');
    expect(req.request.body).toEqual({
      username: 'new.person',
      displayName: 'New Person',
      email: 'new@example.com',
      role: 'user',
      invite: true,
      timeZone: 'UTC',
    });
    const created = summary(USER, {
      username: 'new.person',
      invitation: {
        sentAt: '2024-08-01T00:00:00Z',
        expiresAt: '2024-08-08T00:00:00Z',
        expired: false,
      },
    });
    req.flush(created, { status: 201, statusText: 'Created' });
    expect(close).toHaveBeenCalledWith(created);
  });
});
