import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { provideRouter } from '@angular/router';
import { apiError } from '../../testing/fixtures';
import { ForgotPasswordPage } from './forgot-password.page';

describe('ForgotPasswordPage', () => {
  let fixture: ComponentFixture<ForgotPasswordPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [ForgotPasswordPage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ForgotPasswordPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  afterEach(() => http.verify());

  async function ask(username: string): Promise<void> {
    const field = await loader.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Username' }),
    );
    await ((await field.getControl(MatInputHarness)) as MatInputHarness).setValue(username);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Send link' }))).click();
  }
  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';

  it('posts the username and says a link was sent if the account exists', async () => {
    await ask(' demo-user ');
    const req = http.expectOne('/api/auth/password-reset');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ username: 'demo-user' });
    req.flush(null, { status: 202, statusText: 'Accepted' });
    await fixture.whenStable();

    expect(fixture.nativeElement.querySelector('[role="status"]').textContent).toContain(
      'If that account exists, we sent a link',
    );
    expect(await loader.getHarnessOrNull(MatButtonHarness.with({ text: 'Send link' }))).toBeNull();
  });

  it('asks the user to wait when requests are throttled', async () => {
    await ask('demo-user');
    http
      .expectOne('/api/auth/password-reset')
      .flush(
        { statusCode: 429, code: 'too_many_requests', message: 'Too many requests' },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '300' } },
      );
    await fixture.whenStable();

    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'Please wait 5 minutes and try again.',
    );
    expect(text()).not.toContain('If that account exists');
  });

  it('shows any other failure and lets the user try again', async () => {
    await ask('demo-user');
    http
      .expectOne('/api/auth/password-reset')
      .flush(...apiError(503, 'service_unavailable', 'The service is briefly unavailable.'));
    await fixture.whenStable();
    expect(text()).toContain('The service is briefly unavailable.');
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Send link' }))).isDisabled(),
    ).toBe(false);
  });

  it('does not post without a username and links back to sign-in', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Send link' }))).click();
    http.expectNone('/api/auth/password-reset');
    expect(text()).toContain('Enter your username.');
    const back = await loader.getHarness(MatButtonHarness.with({ text: 'Back to sign in' }));
    expect(await (await back.host()).getAttribute('href')).toBe('/login');
  });
});
