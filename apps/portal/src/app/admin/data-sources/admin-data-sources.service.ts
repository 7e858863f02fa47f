import { httpResource, type HttpResourceRef } from '@angular/common/http';
import { Injectable, type Signal } from '@angular/core';
import type { AdminDataSourceList } from '@feedpass/contracts';

export interface AdminDataSourceQuery {
  /** The owner's user id; empty for every owner. */
  ownerId: string;
  /** Name search; empty for any name. */
  q: string;
}

/** `/api/admin/data-sources`: every data source of the tenant, for its admins. */
@Injectable({ providedIn: 'root' })
export class AdminDataSourcesService {
  /** The data sources matching `query()`, loaded again when it changes (in an injection context). */
  listResource(
    query: Signal<AdminDataSourceQuery>,
  ): HttpResourceRef<AdminDataSourceList | undefined> {
    return httpResource<AdminDataSourceList>(() => {
      const { ownerId, q } = query();
      const params: Record<string, string> = {};
      if (ownerId) params['ownerId'] = ownerId;
      if (q.trim()) params['q'] = q.trim();
      return { url: '/api/admin/data-sources', params };
    });
  }
}
