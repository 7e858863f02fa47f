import type { DataSource } from '@feedpass/contracts';
import pg from 'pg';
import { demoSchemaSql } from '../../apps/api/src/dev/demo-data';
import type { ApiClient } from './api-client';
import type { TestApp } from './test-app';
import { mint } from './token-helpers';

/** Exactly what Power BI Desktop's OData.Feed sends as Accept (issue 4, item 5). */
export const POWER_BI_ACCEPT =
  'application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,' +
  'application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7';

export const POWER_BI_HEADERS: Readonly<Record<string, string>> = {
  accept: POWER_BI_ACCEPT,
  'odata-maxversion': '4.0',
  'user-agent': 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
};

/** The one challenge SPEC 6 allows on every 401 of the feed. */
export const BASIC_CHALLENGE = 'Basic realm="feedpass", charset="UTF-8"';

export const basicAuth = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/** Credentials as Power BI sends them: the feedpass username and a token as the password. */
export interface Credentials {
  username: string;
  token: string;
}

export interface FeedResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the response is JSON, else undefined. */
  body: T;
}

export interface FeedRequest {
  credentials?: Credentials | null;
  /** Extra headers; Power BI's own are sent unless `powerBi` is false. */
  headers?: Record<string, string>;
  powerBi?: boolean;
}

/**
 * GET a feed URL (absolute, e.g. a nextLink, or a path on the test app) the way Power BI
 * does: Basic `username:token` and Power BI's Accept / OData-MaxVersion headers. The URL is
 * sent as written: a raw `+` stays a `+`.
 */
export async function feedGet<T = unknown>(
  test: TestApp,
  url: string,
  request: FeedRequest = {},
): Promise<FeedResponse<T>> {
  const headers: Record<string, string> = {
    ...(request.powerBi === false ? {} : POWER_BI_HEADERS),
    ...request.headers,
  };
  if (request.credentials)
    headers.authorization = basicAuth(request.credentials.username, request.credentials.token);
  const absolute = /^https?:\/\//.test(url) ? url : test.baseUrl + url;
  const response = await fetch(absolute, { headers, redirect: 'manual' });
  const text = await response.text();
  let body: unknown;
  if (/json/.test(response.headers.get('content-type') ?? '') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

/** Path of a data source's feed on the test app (`odataUrl` carries PUBLIC_URL instead). */
export function feedPath(source: Pick<DataSource, 'odataUrl'>): string {
  const match = /\/odata\/([^/]+)\/$/.exec(source.odataUrl);
  if (!match) throw new Error(`not an OData URL: ${source.odataUrl}`);
  return `/odata/${match[1]}/`;
}

export const feedKey = (source: Pick<DataSource, 'odataUrl'>) => feedPath(source).split('/')[2];

/** Mints a token for the signed-in client and returns Power BI's credentials for it. */
export async function mintCredentials(
  client: ApiClient,
  username: string,
  label = 'Power BI',
  extra: Record<string, unknown> = {},
) {
  const created = await mint(client, label, extra);
  return { id: created.token.id, credentials: { username, token: created.value } as Credentials };
}

/** POST /api/data-sources and assert the 201. */
export async function createDataSource(
  client: ApiClient,
  name: string,
  tables: string[],
): Promise<DataSource> {
  const res = await client.post<DataSource>('/api/data-sources', { name, tables });
  if (res.status !== 201)
    throw new Error(`create data source "${name}" failed: ${res.status} ${res.text}`);
  return res.body;
}

/**
 * A pg pool on the spec's own database, for the source schema: `$n` placeholders, values as
 * PostgreSQL prints them (int8, numeric and timestamps stay text).
 */
export function sourcePool(test: TestApp): pg.Pool {
  return new pg.Pool({
    connectionString: test.databaseUrl,
    max: 3,
    options: '-c timezone=UTC',
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        [20, 1700, 1082, 1114, 1184].includes(oid)
          ? (v: string) => v
          : pg.types.getTypeParser(oid, format),
    },
  });
}

/**
 * Creates and fills the demo schema (SPEC 6) in the spec's database, statement by statement,
 * plus any `extra` statements. Call it before the first catalog request: the catalog is cached
 * for 30 s per process.
 */
export async function seedDemoSchema(
  test: TestApp,
  options: { deals?: number; extra?: string[] } = {},
): Promise<void> {
  const client = new pg.Client({ connectionString: test.databaseUrl });
  await client.connect();
  try {
    for (const statement of demoSchemaSql('demo', options.deals ?? 100_000))
      await client.query(statement);
    for (const statement of options.extra ?? []) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Row count and an md5 over every row of demo.deals: proves nothing was written. */
export async function dealsChecksum(pool: pg.Pool): Promise<{ n: string; md5: string }> {
  const { rows } = await pool.query<{ n: string; md5: string }>(
    `select count(*)::text as n,
            md5(string_agg(concat_ws('|', id, account_id, owner, name, stage, amount, probability, is_won, created_at, closed_at), ',' order by id)) as md5
       from demo.deals`,
  );
  return rows[0];
}

/** Follows every @odata.nextLink from `url`; returns all rows, the pages' links and sizes. */
export async function followAllPages<Row = Record<string, unknown>>(
  test: TestApp,
  url: string,
  request: FeedRequest,
  maxPages = 1_000,
): Promise<{ rows: Row[]; links: string[]; pageSizes: number[]; responses: FeedResponse[] }> {
  const rows: Row[] = [];
  const links: string[] = [];
  const pageSizes: number[] = [];
  const responses: FeedResponse[] = [];
  let next: string | undefined = url;
  while (next) {
    if (responses.length >= maxPages) throw new Error(`more than ${maxPages} pages from ${url}`);
    const res: FeedResponse<{ value: Row[]; '@odata.nextLink'?: string }> = await feedGet(
      test,
      next,
      request,
    );
    if (res.status !== 200)
      throw new Error(`GET ${next} → ${res.status} ${res.text.slice(0, 500)}`);
    responses.push({ ...res, text: '' });
    rows.push(...res.body.value);
    pageSizes.push(res.body.value.length);
    next = res.body['@odata.nextLink'];
    if (next) links.push(next);
  }
  return { rows, links, pageSizes, responses };
}

/** Asserts a 401 is exactly the Basic challenge with an OData error body. */
export function expectChallenge(res: FeedResponse): void {
  expect({
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    odataVersion: res.headers.get('odata-version'),
    body: res.body,
  }).toEqual({
    status: 401,
    challenge: BASIC_CHALLENGE,
    odataVersion: '4.0',
    body: { error: { code: expect.any(String), message: expect.stringMatching(/\S/) } },
  });
}

/** Asserts the OData error format `{"error":{"code","message"}}` with a given status. */
export function expectODataError(
  res: FeedResponse,
  status: number,
  code?: string,
): { code: string; message: string } {
  const error = (res.body as { error?: { code: string; message: string } } | undefined)?.error;
  expect({ status: res.status, body: res.body ?? res.text }).toEqual({
    status,
    body: { error: { code: code ?? expect.any(String), message: expect.stringMatching(/\S/) } },
  });
  expect(res.headers.get('odata-version')).toBe('4.0');
  return error!;
}
