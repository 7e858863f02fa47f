import { HttpClient, HttpHeaders, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { EventType, HistoryPage } from '@feedpass/contracts';
import { Observable } from 'rxjs';

export interface HistoryFilter {
  type?: EventType | null;
  /** ISO-8601 instants. */
  from?: string | null;
  to?: string | null;
  cursor?: string | null;
}

export interface AdminHistoryFilter extends HistoryFilter {
  userId?: string | null;
}

function params(filter: Record<string, string | null | undefined>): HttpParams {
  let result = new HttpParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value) result = result.set(key, value);
  }
  return result;
}

/** The audit trail: `/api/history` (own events) and `/api/admin/history` (the tenant's). */
@Injectable({ providedIn: 'root' })
export class HistoryService {
  private readonly http = inject(HttpClient);

  own(filter: HistoryFilter): Observable<HistoryPage> {
    return this.http.get<HistoryPage>('/api/history', { params: params({ ...filter }) });
  }

  tenant(filter: AdminHistoryFilter): Observable<HistoryPage> {
    return this.http.get<HistoryPage>('/api/admin/history', { params: params({ ...filter }) });
  }

  /** The tenant's events under the same filter (no cursor: the whole selection) as CSV. */
  tenantCsv(filter: AdminHistoryFilter): Observable<Blob> {
    return this.http.get('/api/admin/history', {
      params: params({ ...filter, cursor: null }),
      headers: new HttpHeaders({ Accept: 'text/csv' }),
      responseType: 'blob',
    });
  }
}
