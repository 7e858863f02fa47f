import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { InventoryPage, TokenStatus } from '@feedpass/contracts';
import { Observable } from 'rxjs';

export interface InventoryFilter {
  userId?: string | null;
  status?: TokenStatus | null;
  /** ISO-8601 instant. */
  expiresBefore?: string | null;
  cursor?: string | null;
}

/** `/api/admin/tokens`: every token of the tenant, metadata and owner only. */
@Injectable({ providedIn: 'root' })
export class InventoryService {
  private readonly http = inject(HttpClient);

  list(filter: InventoryFilter): Observable<InventoryPage> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value) params = params.set(key, value);
    }
    return this.http.get<InventoryPage>('/api/admin/tokens', { params });
  }
}
