import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { CurrentUser } from '@feedpass/contracts';
import { ADMIN, token, tokenList, USER } from '../testing/fixtures';
import { routes } from './app.routes';
import { AuthService } from './core/auth.service';

describe('portal routes', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter(routes, withComponentInputBinding()),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function signedInAs(user: CurrentUser | null): Promise<void> {
    const loaded = TestBed.inject(AuthService).ensureLoaded();
    const me = http.expectOne('/api/auth/me');
    if (user) me.flush(user);
    else me.flush(null, { status: 401, statusText: 'Unauthorized' });
    await loaded;
  }

  it('sends a signed-out visitor to the sign-in page, remembering the page', async () => {
    await signedInAs(null);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/history');
    expect(TestBed.inject(Router).url).toBe('/login?returnUrl=%2Fhistory');
    expect(harness.routeNativeElement?.textContent).toContain('Sign in');
  });

  it('opens Access Tokens by default', async () => {
    await signedInAs(USER);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/');
    expect(TestBed.inject(Router).url).toBe('/tokens');
    http.expectOne('/api/tokens').flush(tokenList([]));
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe('Access Tokens');
  });

  it('hands ?rotate=<id> from an expiry email to the tokens page, which asks to rotate it', async () => {
    await signedInAs(USER);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/tokens?rotate=t-2');
    http
      .expectOne('/api/tokens')
      .flush(tokenList([token({ id: 't-1' }), token({ id: 't-2', label: 'Service refresh' })]));
    await harness.fixture.whenStable();

    expect(document.querySelector('mat-dialog-container h2')?.textContent).toBe(
      'Rotate Service refresh?',
    );
    // The parameter is spent: a reload does not ask again.
    expect(TestBed.inject(Router).url).toBe('/tokens');
  });

  it('keeps users out of admin pages', async () => {
    await signedInAs(USER);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/users');
    expect(TestBed.inject(Router).url).toBe('/tokens');
    http.expectOne('/api/tokens').flush(tokenList([]));
  });

  it('lets admins open Users', async () => {
    await signedInAs(ADMIN);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/users');
    expect(TestBed.inject(Router).url).toBe('/admin/users');
    http.expectOne('/api/admin/users').flush({ items: [] });
    await harness.fixture.whenStable();
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe('Users');
  });

  it('lets admins open the Data Source Inventory', async () => {
    await signedInAs(ADMIN);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/data-sources');
    expect(TestBed.inject(Router).url).toBe('/admin/data-sources');
    http.match('/api/admin/users').forEach((req) => req.flush({ items: [] }));
    http.expectOne('/api/admin/data-sources').flush({ items: [] });
    await harness.fixture.whenStable();
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe(
      'Data Source Inventory',
    );
  });

  it('keeps users out of the Data Source Inventory', async () => {
    await signedInAs(USER);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/data-sources');
    expect(TestBed.inject(Router).url).toBe('/tokens');
    http.expectOne('/api/tokens').flush(tokenList([]));
  });

  it('lets admins open Single sign-on', async () => {
    await signedInAs(ADMIN);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/sso');
    expect(TestBed.inject(Router).url).toBe('/admin/sso');
    TestBed.tick();
    http.expectOne('/api/admin/sso').flush({
      issuer: '',
      clientId: '',
      clientSecretSet: false,
      displayName: '',
      allowedDomains: [],
      autoCreate: false,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: false,
      redirectUri: 'http://localhost/api/auth/oidc/callback',
      updatedAt: null,
    });
    await harness.fixture.whenStable();
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe('Single sign-on');
  });

  it('keeps users out of Single sign-on', async () => {
    await signedInAs(USER);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/sso');
    expect(TestBed.inject(Router).url).toBe('/tokens');
    http.expectOne('/api/tokens').flush(tokenList([]));
  });

  it('opens a tenant’s own sign-in page for signed-out visitors, with the slug', async () => {
    await signedInAs(null);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/t/acme');
    expect(TestBed.inject(Router).url).toBe('/t/acme');
    TestBed.tick();
    http
      .expectOne('/api/auth/tenants/acme')
      .flush({ slug: 'acme', name: 'Acme Corp', password: true, sso: null });
    await harness.fixture.whenStable();
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent).toBe('Acme Corp');
  });

  it('hands ?sso_error= to the sign-in page', async () => {
    await signedInAs(null);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/login?sso_error=sso_no_account');
    await harness.fixture.whenStable();
    expect(
      harness.routeNativeElement?.querySelector('[data-testid="sso-error"]')?.textContent,
    ).toContain('There is no feedpass account for you');
  });
});
