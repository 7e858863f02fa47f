import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  CreateUserRequest,
  UpdateUserRequest,
  UserList,
  UserSummary,
} from '@feedpass/contracts';
import { Observable } from 'rxjs';

const USERS = '/api/admin/users';

/** `/api/admin/users`: the tenant's users, as an admin manages them. */
@Injectable({ providedIn: 'root' })
export class AdminUsersService {
  private readonly http = inject(HttpClient);

  /** The users, loaded while the calling component lives (call it in an injection context). */
  listResource(): HttpResourceRef<UserList | undefined> {
    return httpResource<UserList>(() => USERS);
  }

  create(request: CreateUserRequest): Observable<UserSummary> {
    return this.http.post<UserSummary>(USERS, request);
  }

  deactivate(id: string): Observable<UserSummary> {
    return this.http.post<UserSummary>(`${USERS}/${encodeURIComponent(id)}/deactivate`, null);
  }

  reactivate(id: string): Observable<UserSummary> {
    return this.http.post<UserSummary>(`${USERS}/${encodeURIComponent(id)}/reactivate`, null);
  }

  /** Only the fields given change; `last_admin` when it would leave the tenant without one. */
  update(id: string, request: UpdateUserRequest): Observable<UserSummary> {
    return this.http.patch<UserSummary>(`${USERS}/${encodeURIComponent(id)}`, request);
  }

  /** Emails the user a password-reset link (`202`). */
  sendPasswordReset(id: string): Observable<void> {
    return this.http.post<void>(`${USERS}/${encodeURIComponent(id)}/password-reset`, null);
  }

  /** A new invitation link, valid from now; the old one stops working. */
  resendInvitation(id: string): Observable<UserSummary> {
    return this.http.post<UserSummary>(
      `${USERS}/${encodeURIComponent(id)}/invitation/resend`,
      null,
    );
  }

  /** The link stops working and the account is deactivated. */
  cancelInvitation(id: string): Observable<void> {
    return this.http.delete<void>(`${USERS}/${encodeURIComponent(id)}/invitation`);
  }
}
