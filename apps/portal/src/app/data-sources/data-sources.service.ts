import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable, type Signal } from '@angular/core';
import {
  type Catalog,
  type CloneDataSourceRequest,
  type CreateDataSourceRequest,
  type DataSource,
  type DataSourceList,
  type DataSourcePreview,
  type DataSourceScope,
  PREVIEW_ROWS_DEFAULT,
  type ShareDataSourceRequest,
  type TransferDataSourceRequest,
  type UpdateDataSourceRequest,
} from '@feedpass/contracts';
import { Observable } from 'rxjs';

const BASE = '/api/data-sources';
const id = (value: string) => encodeURIComponent(value);

export interface DataSourceQuery {
  /** Name search, case-insensitive; empty for any name. */
  q: string;
  scope: DataSourceScope;
}

/** `/api/data-sources`: the data sources the user owns or that were shared with them. */
@Injectable({ providedIn: 'root' })
export class DataSourcesService {
  private readonly http = inject(HttpClient);

  /**
   * The data sources matching `query()`, loaded again whenever it changes, while the calling
   * component lives (call it in an injection context). Without a query: all of them.
   */
  listResource(query?: Signal<DataSourceQuery>): HttpResourceRef<DataSourceList | undefined> {
    return httpResource<DataSourceList>(() => {
      const { q, scope } = query?.() ?? { q: '', scope: 'all' };
      const params: Record<string, string> = {};
      if (q.trim()) params['q'] = q.trim();
      if (scope !== 'all') params['scope'] = scope;
      return { url: BASE, params };
    });
  }

  /** All of them, once (where a resource tied to a component's life does not fit). */
  list(): Observable<DataSourceList> {
    return this.http.get<DataSourceList>(BASE);
  }

  catalog(): Observable<Catalog> {
    return this.http.get<Catalog>(`${BASE}/catalog`);
  }

  create(request: CreateDataSourceRequest): Observable<DataSource> {
    return this.http.post<DataSource>(BASE, request);
  }

  update(sourceId: string, request: UpdateDataSourceRequest): Observable<DataSource> {
    return this.http.patch<DataSource>(`${BASE}/${id(sourceId)}`, request);
  }

  /** The first rows of `table()` as the feed serves them, loaded again when it changes. */
  previewResource(
    sourceId: string,
    table: Signal<string>,
    top = PREVIEW_ROWS_DEFAULT,
  ): HttpResourceRef<DataSourcePreview | undefined> {
    return httpResource<DataSourcePreview>(() => ({
      url: `${BASE}/${id(sourceId)}/preview`,
      params: { table: table(), top },
    }));
  }

  clone(sourceId: string, name: string): Observable<DataSource> {
    const body: CloneDataSourceRequest = { name };
    return this.http.post<DataSource>(`${BASE}/${id(sourceId)}/clone`, body);
  }

  /** To a user of the tenant, by username or (an admin choosing from the list) by id. */
  transfer(sourceId: string, to: TransferDataSourceRequest): Observable<DataSource> {
    return this.http.post<DataSource>(`${BASE}/${id(sourceId)}/transfer`, to);
  }

  share(sourceId: string, username: string): Observable<DataSource> {
    const body: ShareDataSourceRequest = { username };
    return this.http.post<DataSource>(`${BASE}/${id(sourceId)}/shares`, body);
  }

  unshare(sourceId: string, userId: string): Observable<void> {
    return this.http.delete<void>(`${BASE}/${id(sourceId)}/shares/${id(userId)}`);
  }

  remove(sourceId: string): Observable<void> {
    return this.http.delete<void>(`${BASE}/${id(sourceId)}`);
  }
}
