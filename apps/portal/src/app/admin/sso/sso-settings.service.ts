import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  SsoSettings,
  SsoTestRequest,
  SsoTestResult,
  UpdateSsoRequest,
} from '@feedpass/contracts';
import { Observable } from 'rxjs';

/** The tenant's OpenID Connect single sign-on, as its admins configure it. */
@Injectable({ providedIn: 'root' })
export class SsoSettingsService {
  private readonly http = inject(HttpClient);

  /** The settings, loaded while the calling component lives (call it in an injection context). */
  getResource(): HttpResourceRef<SsoSettings | undefined> {
    return httpResource<SsoSettings>(() => '/api/admin/sso');
  }

  update(request: UpdateSsoRequest): Observable<SsoSettings> {
    return this.http.put<SsoSettings>('/api/admin/sso', request);
  }

  /** Discovery against `issuer` (default: the saved one), without saving anything. */
  test(request: SsoTestRequest): Observable<SsoTestResult> {
    return this.http.post<SsoTestResult>('/api/admin/sso/test', request);
  }
}
