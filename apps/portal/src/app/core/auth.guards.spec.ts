import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  CanActivateFn,
  provideRouter,
  Router,
  RouterStateSnapshot,
  UrlTree,
} from '@angular/router';
import { ADMIN, apiError, USER } from '../../testing/fixtures';
import { adminGuard, anyVisitorGuard, authGuard, guestGuard } from './auth.guards';
import { AuthService } from './auth.service';

describe('auth guards', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  const run = (guard: CanActivateFn, url = '/admin/users') =>
    TestBed.runInInjectionContext(() =>
      guard({} as ActivatedRouteSnapshot, { url } as RouterStateSnapshot),
    ) as Promise<boolean | UrlTree> | boolean | UrlTree;
  const serialize = (result: boolean | UrlTree) =>
    result instanceof UrlTree ? TestBed.inject(Router).serializeUrl(result) : result;

  describe('authGuard', () => {
    it('redirects to /login with the wanted page as returnUrl when /me is 401', async () => {
      const result = run(authGuard, '/admin/users?x=1');
      http.expectOne('/api/auth/me').flush(...apiError(401, 'unauthenticated', 'Sign in.'));
      expect(serialize(await result)).toBe('/login?returnUrl=%2Fadmin%2Fusers%3Fx%3D1');
    });

    it('lets a signed-in user through and asks /me only once', async () => {
      const first = run(authGuard);
      http.expectOne('/api/auth/me').flush(USER);
      expect(await first).toBe(true);
      expect(TestBed.inject(AuthService).user()).toEqual(USER);

      expect(await run(authGuard, '/history')).toBe(true);
      http.expectNone('/api/auth/me');
    });

    it('asks /me again after a server error rather than treating it as signed out for good', async () => {
      const first = run(authGuard);
      http.expectOne('/api/auth/me').flush(null, { status: 503, statusText: 'Unavailable' });
      expect(serialize(await first)).toBe('/login?returnUrl=%2Fadmin%2Fusers');

      const second = run(authGuard);
      http.expectOne('/api/auth/me').flush(ADMIN);
      expect(await second).toBe(true);
    });
  });

  describe('adminGuard', () => {
    it('lets admins through', async () => {
      const loaded = TestBed.inject(AuthService).ensureLoaded();
      http.expectOne('/api/auth/me').flush(ADMIN);
      await loaded;
      expect(run(adminGuard)).toBe(true);
    });

    it('sends other users to their tokens', async () => {
      const loaded = TestBed.inject(AuthService).ensureLoaded();
      http.expectOne('/api/auth/me').flush(USER);
      await loaded;
      expect(serialize(run(adminGuard) as UrlTree)).toBe('/tokens');
    });
  });

  describe('guestGuard', () => {
    it('shows the sign-in page to visitors and sends signed-in users to /tokens', async () => {
      const visitor = run(guestGuard, '/login');
      http.expectOne('/api/auth/me').flush(null, { status: 401, statusText: 'Unauthorized' });
      expect(await visitor).toBe(true);

      TestBed.inject(AuthService).login({ username: 'demo-user', password: 'x' }).subscribe();
      http.expectOne('/api/auth/login').flush({ user: USER });
      expect(serialize(await run(guestGuard, '/login'))).toBe('/tokens');
    });
  });

  describe('anyVisitorGuard', () => {
    it('asks /me (which hands out the XSRF cookie) and lets a signed-out visitor through', async () => {
      const result = run(anyVisitorGuard, '/forgot-password');
      http.expectOne('/api/auth/me').flush(...apiError(401, 'unauthenticated', 'Sign in.'));
      expect(await result).toBe(true);
    });

    it('lets a signed-in user through too', async () => {
      const result = run(anyVisitorGuard, '/accept-invite');
      http.expectOne('/api/auth/me').flush(USER);
      expect(await result).toBe(true);
    });
  });
});
