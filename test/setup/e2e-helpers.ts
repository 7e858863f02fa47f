import { SESSION_COOKIE, type ApiError, type Role, type UserSummary } from '@feedpass/contracts';
import { ApiClient, type ApiResponse } from './api-client';
import type { TestApp } from './test-app';
import { TEST_PASSWORD } from './test-env';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Raw SQL against the spec's own database (`?` placeholders), to check what was stored. */
export function sql<T = Record<string, unknown>>(
  test: TestApp,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return test.orm.em.getConnection().execute<T[]>(query, params, 'all');
}

export async function countRows(
  test: TestApp,
  table: 'app_user' | 'session' | 'history_event' | 'tenant',
): Promise<number> {
  const [row] = await sql<{ n: string | number }>(test, `select count(*) as n from "${table}"`);
  return Number(row.n);
}

/** The `Set-Cookie` line a response sent for one cookie, if any. */
export function setCookieLine(res: ApiResponse, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/**
 * A browser-like client signed in as `username` (the sign-in is asserted to succeed), on a
 * spec's app or on the base URL of an API process.
 */
export async function signIn(
  at: Pick<TestApp, 'baseUrl'> | string,
  username: string,
  password: string,
): Promise<ApiClient> {
  const client = new ApiClient(typeof at === 'string' ? at : at.baseUrl);
  const res = await client.login(username, password);
  if (res.status !== 200)
    throw new Error(`sign-in of ${username} failed: ${res.status} ${res.text}`);
  return client;
}

/** Creates a user through POST /api/admin/users as `admin` (asserting the 201). */
export async function createUser(
  admin: ApiClient,
  username: string,
  extra: { password?: string; timeZone?: string; displayName?: string; role?: Role } = {},
): Promise<UserSummary & { email: string }> {
  const email = `${username}@example.test`;
  const res = await admin.post<UserSummary>('/api/admin/users', {
    username,
    email,
    displayName: extra.displayName ?? username,
    role: extra.role ?? 'user',
    password: extra.password ?? TEST_PASSWORD,
    ...(extra.timeZone ? { timeZone: extra.timeZone } : {}),
  });
  if (res.status !== 201) throw new Error(`creating ${username} failed: ${res.status} ${res.text}`);
  return { ...res.body, email };
}

/** A client that carries only the given session cookie: an old cookie replayed by hand. */
export function withSessionCookie(test: TestApp, secret: string): ApiClient {
  const client = new ApiClient(test.baseUrl);
  client.cookies.set(SESSION_COOKIE, secret);
  return client;
}

/** Asserts the `{statusCode, code, message}` error shape with a non-empty message. */
export function expectApiError(res: ApiResponse, status: number, code: ApiError['code']): ApiError {
  const body = (
    typeof res.body === 'object' && res.body ? res.body : { text: res.text }
  ) as ApiError;
  const message =
    typeof body.message === 'string' && body.message.length > 0
      ? body.message
      : '<a non-empty message>';
  // The actual message shows in a failure's diff, which says what the server thought was wrong.
  expect({ status: res.status, body }).toEqual({
    status,
    body: { statusCode: status, code, message },
  });
  return body;
}
