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
});
