import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { SignInOptions } from '@feedpass/contracts';
import { Observable } from 'rxjs';

/** What the sign-in pages offer a visitor: a password field, a single sign-on button, or both. */
@Injectable({ providedIn: 'root' })
export class SignInOptionsService {
  private readonly http = inject(HttpClient);

  /** An unknown username answers like a user of a password-only tenant. */
  forUsername(username: string): Observable<SignInOptions> {
    return this.http.get<SignInOptions>('/api/auth/sign-in-options', {
      params: new HttpParams().set('username', username),
    });
  }

  /** The URL of a tenant's own sign-in page (`/t/{slug}`) data. */
  tenantUrl(slug: string): string {
    return `/api/auth/tenants/${encodeURIComponent(slug)}`;
  }
}
