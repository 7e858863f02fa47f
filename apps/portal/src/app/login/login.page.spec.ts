import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { provideRouter, Router } from '@angular/router';
import type { SignInOptions } from '@feedpass/contracts';
import { apiError, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { LoginPage, USERNAME_PAUSE_MS } from './login.page';

describe('LoginPage', () => {
  let fixture: ComponentFixture<LoginPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  let navigateByUrl: jest.SpyInstance;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [LoginPage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    navigateByUrl = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    fixture = TestBed.createComponent(LoginPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  afterEach(() => http.verify());

  const PASSWORD_ONLY: SignInOptions = { password: true, sso: null };
  const SSO = {
    tenant: 'acme',
    displayName: 'Contoso',
    startUrl: '/api/auth/oidc/start?tenant=acme',
  };

  const field = (label: string) =>
    loader.getHarnessOrNull(MatFormFieldHarness.with({ floatingLabelText: label }));
  const type = async (label: string, value: string) =>
    ((await (await field(label))!.getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  const button = (text: string | RegExp) =>
    loader.getHarnessOrNull(MatButtonHarness.with({ text }));
  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  /** The first step: the username, Continue, and the API's answer on how it signs in. */
  async function enterUsername(username: string, options = PASSWORD_ONLY): Promise<void> {
    await type('Username', username);
    await (await button('Continue'))!.click();
    const req = http.expectOne((r) => r.url === '/api/auth/sign-in-options');
    expect(req.request.method).toBe('GET');
    expect(req.request.params.get('username')).toBe(username);
    req.flush(options);
    await fixture.whenStable();
  }

  async function signIn(username: string, password: string): Promise<void> {
    await enterUsername(username);
    await type('Password', password);
    await (await button('Sign in'))!.click();
  }

  it('shows the product name', async () => {
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('feedpass');
  });

  it('posts the credentials, keeps the user and goes to /tokens', async () => {
    await signIn('demo-user', 'feedpass-demo');

    const req = http.expectOne('/api/auth/login');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ username: 'demo-user', password: 'feedpass-demo' });
    req.flush({ user: USER });

    expect(TestBed.inject(AuthService).user()).toEqual(USER);
    expect(navigateByUrl).toHaveBeenCalledWith('/tokens');
  });

  it('returns to the page the user wanted', async () => {
    fixture.componentRef.setInput('returnUrl', '/history?type=token.revoked');
    await signIn('demo-user', 'feedpass-demo');
    http.expectOne('/api/auth/login').flush({ user: USER });
    expect(navigateByUrl).toHaveBeenCalledWith('/history?type=token.revoked');
  });

  it('ignores a returnUrl that leaves the site', async () => {
    fixture.componentRef.setInput('returnUrl', '//evil.example/steal');
    await signIn('demo-user', 'feedpass-demo');
    http.expectOne('/api/auth/login').flush({ user: USER });
    expect(navigateByUrl).toHaveBeenCalledWith('/tokens');
  });

  it("shows the API's message when sign-in is refused", async () => {
    await signIn('demo-user', 'wrong-password');
    http
      .expectOne('/api/auth/login')
      .flush(
        ...apiError(429, 'too_many_requests', 'Too many failed attempts. Try again in 60 seconds.'),
      );
    await fixture.whenStable();

    const alert: HTMLElement = fixture.nativeElement.querySelector('[role="alert"]');
    expect(alert.textContent).toContain('Too many failed attempts. Try again in 60 seconds.');
    expect(navigateByUrl).not.toHaveBeenCalled();
    expect(await (await button('Sign in'))!.isDisabled()).toBe(false);
  });

  it('does not post an empty form', async () => {
    await (await button('Continue'))!.click();
    http.expectNone('/api/auth/login');
    http.expectNone((r) => r.url === '/api/auth/sign-in-options');
    expect(fixture.nativeElement.textContent).toContain('Enter your username.');
  });

  it('does not post without a password', async () => {
    await enterUsername('demo-user');
    await (await button('Sign in'))!.click();
    http.expectNone('/api/auth/login');
    expect(await (await field('Password'))!.getTextErrors()).toEqual(['Enter your password.']);
  });

  it('asks for the username first, and only then for the password', async () => {
    await fixture.whenStable();
    expect(await field('Password')).toBeNull();
    expect(await button('Sign in')).toBeNull();
    await enterUsername('nobody-knows-me');
    expect(await field('Password')).not.toBeNull();
    expect(await button('Continue')).toBeNull();
    expect(text()).not.toContain('Sign in with');
  });

  it('asks how the username signs in once typing pauses', async () => {
    await type('Username', 'demo-user');
    http.expectNone((r) => r.url === '/api/auth/sign-in-options');
    await new Promise((resolve) => setTimeout(resolve, USERNAME_PAUSE_MS + 50));
    const req = http.expectOne((r) => r.url === '/api/auth/sign-in-options');
    expect(req.request.params.get('username')).toBe('demo-user');
    req.flush({ password: true, sso: SSO });
    await fixture.whenStable();
    expect(await field('Password')).not.toBeNull();
    expect(await button('Sign in with Contoso')).not.toBeNull();
  });

  it('offers only the SSO button to a tenant that turned passwords off', async () => {
    await enterUsername('sso-user', { password: false, sso: SSO });
    expect(await field('Password')).toBeNull();
    expect(await button('Sign in')).toBeNull();
    expect(await button('Forgot password?')).toBeNull();
    const sso = await button('Sign in with Contoso');
    // A plain link: the whole window goes to the API, which redirects to the provider.
    expect(await (await sso!.host()).getAttribute('href')).toBe('/api/auth/oidc/start?tenant=acme');
  });

  it('offers both the password and the SSO button when the tenant allows both', async () => {
    await enterUsername('both', {
      password: true,
      sso: { ...SSO, displayName: 'Log in with Okta' },
    });
    expect(await field('Password')).not.toBeNull();
    expect(await button('Sign in')).not.toBeNull();
    expect(await button('Log in with Okta')).not.toBeNull();
  });

  it('asks again when the username changes', async () => {
    await enterUsername('sso-user', { password: false, sso: SSO });
    await type('Username', 'demo-user');
    expect(await button('Sign in with Contoso')).toBeNull();
    expect(await button('Continue')).not.toBeNull();
    await (await button('Continue'))!.click();
    http.expectOne((r) => r.url === '/api/auth/sign-in-options').flush(PASSWORD_ONLY);
    await fixture.whenStable();
    expect(await field('Password')).not.toBeNull();
  });

  it('offers the password when the look-up fails', async () => {
    await type('Username', 'demo-user');
    await (await button('Continue'))!.click();
    http
      .expectOne((r) => r.url === '/api/auth/sign-in-options')
      .flush(...apiError(500, 'internal_error', 'Boom'));
    await fixture.whenStable();
    expect(await field('Password')).not.toBeNull();
  });

  it('says to use single sign-on when the tenant refuses passwords', async () => {
    await signIn('demo-user', 'feedpass-demo');
    http
      .expectOne('/api/auth/login')
      .flush(...apiError(401, 'sso_required', 'Your organisation signs in through single sign-on'));
    // The page asks again, which now shows the SSO button.
    http
      .expectOne((r) => r.url === '/api/auth/sign-in-options')
      .flush({ password: false, sso: SSO });
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'Your organisation signs in with single sign-on.',
    );
    expect(await button('Sign in with Contoso')).not.toBeNull();
    expect(navigateByUrl).not.toHaveBeenCalled();
  });

  it.each([
    ['sso_no_account', 'There is no feedpass account for you'],
    ['sso_denied', 'cancelled or refused'],
    ['sso_deactivated', 'has been deactivated'],
    ['sso_unavailable', 'could not be reached'],
    ['sso_invalid', 'expired or was interrupted'],
    ['sso_not_configured', 'not set up for your organisation'],
    ['something_new', 'Single sign-on did not work.'],
  ])('explains ?sso_error=%s in plain words', async (code, words) => {
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[data-testid="sso-error"]')).toBeNull();
    fixture.componentRef.setInput('sso_error', code);
    await fixture.whenStable();
    const alert: HTMLElement = fixture.nativeElement.querySelector('[data-testid="sso-error"]');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain(words);
    expect(alert.textContent).not.toContain(code);
  });

  it('links to the forgotten-password page', async () => {
    const link = await loader.getHarness(MatButtonHarness.with({ text: 'Forgot password?' }));
    expect(await (await link.host()).getAttribute('href')).toBe('/forgot-password');
  });

  it('says the password was changed after a reset, and only then', async () => {
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).not.toContain('Your password has been changed.');
    fixture.componentRef.setInput('passwordReset', 'done');
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="status"]').textContent).toContain(
      'Your password has been changed. Sign in with the new one.',
    );
  });
});
