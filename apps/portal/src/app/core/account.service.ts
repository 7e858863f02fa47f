import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  ChangePasswordRequest,
  CompletePasswordResetRequest,
  PasswordResetRequest,
  SessionList,
} from '@feedpass/contracts';
import { Observable } from 'rxjs';

/** The signed-in user's own password and sessions, and the forgotten-password flow. */
@Injectable({ providedIn: 'root' })
export class AccountService {
  private readonly http = inject(HttpClient);

  /** Ends the user's other sessions. */
  changePassword(request: ChangePasswordRequest): Observable<void> {
    return this.http.post<void>('/api/auth/password', request);
  }

  /** The caller's own sessions, loaded while the calling component lives. */
  sessionsResource(): HttpResourceRef<SessionList | undefined> {
    return httpResource<SessionList>(() => '/api/auth/sessions');
  }

  endSession(id: string): Observable<void> {
    return this.http.delete<void>(`/api/auth/sessions/${encodeURIComponent(id)}`);
  }

  /** Always `202`, whether or not the username exists. */
  requestPasswordReset(request: PasswordResetRequest): Observable<void> {
    return this.http.post<void>('/api/auth/password-reset', request);
  }

  /** Sets the new password and ends every session of the user. */
  completePasswordReset(request: CompletePasswordResetRequest): Observable<void> {
    return this.http.post<void>('/api/auth/password-reset/complete', request);
  }
}
