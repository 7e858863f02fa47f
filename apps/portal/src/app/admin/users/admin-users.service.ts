import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateUserRequest, UserList, UserSummary } from '@feedpass/contracts';
import { Observable } from 'rxjs';

/** `/api/admin/users`: the tenant's users, as an admin manages them. */
@Injectable({ providedIn: 'root' })
export class AdminUsersService {
  private readonly http = inject(HttpClient);

  list(): Observable<UserList> {
    return this.http.get<UserList>('/api/admin/users');
  }

  create(request: CreateUserRequest): Observable<UserSummary> {
    return this.http.post<UserSummary>('/api/admin/users', request);
  }

  deactivate(id: string): Observable<UserSummary> {
    return this.http.post<UserSummary>(
      `/api/admin/users/${encodeURIComponent(id)}/deactivate`,
      null,
    );
  }

  reactivate(id: string): Observable<UserSummary> {
    return this.http.post<UserSummary>(
      `/api/admin/users/${encodeURIComponent(id)}/reactivate`,
      null,
    );
  }
}
