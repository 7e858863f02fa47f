import type {
  CreatedToken,
  HistoryEvent,
  HistoryPage,
  PolicyUpdateResult,
  UpdatePolicyRequest,
} from '@feedpass/contracts';
import { createHash } from 'node:crypto';
import type { ApiClient, ApiResponse } from './api-client';
import { sql } from './e2e-helpers';
import type { TestApp } from './test-app';

/** `fpat_` + 30 random + 6 checksum base62 characters (SPEC 2). */
export const TOKEN_VALUE = /^fpat_[0-9A-Za-z]{36}$/;

/** Exactly the fields of `Token` (SPEC 7): no value, no digest, nothing else. */
export const TOKEN_KEYS = [
  'createdAt',
  'expiresAt',
  'id',
  'label',
  'lastRejectedAt',
  'lastRejectedClient',
  'lastRejectedIp',
  'lastUsedAt',
  'lastUsedClient',
  'lastUsedIp',
  'revokeReason',
  'revokedAt',
  'scope',
  'status',
];

/** The fields of a token nobody has used, rejected or scoped yet. */
export const FRESH_TOKEN_FIELDS = {
  revokeReason: null,
  scope: { kind: 'all' },
  lastUsedIp: null,
  lastUsedClient: null,
  lastRejectedAt: null,
  lastRejectedIp: null,
  lastRejectedClient: null,
} as const;

/** Sessions that survive the clock being moved by days (the defaults end after 12 idle hours). */
export const LONG_SESSIONS = { SESSION_IDLE_MINUTES: String(7 * 24 * 60), SESSION_MAX_DAYS: '90' };

export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The instant `ms` after the test clock's "now", as the API writes it. */
export const isoIn = (test: TestApp, ms: number) =>
  new Date(test.clock.now().getTime() + ms).toISOString();

export const nowIso = (test: TestApp) => test.clock.now().toISOString();

/** Mints a token through the API and asserts the 201. */
export async function mint(
  client: ApiClient,
  label = 'Power BI',
  extra: Record<string, unknown> = {},
): Promise<CreatedToken> {
  const res = await client.post<CreatedToken>('/api/tokens', { label, ...extra });
  if (res.status !== 201) throw new Error(`mint of "${label}" failed: ${res.status} ${res.text}`);
  return res.body;
}

export const patch = <T = unknown>(client: ApiClient, path: string, body: unknown) =>
  client.request<T>('PATCH', path, body);

export const put = <T = unknown>(client: ApiClient, path: string, body: unknown) =>
  client.request<T>('PUT', path, body);

/** PUT /api/admin/policy and assert the 200. */
export async function setPolicy(
  admin: ApiClient,
  policy: UpdatePolicyRequest,
): Promise<PolicyUpdateResult> {
  const res = await put<PolicyUpdateResult>(admin, '/api/admin/policy', policy);
  if (res.status !== 200) throw new Error(`policy change failed: ${res.status} ${res.text}`);
  return res.body;
}

export interface TokenRow {
  id: string;
  tenant_id: string;
  owner_id: string;
  label: string;
  digest: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  rotated_from: string | null;
  created_at: Date;
  last_used_at: Date | null;
  /** When the expiry sweep marked it expired (null until then). */
  expired_at: Date | null;
}

export async function tokenRow(test: TestApp, id: string): Promise<TokenRow> {
  const [row] = await sql<TokenRow>(test, 'select * from access_token where id = ?', [id]);
  if (!row) throw new Error(`no access_token row ${id}`);
  return row;
}

export interface EventRow {
  id: string;
  seq: string | number;
  tenant_id: string;
  type: string;
  actor_id: string | null;
  subject_user_id: string | null;
  token_id: string | null;
  token_label: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
}

/** History rows about one token, oldest first, optionally of one type. */
export function tokenEvents(test: TestApp, tokenId: string, type?: string): Promise<EventRow[]> {
  return type
    ? sql<EventRow>(
        test,
        'select * from history_event where token_id = ? and type = ? order by seq',
        [tokenId, type],
      )
    : sql<EventRow>(test, 'select * from history_event where token_id = ? order by seq', [tokenId]);
}

export async function countWhere(
  test: TestApp,
  table: string,
  where = 'true',
  params: unknown[] = [],
) {
  const [row] = await sql<{ n: string | number }>(
    test,
    `select count(*) as n from "${table}" where ${where}`,
    params,
  );
  return Number(row.n);
}

/** Snapshot of what a rejected request must not have changed. */
export async function writeCounts(test: TestApp) {
  return {
    tokens: await countWhere(test, 'access_token'),
    events: await countWhere(test, 'history_event'),
  };
}

/** Appends `key=value` to a path that may already carry a query string. */
export function withParam(path: string, key: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

/** Follows `nextCursor` to the end; returns every item in order and the pages seen. */
export async function allPages<T>(
  client: ApiClient,
  path: string,
): Promise<{ items: T[]; pages: T[][] }> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const res: ApiResponse<{ items: T[]; nextCursor: string | null }> = await client.get(
      cursor ? withParam(path, 'cursor', cursor) : path,
    );
    if (res.status !== 200) throw new Error(`GET ${path} failed: ${res.status} ${res.text}`);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return { items: pages.flat(), pages };
  }
  throw new Error(`GET ${path}: paging never ended`);
}

/** Every event of a history listing, all pages. */
export async function allHistory(client: ApiClient, path: string): Promise<HistoryEvent[]> {
  return (await allPages<HistoryEvent>(client, path)).items;
}

export async function historyPage(client: ApiClient, path: string): Promise<HistoryPage> {
  const res = await client.get<HistoryPage>(path);
  if (res.status !== 200) throw new Error(`GET ${path} failed: ${res.status} ${res.text}`);
  return res.body;
}

/** A small RFC 4180 parser: quoted cells, doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n ends the row
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * Whether `username:value` authenticates on the OData feed (SPEC 6), asked at an address
 * with no data source: an accepted token gets past authentication to the feed's 404, a
 * refused one gets the 401 challenge. Anything else (a 500, a 429) fails the spec.
 */
export async function feedAccepts(
  test: TestApp,
  username: string,
  value: string,
): Promise<boolean> {
  const credentials = Buffer.from(`${username}:${value}`).toString('base64');
  const res = await fetch(`${test.baseUrl}/odata/no-such-source/`, {
    headers: { authorization: `Basic ${credentials}` },
  });
  if (res.status === 404) return true;
  if (res.status === 401) return false;
  throw new Error(`the feed answered ${username}'s token with ${res.status}: ${await res.text()}`);
}
