import { XSRF_COOKIE, XSRF_HEADER } from '@feedpass/contracts';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * A browser-like HTTP client for the specs: real HTTP (fetch), a cookie jar, and
 * Angular's XSRF behaviour (echo the XSRF-TOKEN cookie in X-XSRF-TOKEN on unsafe methods).
 */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  /** Set false to leave out the XSRF header, as a forged cross-site request would. */
  sendXsrf = true;

  constructor(
    readonly baseUrl: string,
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  get<T = unknown>(path: string, headers: Record<string, string> = {}) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('PATCH', path, body, headers);
  }
  put<T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('PUT', path, body, headers);
  }

  /** GET any /api path once, so the server hands out the XSRF cookie. */
  async primeXsrf(): Promise<void> {
    if (!this.cookies.has(XSRF_COOKIE)) await this.get('/api/health');
  }

  async login(username: string, password: string): Promise<ApiResponse> {
    await this.primeXsrf();
    return this.post('/api/auth/login', { username, password });
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const all: Record<string, string> = { ...this.defaultHeaders, ...headers };
    if (this.cookies.size) all.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.sendXsrf && this.cookies.has(XSRF_COOKIE))
      all[XSRF_HEADER] = this.cookies.get(XSRF_COOKIE)!;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      all['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: all,
      body: payload,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }
}
