import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  CreatedToken,
  CreateTokenRequest,
  RevokeAllResult,
  RotatedToken,
  Token,
  TokenList,
} from '@feedpass/contracts';
import { Observable } from 'rxjs';

/**
 * `/api/tokens`: the signed-in user's own tokens. It keeps nothing: a created or rotated
 * token's value passes straight through to the dialog that shows it once.
 */
@Injectable({ providedIn: 'root' })
export class TokensService {
  private readonly http = inject(HttpClient);

  /** The user's tokens, loaded while the calling component lives (in an injection context). */
  listResource(): HttpResourceRef<TokenList | undefined> {
    return httpResource<TokenList>(() => '/api/tokens');
  }

  create(request: CreateTokenRequest): Observable<CreatedToken> {
    return this.http.post<CreatedToken>('/api/tokens', request);
  }

  updateLabel(id: string, label: string): Observable<Token> {
    return this.http.patch<Token>(`/api/tokens/${encodeURIComponent(id)}`, { label });
  }

  revoke(id: string): Observable<Token> {
    return this.http.post<Token>(`/api/tokens/${encodeURIComponent(id)}/revoke`, null);
  }

  revokeAll(): Observable<RevokeAllResult> {
    return this.http.post<RevokeAllResult>('/api/tokens/revoke-all', null);
  }

  rotate(id: string): Observable<RotatedToken> {
    return this.http.post<RotatedToken>(`/api/tokens/${encodeURIComponent(id)}/rotate`, null);
  }
}
