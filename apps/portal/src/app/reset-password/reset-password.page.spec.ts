import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Location } from '@angular/common';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { provideRouter, Router } from '@angular/router';
import { apiError } from '../../testing/fixtures';
import { ResetPasswordPage } from './reset-password.page';

const SECRET = 'a'.repeat(64);

describe('ResetPasswordPage', () => {
  let fixture: ComponentFixture<ResetPasswordPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  let navigate: jest.SpyInstance;
  let replaceState: jest.SpyInstance;

  function open(hash: string): void {
    window.history.replaceState(null, '', `/reset-password${hash}`);
    TestBed.configureTestingModule({
      imports: [ResetPasswordPage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    replaceState = jest.spyOn(TestBed.inject(Location), 'replaceState');
    fixture = TestBed.createComponent(ResetPasswordPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  afterEach(() => {
    http.verify();
    window.history.replaceState(null, '', '/');
  });

  const type = async (label: string, value: string) => {
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    await ((await field.getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  };
  async function choose(password: string, confirm = password): Promise<void> {
    await type('New password', password);
    await type('Confirm new password', confirm);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Set password' }))).click();
  }
  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';

  it('sends the secret from the fragment with the new password, then goes to sign-in', async () => {
    open(`#${SECRET}`);
    // The secret leaves the address bar as soon as it is read.
    expect(replaceState).toHaveBeenCalledWith('/reset-password');
    await choose('correct-horse-battery');

    const req = http.expectOne('/api/auth/password-reset/complete');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ token: SECRET, newPassword: 'correct-horse-battery' });
    req.flush(null, { status: 204, statusText: 'No Content' });
    expect(navigate).toHaveBeenCalledWith(['/login'], { queryParams: { passwordReset: 'done' } });
  });

  it('refuses passwords that do not match, or are too short, without calling the API', async () => {
    open(`#${SECRET}`);
    await choose('correct-horse-battery', 'correct-horse-batterie');
    http.expectNone('/api/auth/password-reset/complete');
    expect(text()).toContain('The passwords do not match.');

    await choose('short', 'short');
    http.expectNone('/api/auth/password-reset/complete');
    expect(text()).toContain('At least 12 characters.');
  });

  it('says an expired or used link is no good and offers to request a new one', async () => {
    open(`#${SECRET}`);
    await choose('correct-horse-battery');
    http
      .expectOne('/api/auth/password-reset/complete')
      .flush(...apiError(400, 'invalid_link', 'This link is not valid'));
    await fixture.whenStable();

    expect(text()).toContain('This link has expired or has already been used.');
    const again = await loader.getHarness(MatButtonHarness.with({ text: 'Request a new link' }));
    expect(await (await again.host()).getAttribute('href')).toBe('/forgot-password');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('says so at once when the link carries no secret', async () => {
    open('');
    await fixture.whenStable();
    expect(text()).toContain('This link has expired or has already been used.');
    expect(
      await loader.getHarnessOrNull(MatButtonHarness.with({ text: 'Set password' })),
    ).toBeNull();
  });

  it('shows the password rule under the field when the API calls it weak', async () => {
    open(`#${SECRET}`);
    await choose('correct-horse-battery');
    http
      .expectOne('/api/auth/password-reset/complete')
      .flush(...apiError(400, 'weak_password', 'newPassword must be 12 to 256 characters'));
    await fixture.whenStable();
    const field = await loader.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'New password' }),
    );
    expect(await field.getTextErrors()).toEqual(['newPassword must be 12 to 256 characters']);
  });
});
