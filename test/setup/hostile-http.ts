import { XSRF_COOKIE, XSRF_HEADER } from '@feedpass/contracts';
import { connect } from 'node:net';
import type { ApiClient } from './api-client';

/** No single request of the hostile-input specs may take longer than this. */
export const REQUEST_TIMEOUT_MS = 5_000;

export interface ProbeResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  ms: number;
}

/**
 * One request with a hard timeout: a hang becomes a thrown error naming the request,
 * never a stuck spec. The body is sent exactly as given (a string is not re-encoded).
 */
export async function probe(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ProbeResponse> {
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const what = `${init.method ?? 'GET'} ${url.slice(0, 200)}`;
    if ((error as Error).name === 'TimeoutError')
      throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: ${what}`);
    throw new Error(`request failed (${String((error as Error).cause ?? error)}): ${what}`);
  }
  const text = await response.text();
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    json,
    ms: Date.now() - started,
  };
}

/** The headers an `ApiClient` would send: its cookies and, for unsafe methods, the XSRF echo. */
export function clientHeaders(client: ApiClient, method = 'GET'): Record<string, string> {
  const headers: Record<string, string> = { ...client.defaultHeaders };
  if (client.cookies.size)
    headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (method !== 'GET' && client.cookies.has(XSRF_COOKIE))
    headers[XSRF_HEADER] = client.cookies.get(XSRF_COOKIE)!;
  return headers;
}

/** Why a response breaks the "4xx with a `code`" rule of the JSON API, or null when it keeps it. */
export function apiErrorViolation(res: ProbeResponse): string | null {
  if (res.status < 400 || res.status > 499) return `status ${res.status}`;
  const body = res.json as { statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (!body || typeof body !== 'object') return `status ${res.status} without a JSON error body`;
  if (typeof body.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(body.code))
    return `no snake_case code in ${res.text.slice(0, 200)}`;
  if (body.statusCode !== res.status)
    return `statusCode ${String(body.statusCode)} ≠ ${res.status}`;
  if (typeof body.message !== 'string' || !body.message) return 'no message';
  if (/at \w+ \(|node_modules|\.ts:\d+/.test(res.text)) return 'a stack trace in the body';
  return null;
}

/** Why a response breaks the OData error format `{"error":{"code","message"}}`, or null. */
export function odataErrorViolation(
  res: ProbeResponse,
  allowed: (status: number) => boolean,
): string | null {
  if (!allowed(res.status)) return `status ${res.status}`;
  const error = (res.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (
    !error ||
    typeof error.code !== 'string' ||
    typeof error.message !== 'string' ||
    !error.message
  )
    return `status ${res.status} without an OData error body: ${res.text.slice(0, 200)}`;
  if (res.headers.get('odata-version') !== '4.0') return 'no OData-Version: 4.0';
  if (/at \w+ \(|node_modules|\.ts:\d+/.test(res.text)) return 'a stack trace in the body';
  return null;
}

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends bytes as written over a plain socket (fetch refuses header values with control
 * characters, so this is how such a request reaches the server at all) and reads the
 * answer until the server ends it. Asks for `Connection: close`.
 */
export function rawRequest(
  host: string,
  port: number,
  head: Buffer,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to a raw request`));
    }, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {
      /* a reset after the answer is normal for a refused request */
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: match ? Number(match[1]) : 0,
        head: split < 0 ? text : text.slice(0, split),
        body: split < 0 ? '' : Buffer.from(text.slice(split + 4), 'latin1').toString('utf8'),
      });
    });
    socket.write(head);
  });
}
