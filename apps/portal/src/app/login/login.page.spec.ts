import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { provideRouter, Router } from '@angular/router';
import { apiError, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { LoginPage } from './login.page';

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

  async function signIn(username: string, password: string): Promise<void> {
    for (const [label, value] of [
      ['Username', username],
      ['Password', password],
    ]) {
      const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
      await ((await field.getControl(MatInputHarness)) as MatInputHarness).setValue(value);
    }
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }))).click();
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
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }))).isDisabled(),
    ).toBe(false);
  });

  it('does not post an empty form', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }))).click();
    http.expectNone('/api/auth/login');
    expect(fixture.nativeElement.textContent).toContain('Enter your username.');
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
