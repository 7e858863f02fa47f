import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Policy, PolicyUpdateResult, UpdatePolicyRequest } from '@feedpass/contracts';
import { Observable } from 'rxjs';

/** The tenant's token expiry policy: every user reads it, admins change it. */
@Injectable({ providedIn: 'root' })
export class PolicyService {
  private readonly http = inject(HttpClient);

  get(): Observable<Policy> {
    return this.http.get<Policy>('/api/policy');
  }

  /** The policy, loaded while the calling component lives (call it in an injection context). */
  getResource(): HttpResourceRef<Policy | undefined> {
    return httpResource<Policy>(() => '/api/policy');
  }

  update(request: UpdatePolicyRequest): Observable<PolicyUpdateResult> {
    return this.http.put<PolicyUpdateResult>('/api/admin/policy', request);
  }
}
