import { HttpClient, httpResource, type HttpResourceRef } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  Catalog,
  CreateDataSourceRequest,
  DataSource,
  DataSourceList,
  ShareDataSourceRequest,
} from '@feedpass/contracts';
import { Observable } from 'rxjs';

const BASE = '/api/data-sources';
const id = (value: string) => encodeURIComponent(value);

/** `/api/data-sources`: the data sources the user owns or that were shared with them. */
@Injectable({ providedIn: 'root' })
export class DataSourcesService {
  private readonly http = inject(HttpClient);

  /** The data sources, loaded while the calling component lives (in an injection context). */
  listResource(): HttpResourceRef<DataSourceList | undefined> {
    return httpResource<DataSourceList>(() => BASE);
  }

  catalog(): Observable<Catalog> {
    return this.http.get<Catalog>(`${BASE}/catalog`);
  }

  create(request: CreateDataSourceRequest): Observable<DataSource> {
    return this.http.post<DataSource>(BASE, request);
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
