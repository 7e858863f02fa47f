import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateUserRequest, UserList, UserSummary } from '@feedpass/contracts';
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
}
