import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { apiError, USER } from '../../testing/fixtures';
import { AuthService } from './auth.service';
import { sessionExpiredInterceptor } from './session-expired.interceptor';

describe('sessionExpiredInterceptor', () => {
  let http: HttpTestingController;
  let auth: AuthService;
  let navigate: jest.SpyInstance;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([sessionExpiredInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
    navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    auth.login({ username: 'demo-user', password: 'pw' }).subscribe();
    http.expectOne('/api/auth/login').flush({ user: USER });
  });

  afterEach(() => http.verify());

  it('signs the user out and goes to /login when an API call answers 401', () => {
    const error = jest.fn();
    TestBed.inject(HttpClient).get('/api/tokens').subscribe({ error });
    http.expectOne('/api/tokens').flush(...apiError(401, 'unauthenticated', 'Session expired.'));

    expect(auth.user()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login'], { queryParams: { returnUrl: '/' } });
    expect(error).toHaveBeenCalled();
  });

  it('leaves the sign-in endpoints alone (a wrong password is not an expired session)', () => {
    TestBed.inject(HttpClient)
      .post('/api/auth/login', {})
      .subscribe({ error: () => undefined });
    http.expectOne('/api/auth/login').flush(...apiError(401, 'invalid_credentials', 'Wrong.'));

    expect(auth.user()).toEqual(USER);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('leaves other errors alone', () => {
    TestBed.inject(HttpClient)
      .get('/api/admin/users')
      .subscribe({ error: () => undefined });
    http.expectOne('/api/admin/users').flush(...apiError(403, 'forbidden', 'Admins only.'));

    expect(auth.user()).toEqual(USER);
    expect(navigate).not.toHaveBeenCalled();
  });
});
