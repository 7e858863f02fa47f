import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import type {
  AcceptInvitationRequest,
  CurrentUser,
  LoginRequest,
  LoginResponse,
  UpdateProfileRequest,
} from '@feedpass/contracts';
import { firstValueFrom, Observable, tap } from 'rxjs';

/** Holds the signed-in user for the whole portal. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly current = signal<CurrentUser | null>(null);
  private me?: Promise<unknown>;

  readonly user = this.current.asReadonly();
  readonly isAdmin = computed(() => this.current()?.role === 'admin');

  /** The signed-in user, asking `/api/auth/me` only once per page load. */
  async ensureLoaded(): Promise<CurrentUser | null> {
    this.me ??= firstValueFrom(this.http.get<CurrentUser>('/api/auth/me')).then(
      (user) => this.current.set(user),
      (err: unknown) => {
        // A 401 is an answer ("nobody is signed in"); anything else is worth asking again.
        if (!(err instanceof HttpErrorResponse && err.status === 401)) this.me = undefined;
      },
    );
    await this.me;
    return this.current();
  }

  login(credentials: LoginRequest): Observable<LoginResponse> {
    return this.http
      .post<LoginResponse>('/api/auth/login', credentials)
      .pipe(tap(({ user }) => this.current.set(user)));
  }

  /** Sets the invitee's password and signs them in, as `login` does. */
  acceptInvitation(request: AcceptInvitationRequest): Observable<LoginResponse> {
    return this.http
      .post<LoginResponse>('/api/auth/invitations/accept', request)
      .pipe(tap(({ user }) => this.current.set(user)));
  }

  /** Changes the signed-in user's own display name or time zone; the portal shows the new ones. */
  updateProfile(request: UpdateProfileRequest): Observable<CurrentUser> {
    return this.http
      .patch<CurrentUser>('/api/auth/me', request)
      .pipe(tap((user) => this.current.set(user)));
  }

  logout(): Observable<void> {
    return this.http.post<void>('/api/auth/logout', null).pipe(tap(() => this.clear()));
  }

  /** Forget the user, e.g. when the session has expired on the server. */
  clear(): void {
    this.current.set(null);
  }
}
