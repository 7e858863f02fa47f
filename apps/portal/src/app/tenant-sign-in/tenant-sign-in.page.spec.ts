import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { provideRouter, Router } from '@angular/router';
import type { TenantSignIn } from '@feedpass/contracts';
import { apiError, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { TenantSignInPage } from './tenant-sign-in.page';

const SSO = {
  tenant: 'acme',
  displayName: 'Acme SSO',
  startUrl: '/api/auth/oidc/start?tenant=acme',
};
const ACME: TenantSignIn = { slug: 'acme', name: 'Acme Corp', password: true, sso: SSO };

describe('TenantSignInPage', () => {
  let fixture: ComponentFixture<TenantSignInPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  let navigateByUrl: jest.SpyInstance;

  async function render(slug: string, answer: TenantSignIn | 'missing' | 'broken'): Promise<void> {
    TestBed.configureTestingModule({
      imports: [TenantSignInPage],
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    navigateByUrl = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    fixture = TestBed.createComponent(TenantSignInPage);
    fixture.componentRef.setInput('slug', slug);
    loader = TestbedHarnessEnvironment.loader(fixture);
    TestBed.tick();
    const req = http.expectOne(`/api/auth/tenants/${encodeURIComponent(slug)}`);
    expect(req.request.method).toBe('GET');
    if (answer === 'missing') req.flush(...apiError(404, 'not_found', 'Tenant not found'));
    else if (answer === 'broken') req.flush(...apiError(500, 'internal_error', 'Server trouble'));
    else req.flush(answer);
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const heading = () => (fixture.nativeElement as HTMLElement).querySelector('h1')!.textContent;
  const field = (label: string) =>
    loader.getHarnessOrNull(MatFormFieldHarness.with({ floatingLabelText: label }));
  const type = async (label: string, value: string) =>
    ((await (await field(label))!.getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  const button = (text: string) => loader.getHarnessOrNull(MatButtonHarness.with({ text }));

  it('shows the organisation’s name, its SSO button and the password form', async () => {
    await render('acme', ACME);
    expect(heading()).toBe('Acme Corp');
    const sso = await button('Sign in with Acme SSO');
    expect(await (await sso!.host()).getAttribute('href')).toBe('/api/auth/oidc/start?tenant=acme');
    expect(await field('Username')).not.toBeNull();
    expect(await field('Password')).not.toBeNull();
  });

  it('offers only the SSO button when passwords are off', async () => {
    await render('acme', { ...ACME, password: false });
    expect(await button('Sign in with Acme SSO')).not.toBeNull();
    expect(await field('Password')).toBeNull();
    expect(await button('Sign in')).toBeNull();
  });

  it('offers only the password form when the tenant has no SSO', async () => {
    await render('plain', { slug: 'plain', name: 'Plain Ltd', password: true, sso: null });
    expect(heading()).toBe('Plain Ltd');
    expect(await field('Password')).not.toBeNull();
    expect((fixture.nativeElement as HTMLElement).querySelector('fp-sso-button')).toBeNull();
  });

  it('says “No such organisation” for an unknown slug', async () => {
    await render('nope', 'missing');
    expect(heading()).toBe('No such organisation');
    expect(await field('Password')).toBeNull();
    const back = await button('Go to sign-in');
    expect(await (await back!.host()).getAttribute('href')).toBe('/login');
  });

  it('shows why the organisation could not be loaded otherwise', async () => {
    await render('acme', 'broken');
    expect(heading()).not.toBe('No such organisation');
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'Server trouble',
    );
  });

  it('signs in with the password and goes to the tokens', async () => {
    await render('acme', ACME);
    await type('Username', 'demo-user');
    await type('Password', 'feedpass-demo');
    await (await button('Sign in'))!.click();
    const req = http.expectOne('/api/auth/login');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ username: 'demo-user', password: 'feedpass-demo' });
    req.flush({ user: USER });
    expect(TestBed.inject(AuthService).user()).toEqual(USER);
    expect(navigateByUrl).toHaveBeenCalledWith('/tokens');
  });

  it('does not post an empty form', async () => {
    await render('acme', ACME);
    await (await button('Sign in'))!.click();
    http.expectNone('/api/auth/login');
    expect(fixture.nativeElement.textContent).toContain('Enter your username.');
  });

  it('says to use the SSO button when passwords were turned off meanwhile', async () => {
    await render('acme', ACME);
    await type('Username', 'demo-user');
    await type('Password', 'feedpass-demo');
    await (await button('Sign in'))!.click();
    http.expectOne('/api/auth/login').flush(...apiError(401, 'sso_required', 'Use SSO'));
    TestBed.tick();
    http.expectOne('/api/auth/tenants/acme').flush({ ...ACME, password: false });
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'Your organisation signs in with single sign-on.',
    );
    expect(await field('Password')).toBeNull();
    expect(navigateByUrl).not.toHaveBeenCalled();
  });
});
