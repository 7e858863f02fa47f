import type { CreatedToken, DataSource, HistoryPage, InventoryPage } from '@feedpass/contracts';
import { generateTokenValue } from '@feedpass/domain';
import { ApiClient, type ApiResponse } from '../setup/api-client';
import { expectApiError, sql } from '../setup/e2e-helpers';
import {
  basicAuth,
  createDataSource,
  expectChallenge,
  expectODataError,
  feedGet,
  feedKey,
  seedDemoSchema,
  type FeedResponse,
} from '../setup/odata-helpers';
import {
  fillPath,
  listAppRoutes,
  listControllerHandlers,
  openApiRoutes,
  routeId,
  type RouteKey,
} from '../setup/route-inventory';
import { newSigner, signedBy } from '../setup/secret-scanning-helpers';
import {
  seedTenant,
  startTestApp,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '../setup/test-app';
import { LONG_SESSIONS, mint } from '../setup/token-helpers';

/**
 * Tenant and ownership isolation (issue 7 item 1; SPEC 1, 6, 7): every endpoint of the app,
 * called as (a) nobody, (b) users of another tenant (a user and an admin), (c) other users of
 * the victim's own tenant (a user, the tenant admin, and a user the victim shared a data
 * source with), (d) non-admins on admin routes. Each call must be refused the way SPEC.md
 * says — 401 without a session, 404 for a token / user / data source that is not the
 * caller's (never 403: existence is not leaked), 403 `forbidden` for a non-admin on an
 * admin route, 403 on the feed for an unshared data source of the caller's own tenant —
 * with none of the victim's data in the body, and without changing anything of the victim's.
 *
 * The MATRIX below is the contract: every route the running app serves (read from Express's
 * router, cross-checked with the OpenAPI document) must have at least one row, and every row
 * must name a route that exists. A new endpoint without a row fails this suite.
 */

// ---------------------------------------------------------------------------------------------
// The actors
// ---------------------------------------------------------------------------------------------

/** Acme: the victim, their admin, a colleague, a colleague the victim shares with. Globex: a user and an admin. */
const VICTIM = 'victim-vq7';
const ACTORS = {
  nobody: { tenant: null, admin: false, about: 'nobody (no session, no credentials)' },
  hank: { tenant: 'Globex', admin: false, about: 'a user of another tenant' },
  gina: { tenant: 'Globex', admin: true, about: 'an admin of another tenant' },
  sam: { tenant: 'Acme', admin: false, about: "a user of the victim's tenant" },
  alice: { tenant: 'Acme', admin: true, about: "the admin of the victim's tenant" },
  rita: {
    tenant: 'Acme',
    admin: false,
    about: 'a user of the victim’s tenant the victim shared a data source with',
  },
} as const;
type Actor = keyof typeof ACTORS;
type Caller = Actor | 'victim';

/** The victim's resources that path parameters are filled with. */
interface VictimIds {
  userId: string;
  username: string;
  tokenId: string;
  sourceId: string;
  sourceKey: string;
  /** The user the victim's data source is shared with (for `/shares/:userId`). */
  shareeId: string;
  /** A session of the victim's that no client of the spec uses. */
  sessionId: string;
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

/**
 * - `public`: anyone; `nobody` gets `publicStatus` (and so does everyone else).
 * - `user`: a signed-in user acting on their own data (no victim id in the path): nobody 401;
 *   any other user succeeds with `okStatus` and sees nothing of the victim's.
 * - `owner`: the path names a token or data source of the victim: nobody 401; everyone but
 *   the owner 404 `not_found` — another tenant, a colleague, the tenant admin (only an owner
 *   edits or revokes a token, SPEC 1) and a colleague the data source is shared with.
 * - `reader`: the path names a data source of the victim that its recipient (rita) may read
 *   too: nobody 401; everyone else 404; rita succeeds with `okStatus`.
 * - `owner-or-admin`: the victim's data source, which its owner or the tenant's admin may
 *   hand over: nobody 401; everyone else 404; the admin (alice) gets past the check to the
 *   body's own refusal (`adminStatus`/`adminCode`), so the victim's data stays put.
 * - `admin`: a tenant admin acting on their own tenant: nobody 401; non-admins 403
 *   `forbidden`; another tenant's admin succeeds with `okStatus` and sees nothing of the
 *   victim's tenant.
 * - `admin-user`: an admin route naming the victim's user id: nobody 401; non-admins 403;
 *   another tenant's admin 404.
 * - `odata`: HTTP Basic with the caller's own token: nobody 401 with the Basic challenge;
 *   another tenant 404; the victim's own tenant 403 unless the data source is shared (200).
 */
type Access =
  'public' | 'user' | 'owner' | 'reader' | 'owner-or-admin' | 'admin' | 'admin-user' | 'odata';

interface MatrixRow extends RouteKey {
  access: Access;
  /** What the row checks, when a route has several rows. */
  variant?: string;
  /** Path parameters, filled with the victim's resources. */
  params?: (v: VictimIds) => Record<string, string>;
  /** Query string (without `?`), may name the victim's resources. */
  query?: (v: VictimIds) => string;
  /** JSON body; `caller` is who sends it (some bodies name the caller). */
  body?: (v: VictimIds, caller: Caller, n: number) => unknown;
  headers?: Record<string, string>;
  /** `public`: the status (and `code`) every caller gets. */
  publicStatus?: number;
  publicCode?: string;
  /** `user` / `admin` / `reader`: the success a caller acting on their own data gets. */
  okStatus?: number;
  /** `owner-or-admin`: what the tenant admin gets from the body's own check. */
  adminStatus?: number;
  adminCode?: string;
  /** For list responses: the items must be empty for callers outside the victim's reach. */
  emptyItems?: boolean;
  /** The legitimate call (run last, on fresh resources): who makes it and what they get. */
  control: { as: 'victim' | 'alice' | 'rita' | 'nobody'; status: number };
}

const newUserBody = (_: VictimIds, caller: Caller, n: number) => ({
  username: `${caller}-made-${n}`,
  email: `${caller}-made-${n}@example.test`,
  displayName: `made by ${caller}`,
  role: 'user',
  password: 'a-long-enough-password',
});

const DOCS = (path: string, status = 200): MatrixRow => ({
  method: 'GET',
  path,
  access: 'public',
  publicStatus: status,
  control: { as: 'nobody', status },
});

/**
 * GitHub secret scanning's signing key for this app (SECRET_SCANNING_PUBLIC_KEYS), and a
 * signed alert for a token nobody holds: a public route that must answer every caller alike.
 */
const SCANNING_KEY = newSigner();
const SCANNING_ALERT = JSON.stringify([
  {
    token: generateTokenValue(),
    type: 'feedpass_pat',
    url: 'https://github.com/x/y',
    source: 'content',
  },
]);
const SCANNING_HEADERS = signedBy(SCANNING_KEY, SCANNING_ALERT);

export const MATRIX: MatrixRow[] = [
  // --- public -------------------------------------------------------------------------------
  {
    method: 'GET',
    path: '/api/health',
    access: 'public',
    publicStatus: 200,
    control: { as: 'nobody', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/health/ready',
    access: 'public',
    publicStatus: 200,
    control: { as: 'nobody', status: 200 },
  },
  // Prometheus scraping is unauthenticated by design (docs/DEPLOY.md: keep /metrics internal);
  // its labels are route patterns, so no id of anyone may appear in it.
  {
    method: 'GET',
    path: '/metrics',
    access: 'public',
    publicStatus: 200,
    control: { as: 'nobody', status: 200 },
  },
  DOCS('/api/docs'),
  DOCS('/api/docs/index.html'),
  DOCS('/api/docs/swagger-ui-init.js'),
  DOCS('/api/docs/docs/swagger-ui-init.js'),
  // Registered by @nestjs/swagger; the file is not shipped, so it is the API's 404.
  DOCS('/api/docs/LICENSE', 404),
  DOCS('/api/docs-json'),
  DOCS('/api/docs-yaml'),
  {
    method: 'POST',
    path: '/api/auth/login',
    access: 'public',
    variant: "the victim's username with a wrong password",
    body: (v) => ({ username: v.username, password: 'not-the-right-password' }),
    publicStatus: 401,
    publicCode: 'invalid_credentials',
    control: { as: 'victim', status: 200 },
  },
  // --- single sign-on, public legs (SPEC 13) ------------------------------------------------
  {
    method: 'GET',
    path: '/api/auth/sign-in-options',
    access: 'public',
    variant: "the victim's username: answers like anyone's",
    query: () => `username=${VICTIM}`,
    publicStatus: 200,
    control: { as: 'nobody', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/auth/tenants/:slug',
    access: 'public',
    params: () => ({ slug: 'acme' }),
    publicStatus: 200,
    control: { as: 'nobody', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/auth/oidc/start',
    access: 'public',
    variant: 'a tenant without SSO: back to the sign-in page',
    query: () => 'tenant=acme',
    publicStatus: 302,
    control: { as: 'nobody', status: 302 },
  },
  {
    method: 'GET',
    path: '/api/auth/oidc/callback',
    access: 'public',
    variant: 'no sign-in attempt: back to the sign-in page',
    query: () => 'code=forged&state=forged',
    publicStatus: 302,
    control: { as: 'nobody', status: 302 },
  },
  // --- own account (SPEC 13) ---------------------------------------------------------------
  {
    method: 'PATCH',
    path: '/api/auth/me',
    access: 'user',
    // Unchanged values: another caller's own row must stay as the baseline has it.
    body: () => ({ timeZone: 'UTC' }),
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/auth/password',
    access: 'user',
    variant: 'others with a wrong current password; the victim with the right one',
    body: (_, caller) =>
      caller === 'victim'
        ? { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }
        : { currentPassword: 'not-the-current-one', newPassword: 'a-long-enough-password' },
    okStatus: 400,
    control: { as: 'victim', status: 204 },
  },
  {
    method: 'GET',
    path: '/api/auth/sessions',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'DELETE',
    path: '/api/auth/sessions/:id',
    access: 'owner',
    params: (v) => ({ id: v.sessionId }),
    control: { as: 'victim', status: 204 },
  },
  {
    method: 'POST',
    path: '/api/auth/password-reset',
    access: 'public',
    variant: "the victim's username: 202 like any other",
    body: () => ({ username: VICTIM }),
    publicStatus: 202,
    control: { as: 'nobody', status: 202 },
  },
  {
    method: 'POST',
    path: '/api/auth/password-reset/complete',
    access: 'public',
    variant: 'a forged link',
    body: () => ({ token: 'f'.repeat(64), newPassword: 'a-long-enough-password' }),
    publicStatus: 400,
    publicCode: 'invalid_link',
    control: { as: 'nobody', status: 400 },
  },
  {
    method: 'POST',
    path: '/api/auth/invitations/accept',
    access: 'public',
    variant: 'a forged link',
    body: () => ({ token: 'e'.repeat(64), password: 'a-long-enough-password' }),
    publicStatus: 400,
    publicCode: 'invalid_link',
    control: { as: 'nobody', status: 400 },
  },
  // --- GitHub secret scanning (SPEC 12): no session, no XSRF, GitHub's signature instead ----
  {
    method: 'POST',
    path: '/api/secret-scanning/github',
    access: 'public',
    variant: 'an alert with a forged signature',
    body: () => SCANNING_ALERT,
    headers: {
      ...SCANNING_HEADERS,
      'Github-Public-Key-Signature': 'MEUCIQDforgedforgedforgedforgedforgedforgedforgedAiB=',
    },
    publicStatus: 401,
    publicCode: 'invalid_signature',
    control: { as: 'nobody', status: 401 },
  },
  {
    method: 'POST',
    path: '/api/secret-scanning/github',
    access: 'public',
    variant: 'a signed alert for a token nobody holds: false_positive for everyone',
    body: () => SCANNING_ALERT,
    headers: SCANNING_HEADERS,
    publicStatus: 200,
    control: { as: 'nobody', status: 200 },
  },
  // --- signed-in user, own data -------------------------------------------------------------
  {
    method: 'POST',
    path: '/api/auth/logout',
    access: 'user',
    okStatus: 204,
    control: { as: 'victim', status: 204 },
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/tokens',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/tokens',
    access: 'user',
    body: () => ({ label: 'attacker token' }),
    okStatus: 201,
    control: { as: 'victim', status: 201 },
  },
  {
    method: 'POST',
    path: '/api/tokens/revoke-all',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/policy',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/history',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/history',
    access: 'user',
    variant: "filtered by the victim's token id",
    query: (v) => `tokenId=${v.tokenId}`,
    okStatus: 200,
    emptyItems: true,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/data-sources',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/data-sources/catalog',
    access: 'user',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/data-sources',
    access: 'user',
    body: () => ({ name: 'attacker source', tables: ['deals'] }),
    okStatus: 201,
    control: { as: 'victim', status: 201 },
  },
  // --- owner-scoped: the victim's token --------------------------------------------------------
  {
    method: 'PATCH',
    path: '/api/tokens/:id',
    access: 'owner',
    params: (v) => ({ id: v.tokenId }),
    body: () => ({ label: 'renamed by an attacker' }),
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/tokens/:id/revoke',
    access: 'owner',
    params: (v) => ({ id: v.tokenId }),
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/tokens/:id/rotate',
    access: 'owner',
    params: (v) => ({ id: v.tokenId }),
    control: { as: 'victim', status: 201 },
  },
  // --- owner-scoped: the victim's data source --------------------------------------------------
  {
    method: 'POST',
    path: '/api/data-sources/:id/shares',
    access: 'owner',
    variant: 'sharing it with the caller',
    params: (v) => ({ id: v.sourceId }),
    body: (_, caller) => ({
      username: caller === 'victim' ? 'sam' : caller === 'nobody' ? 'sam' : caller,
    }),
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'DELETE',
    path: '/api/data-sources/:id/shares/:userId',
    access: 'owner',
    params: (v) => ({ id: v.sourceId, userId: v.shareeId }),
    control: { as: 'victim', status: 204 },
  },
  {
    method: 'PATCH',
    path: '/api/data-sources/:id',
    access: 'owner',
    params: (v) => ({ id: v.sourceId }),
    body: () => ({ name: 'renamed by someone', rowFilters: {} }),
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/data-sources/:id/clone',
    access: 'reader',
    params: (v) => ({ id: v.sourceId }),
    body: (_, caller) => ({ name: `${caller}'s clone` }),
    okStatus: 201,
    control: { as: 'victim', status: 201 },
  },
  {
    method: 'GET',
    path: '/api/data-sources/:id/preview',
    access: 'reader',
    params: (v) => ({ id: v.sourceId }),
    query: () => 'table=deals&top=5',
    okStatus: 200,
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/data-sources/:id/transfer',
    access: 'owner-or-admin',
    params: (v) => ({ id: v.sourceId }),
    // The admin asks to hand it to its own owner: past the permission check, refused, unchanged.
    body: (_, caller) => ({ username: caller === 'victim' ? 'rita' : VICTIM }),
    adminStatus: 400,
    adminCode: 'already_owner',
    control: { as: 'victim', status: 200 },
  },
  {
    method: 'DELETE',
    path: '/api/data-sources/:id',
    access: 'owner',
    params: (v) => ({ id: v.sourceId }),
    control: { as: 'victim', status: 204 },
  },
  // --- admin, own tenant ----------------------------------------------------------------------
  {
    method: 'GET',
    path: '/api/admin/data-sources',
    access: 'admin',
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/users',
    access: 'admin',
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/admin/users',
    access: 'admin',
    body: newUserBody,
    okStatus: 201,
    control: { as: 'alice', status: 201 },
  },
  {
    method: 'PUT',
    path: '/api/admin/policy',
    access: 'admin',
    // applyToExisting: shortening must stay within the caller's tenant.
    body: () => ({ mode: 'fixed', lifetimeDays: 1, notifyDaysBefore: [], applyToExisting: true }),
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/history',
    access: 'admin',
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/history',
    access: 'admin',
    variant: "filtered by the victim's user id",
    query: (v) => `userId=${v.userId}`,
    okStatus: 200,
    emptyItems: true,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/history',
    access: 'admin',
    variant: 'as CSV',
    headers: { accept: 'text/csv' },
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/tokens',
    access: 'admin',
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/tokens',
    access: 'admin',
    variant: "filtered by the victim's user id",
    query: (v) => `userId=${v.userId}`,
    okStatus: 200,
    emptyItems: true,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/mail/failed',
    access: 'admin',
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'GET',
    path: '/api/admin/sso',
    access: 'admin',
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'PUT',
    path: '/api/admin/sso',
    access: 'admin',
    body: (_, caller) => ({
      issuer: 'https://idp.example.com',
      clientId: `${caller}-client`,
      displayName: 'Sign in',
      allowedDomains: [],
      autoCreate: false,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: false,
    }),
    okStatus: 200,
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/admin/sso/test',
    access: 'admin',
    variant: 'a dead issuer: past the permission check to the clear 400',
    body: () => ({ issuer: 'http://127.0.0.1:1' }),
    okStatus: 400,
    control: { as: 'alice', status: 400 },
  },
  // --- admin, naming the victim ---------------------------------------------------------------
  {
    method: 'PATCH',
    path: '/api/admin/users/:id',
    access: 'admin-user',
    params: (v) => ({ id: v.userId }),
    body: () => ({ displayName: 'renamed by an admin' }),
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/admin/users/:id/password-reset',
    access: 'admin-user',
    params: (v) => ({ id: v.userId }),
    control: { as: 'alice', status: 202 },
  },
  // The control's fresh user has a password: past the permission check to the body's refusal.
  {
    method: 'POST',
    path: '/api/admin/users/:id/invitation/resend',
    access: 'admin-user',
    params: (v) => ({ id: v.userId }),
    control: { as: 'alice', status: 400 },
  },
  {
    method: 'DELETE',
    path: '/api/admin/users/:id/invitation',
    access: 'admin-user',
    params: (v) => ({ id: v.userId }),
    control: { as: 'alice', status: 400 },
  },
  {
    method: 'POST',
    path: '/api/admin/users/:id/deactivate',
    access: 'admin-user',
    params: (v) => ({ id: v.userId }),
    control: { as: 'alice', status: 200 },
  },
  {
    method: 'POST',
    path: '/api/admin/users/:id/reactivate',
    access: 'admin-user',
    params: (v) => ({ id: v.userId }),
    control: { as: 'alice', status: 200 },
  },
  // --- the OData feed of the victim's data source -----------------------------------------------
  {
    method: 'GET',
    path: '/odata/:key',
    access: 'odata',
    variant: 'service document',
    params: (v) => ({ key: v.sourceKey }),
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: '$metadata',
    params: (v) => ({ key: v.sourceKey, path: '$metadata' }),
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: 'entity set',
    params: (v) => ({ key: v.sourceKey, path: 'Deals' }),
    query: () => '$top=3&$filter=Id%20gt%200',
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: '$count',
    params: (v) => ({ key: v.sourceKey, path: 'Deals/$count' }),
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: 'entity by key',
    params: (v) => ({ key: v.sourceKey, path: 'Deals(1)' }),
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: 'property of an entity',
    params: (v) => ({ key: v.sourceKey, path: 'Deals(1)/Name' }),
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: 'navigation',
    params: (v) => ({ key: v.sourceKey, path: 'Deals(1)/Account' }),
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: 'navigation collection',
    params: (v) => ({ key: v.sourceKey, path: 'Accounts(1)/Deals' }),
    query: () => '$top=3',
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: '$expand',
    params: (v) => ({ key: v.sourceKey, path: 'Deals' }),
    query: () => '$top=3&$expand=Account',
    control: { as: 'rita', status: 200 },
  },
  {
    method: 'GET',
    path: '/odata/:key/*path',
    access: 'odata',
    variant: '$apply',
    params: (v) => ({ key: v.sourceKey, path: 'Deals' }),
    query: () => '$apply=aggregate(%24count%20as%20N)',
    control: { as: 'rita', status: 200 },
  },
  // The feed is read-only: every other method is 405 for everyone, before authentication.
  ...['/odata', '/odata/:key', '/odata/:key/*path'].map((path): MatrixRow => ({
    method: 'ALL',
    path,
    access: 'public',
    params: (v): Record<string, string> =>
      path === '/odata'
        ? {}
        : path === '/odata/:key'
          ? { key: v.sourceKey }
          : { key: v.sourceKey, path: 'Deals' },
    publicStatus: 405,
    control: { as: 'nobody', status: 405 },
  })),
];

/** Who is run against each access class (the victim's own calls are the controls, run last). */
const CALLERS: Record<Access, Actor[]> = {
  public: ['nobody', 'hank', 'gina', 'sam'],
  user: ['nobody', 'hank', 'gina', 'sam'],
  owner: ['nobody', 'hank', 'gina', 'sam', 'alice', 'rita'],
  reader: ['nobody', 'hank', 'gina', 'sam', 'alice', 'rita'],
  'owner-or-admin': ['nobody', 'hank', 'gina', 'sam', 'alice', 'rita'],
  admin: ['nobody', 'hank', 'gina', 'sam'],
  'admin-user': ['nobody', 'hank', 'gina', 'sam'],
  odata: ['nobody', 'hank', 'gina', 'sam', 'alice', 'rita'],
};

type Expectation =
  | { kind: 'api-error'; status: number; code: string }
  | { kind: 'ok'; status: number }
  | { kind: 'public'; status: number; code?: string }
  | { kind: 'odata-challenge' }
  | { kind: 'odata-error'; status: number }
  | { kind: 'odata-ok' };

function expectationFor(row: MatrixRow, actor: Actor): Expectation {
  const a = ACTORS[actor];
  if (row.access === 'public')
    return { kind: 'public', status: row.publicStatus!, code: row.publicCode };
  if (row.access === 'odata') {
    if (actor === 'nobody') return { kind: 'odata-challenge' };
    if (a.tenant !== 'Acme') return { kind: 'odata-error', status: 404 };
    return actor === 'rita' ? { kind: 'odata-ok' } : { kind: 'odata-error', status: 403 };
  }
  if (actor === 'nobody') return { kind: 'api-error', status: 401, code: 'unauthenticated' };
  switch (row.access) {
    case 'user':
      return { kind: 'ok', status: row.okStatus! };
    case 'owner':
      return { kind: 'api-error', status: 404, code: 'not_found' };
    case 'reader':
      return actor === 'rita'
        ? { kind: 'ok', status: row.okStatus! }
        : { kind: 'api-error', status: 404, code: 'not_found' };
    case 'owner-or-admin':
      return actor === 'alice'
        ? { kind: 'api-error', status: row.adminStatus!, code: row.adminCode! }
        : { kind: 'api-error', status: 404, code: 'not_found' };
    case 'admin':
      return a.admin
        ? { kind: 'ok', status: row.okStatus! }
        : { kind: 'api-error', status: 403, code: 'forbidden' };
    case 'admin-user':
      return a.admin
        ? { kind: 'api-error', status: 404, code: 'not_found' }
        : { kind: 'api-error', status: 403, code: 'forbidden' };
  }
}

const describeExpectation = (e: Expectation) =>
  e.kind === 'api-error'
    ? `${e.status} ${e.code}`
    : e.kind === 'odata-challenge'
      ? '401 Basic challenge'
      : e.kind === 'odata-error'
        ? `${e.status} OData error`
        : e.kind === 'odata-ok'
          ? '200 (shared with them)'
          : `${e.status}${'code' in e && e.code ? ` ${e.code}` : ''}`;

/** An `@All()` route is tried with POST, a method no other route of its path answers. */
const httpMethod = (row: MatrixRow) => (row.method === 'ALL' ? 'POST' : row.method);

const rowName = (row: MatrixRow) =>
  `${row.method} ${row.path}${row.variant ? ` (${row.variant})` : ''}`;

const CASES = MATRIX.flatMap((row) =>
  CALLERS[row.access].map((actor) => ({ row, actor, expectation: expectationFor(row, actor) })),
);

// ---------------------------------------------------------------------------------------------

describe('tenant and ownership isolation matrix (issue 7 item 1; SPEC 1, 6, 7)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  const clients = {} as Record<Exclude<Actor, 'nobody'> | 'victim', ApiClient>;
  let victim: VictimIds;
  /** Strings of the victim's that no refused caller may see. */
  let markers: string[];
  let baseline: string;
  let callCounter = 0;
  const address = (n: number) => `198.51.100.${n}`;
  let nextAddress = 10;

  /** A browser-like client signed in as `username`, speaking from its own address. */
  async function signInAs(username: string): Promise<ApiClient> {
    const client = new ApiClient(test.baseUrl, { 'x-forwarded-for': address(nextAddress++) });
    const res = await client.login(username, TEST_PASSWORD);
    if (res.status !== 200)
      throw new Error(`sign-in of ${username} failed: ${res.status} ${res.text}`);
    return client;
  }

  /** Signs the victim in once more, for a session no client uses; its id. */
  async function newVictimSession(): Promise<string> {
    await signInAs(VICTIM);
    const [row] = await sql<{ id: string }>(
      test,
      'select id from session where user_id = ? order by created_at desc, id limit 1',
      [users[VICTIM].id],
    );
    return row.id;
  }

  async function anonymous(): Promise<ApiClient> {
    const client = new ApiClient(test.baseUrl, { 'x-forwarded-for': address(nextAddress++) });
    await client.primeXsrf();
    return client;
  }

  const usernameOf = (caller: Caller) => (caller === 'victim' ? VICTIM : caller);

  /** Everything of the victim's that a refused call must leave exactly as it was. */
  async function victimState(): Promise<string> {
    const id = users[VICTIM].id;
    const q = (text: string, params: unknown[] = []) => sql(test, text, params);
    const state = {
      tokens: await q(
        `select id, label, expires_at, revoked_at, revoke_reason, rotated_from, digest from access_token where owner_id = ? order by id`,
        [id],
      ),
      sources: await q(
        `select id, name, key, tables, owner_id, tenant_id from data_source where owner_id = ? order by id`,
        [id],
      ),
      shares: await q(
        `select s.data_source_id, s.user_id from data_source_share s join data_source d on d.id = s.data_source_id
          where d.owner_id = ? order by 1, 2`,
        [id],
      ),
      acmeUsers: await q(
        `select id, username, email, display_name, role, status, deactivated_at, password_hash, time_zone from app_user
          where tenant_id = ? order by id`,
        [users[VICTIM].tenantId],
      ),
      acmePolicy: await q(
        `select mode, lifetime_days, notify_days_before, updated_by_id from token_policy where tenant_id = ?`,
        [users[VICTIM].tenantId],
      ),
      acmeSso: await q(
        `select issuer, client_id, client_secret_encrypted, enabled, password_sign_in from tenant_sso where tenant_id = ?`,
        [users[VICTIM].tenantId],
      ),
      victimSessions: await q(
        `select id, absolute_expires_at from session where user_id = ? order by id`,
        [id],
      ),
      victimEvents: await q(
        `select count(*)::int as n from history_event
          where subject_user_id = ? or actor_id = ? or token_id in (select id from access_token where owner_id = ?)
             or details->>'dataSourceId' in (select id::text from data_source where owner_id = ?)`,
        [id, id, id, id],
      ),
    };
    return JSON.stringify(state);
  }

  /** A feed token of the caller's own, minted for one call and revoked after it. */
  async function withFeedToken<T>(
    actor: Exclude<Caller, 'nobody'>,
    use: (value: string) => Promise<T>,
  ): Promise<T> {
    const created: CreatedToken = await mint(clients[actor], 'feed check');
    try {
      return await use(created.value);
    } finally {
      await clients[actor].post(`/api/tokens/${created.token.id}/revoke`);
    }
  }

  /** Makes the row's call as `caller` (the victim's resources in `ids`). */
  async function call(
    row: MatrixRow,
    caller: Caller | 'nobody',
    ids: VictimIds,
  ): Promise<{ api?: ApiResponse; feed?: FeedResponse; sent: string }> {
    const n = ++callCounter;
    const path =
      fillPath(row.path, row.params?.(ids) ?? {}) + (row.query ? `?${row.query(ids)}` : '');
    const body = row.body?.(ids, caller, n);
    const sent = `${path} ${body === undefined ? '' : JSON.stringify(body)}`;
    if (row.access === 'odata') {
      const headers = { 'x-forwarded-for': address(200 + (n % 50)) };
      if (caller === 'nobody') return { feed: await feedGet(test, path, { headers }), sent };
      return {
        feed: await withFeedToken(caller, (token) =>
          feedGet(test, path, { credentials: { username: usernameOf(caller), token }, headers }),
        ),
        sent,
      };
    }
    // Logging out ends the session it is sent with: use one made for the purpose.
    const client =
      caller === 'nobody'
        ? await anonymous()
        : row.path === '/api/auth/logout'
          ? await signInAs(usernameOf(caller))
          : clients[caller];
    return { api: await client.request(httpMethod(row), path, body, row.headers ?? {}), sent };
  }

  function expectNoVictimData(text: string, sent: string): void {
    const lower = text.toLowerCase();
    const leaked = markers.filter(
      (m) => lower.includes(m.toLowerCase()) && !sent.toLowerCase().includes(m.toLowerCase()),
    );
    expect({ leaked, body: leaked.length ? text.slice(0, 2000) : '' }).toEqual({
      leaked: [],
      body: '',
    });
  }

  beforeAll(async () => {
    test = await startTestApp({
      ...LONG_SESSIONS,
      TRUST_PROXY: 'loopback',
      SECRET_SCANNING_PUBLIC_KEYS: SCANNING_KEY.pem,
    });
    await seedDemoSchema(test, { deals: 50 });
    const acme = await seedTenant(test, 'Acme', [
      { username: 'alice', role: 'admin' },
      { username: VICTIM },
      { username: 'sam' },
      { username: 'rita' },
    ]);
    const globex = await seedTenant(test, 'Globex', [
      { username: 'gina', role: 'admin' },
      { username: 'hank' },
    ]);
    users = { ...acme.users, ...globex.users };
    for (const name of ['alice', 'sam', 'rita', 'gina', 'hank'] as const)
      clients[name] = await signInAs(name);
    clients.victim = await signInAs(VICTIM);
    const spareSession = await newVictimSession();

    // The victim's belongings, with labels and names no one else uses.
    const token = await mint(clients.victim, 'victim-label-Q9x');
    const old = await mint(clients.victim, 'victim-old-label-J2w');
    expect((await clients.victim.post(`/api/tokens/${old.token.id}/revoke`)).status).toBe(200);
    const source: DataSource = await createDataSource(clients.victim, 'Victim Pipeline K3', [
      'deals',
      'accounts',
    ]);
    expect(
      (await clients.victim.post(`/api/data-sources/${source.id}/shares`, { username: 'rita' }))
        .status,
    ).toBe(200);
    victim = {
      userId: users[VICTIM].id,
      username: VICTIM,
      tokenId: token.token.id,
      sourceId: source.id,
      sourceKey: feedKey(source),
      shareeId: users.rita.id,
      sessionId: spareSession,
    };
    markers = [
      victim.userId,
      VICTIM,
      token.token.id,
      old.token.id,
      'victim-label-Q9x',
      'victim-old-label-J2w',
      source.id,
      source.name,
      victim.sourceKey,
      token.value,
    ];
    baseline = await victimState();
  }, 60_000);
  afterAll(() => test?.close());

  describe('the matrix covers every route of the app', () => {
    let served: RouteKey[];
    beforeAll(() => {
      served = listAppRoutes(test.app).endpoints;
    });

    it('every route the app serves has a row ("new endpoint without an entry in the matrix" fails here)', () => {
      const covered = new Set(MATRIX.map(routeId));
      const missing = served.filter((r) => !covered.has(routeId(r))).map(routeId);
      expect({ 'new endpoint without an entry in the matrix': missing }).toEqual({
        'new endpoint without an entry in the matrix': [],
      });
    });

    it('every controller handler Nest knows (including @All() ones Express cannot tell from middleware) has a row', () => {
      const covered = new Set(MATRIX.map(routeId));
      const handlers = listControllerHandlers(test.app);
      expect(handlers.length).toBeGreaterThanOrEqual(30);
      const missing = handlers
        .filter(
          (h) =>
            !covered.has(`${h.method} ${h.path}`) &&
            !covered.has(`${h.method} /api${h.path === '/' ? '' : h.path}`),
        )
        .map((h) => `${h.method} ${h.path} (${h.handler})`);
      expect({ 'new endpoint without an entry in the matrix': missing }).toEqual({
        'new endpoint without an entry in the matrix': [],
      });
    });

    it('every row names a route the app serves (no stale rows)', () => {
      const exists = new Set([
        ...served.map(routeId),
        ...listControllerHandlers(test.app)
          .filter((h) => h.method === 'ALL')
          .map((h) => `${h.method} ${h.path}`),
      ]);
      expect(MATRIX.filter((r) => !exists.has(routeId(r))).map(rowName)).toEqual([]);
    });

    it('every operation of the OpenAPI document is a served route with a row', async () => {
      const doc = await new ApiClient(test.baseUrl).get<{
        paths: Record<string, Record<string, unknown>>;
      }>('/api/docs-json');
      const documented = openApiRoutes(doc.body);
      const exists = new Set(served.map(routeId));
      const covered = new Set(MATRIX.map(routeId));
      expect(documented.length).toBeGreaterThan(20);
      expect(
        documented.filter((r) => !exists.has(routeId(r)) || !covered.has(routeId(r))).map(routeId),
      ).toEqual([]);
    });

    it('the OData routes (left out of OpenAPI) and /metrics are served and in the matrix', () => {
      const ids = new Set(served.map(routeId));
      for (const id of ['GET /odata/:key', 'GET /odata/:key/*path', 'GET /metrics'])
        expect(ids.has(id) && MATRIX.some((r) => routeId(r) === id)).toBe(true);
    });

    it('the rows of each class are sane (params for every :name, a body for JSON routes, a status for the caller)', () => {
      for (const row of MATRIX) {
        const names = [...row.path.matchAll(/[:*](\w+)/g)].map((m) => m[1]).sort();
        expect([rowName(row), Object.keys(row.params?.(victim) ?? {}).sort()]).toEqual([
          rowName(row),
          names,
        ]);
        if (row.access === 'public') expect(row.publicStatus).toBeDefined();
        if (row.access === 'user' || row.access === 'admin') expect(row.okStatus).toBeDefined();
      }
    });
  });

  describe.each(
    CASES.map(
      (c) =>
        [
          rowName(c.row),
          c.actor,
          ACTORS[c.actor].about,
          describeExpectation(c.expectation),
          c,
        ] as const,
    ),
  )('%s as %s (%s)', (_name, actor, _about, expected, { row, expectation }) => {
    it(`→ ${expected}, with nothing of the victim's in the answer and nothing of theirs changed`, async () => {
      const { api, feed, sent } = await call(row, actor, victim);
      switch (expectation.kind) {
        case 'api-error':
          expectApiError(api!, expectation.status, expectation.code as never);
          break;
        case 'public':
          expect({ status: api!.status, code: (api!.body as { code?: string })?.code }).toEqual({
            status: expectation.status,
            code: expectation.code ?? (api!.body as { code?: string })?.code,
          });
          break;
        case 'ok': {
          expect({
            status: api!.status,
            body: api!.status === expectation.status ? '' : api!.text,
          }).toEqual({
            status: expectation.status,
            body: '',
          });
          if (row.emptyItems) expect((api!.body as HistoryPage | InventoryPage).items).toEqual([]);
          break;
        }
        case 'odata-challenge':
          expectChallenge(feed!);
          break;
        case 'odata-error':
          expectODataError(feed!, expectation.status);
          break;
        case 'odata-ok':
          expect({ status: feed!.status, body: feed!.status === 200 ? '' : feed!.text }).toEqual({
            status: 200,
            body: '',
          });
          break;
      }
      // A data source shared with rita shows its owner to her; every other answer is blind.
      if (expectation.kind !== 'odata-ok') expectNoVictimData(api?.text ?? feed!.text, sent);
      expect(JSON.parse(await victimState())).toEqual(JSON.parse(baseline));
    });
  });

  describe('existence is not leaked through other doors', () => {
    it('the feed answers a well-formed token nobody holds, sent with the victim’s username, with the same 401 challenge', async () => {
      const res = await feedGet(test, `/odata/${victim.sourceKey}/`, {
        headers: {
          authorization: basicAuth(VICTIM, generateTokenValue()),
          'x-forwarded-for': address(250),
        },
      });
      expectChallenge(res);
      expectNoVictimData(res.text, '');
    });

    it("another tenant's user using their own token with the victim's username is refused (401), not let in as the victim", async () => {
      const res = await withFeedToken('hank', (token) =>
        feedGet(test, `/odata/${victim.sourceKey}/`, {
          credentials: { username: VICTIM, token },
          headers: { 'x-forwarded-for': address(251) },
        }),
      );
      expectChallenge(res);
    });

    it('an unknown data source key and the victim’s key look the same to another tenant (404, same body)', async () => {
      const [theirs, unknown] = await withFeedToken('hank', async (token) => [
        await feedGet(test, `/odata/${victim.sourceKey}/`, {
          credentials: { username: 'hank', token },
        }),
        await feedGet(test, `/odata/${'Z'.repeat(victim.sourceKey.length)}/`, {
          credentials: { username: 'hank', token },
        }),
      ]);
      expect([theirs.status, theirs.text]).toEqual([unknown.status, unknown.text]);
    });

    it.each([
      ['PATCH', '/api/tokens/:id', { label: 'x' }],
      ['POST', '/api/tokens/:id/revoke', undefined],
      ['POST', '/api/tokens/:id/rotate', undefined],
      ['DELETE', '/api/data-sources/:id', undefined],
    ] as const)(
      '%s %s: the victim’s id and a random id give another tenant the same 404 body',
      async (method, path, body) => {
        const real = path.includes('tokens') ? victim.tokenId : victim.sourceId;
        const theirs = await clients.hank.request(method, path.replace(':id', real), body);
        const random = await clients.hank.request(
          method,
          path.replace(':id', '00000000-0000-4000-8000-000000000000'),
          body,
        );
        expect([theirs.status, theirs.text]).toEqual([random.status, random.text]);
      },
    );

    it('an admin of another tenant deactivating the victim gets the same 404 as for a user that does not exist', async () => {
      const theirs = await clients.gina.post(`/api/admin/users/${victim.userId}/deactivate`);
      const random = await clients.gina.post(
        '/api/admin/users/00000000-0000-4000-8000-000000000000/deactivate',
      );
      expect([theirs.status, theirs.text]).toEqual([random.status, random.text]);
    });

    it.each([
      ['by username', () => ({ username: VICTIM })],
      ['by user id', () => ({ userId: victim.userId })],
    ])(
      'sharing one’s own data source with a user of another tenant (%s) is 404 like an unknown user (SPEC 7: a user of another tenant is 404)',
      async (_, body) => {
        const own = await createDataSource(clients.hank, `hank's own ${callCounter++}`, ['deals']);
        const toVictim = await clients.hank.post(`/api/data-sources/${own.id}/shares`, body());
        const toNobody = await clients.hank.post(`/api/data-sources/${own.id}/shares`, {
          username: 'no-such-user-anywhere',
        });
        expectApiError(toVictim, 404, 'not_found');
        expect(toVictim.text).toBe(toNobody.text);
        expect(JSON.parse(await victimState())).toEqual(JSON.parse(baseline));
      },
    );
  });

  describe('controls: the legitimate caller gets through (on fresh resources), so the refusals above mean something', () => {
    let fresh = 0;

    /** New resources of the victim (and a new user of Acme for the admin routes). */
    async function freshIds(): Promise<VictimIds> {
      fresh += 1;
      const token = await mint(clients.victim, `control ${fresh}`);
      const source = await createDataSource(clients.victim, `control source ${fresh}`, [
        'deals',
        'accounts',
      ]);
      expect(
        (await clients.victim.post(`/api/data-sources/${source.id}/shares`, { username: 'rita' }))
          .status,
      ).toBe(200);
      const user = await clients.alice.post<{ id: string }>(
        '/api/admin/users',
        newUserBody(victim, 'alice', 1000 + fresh),
      );
      expect(user.status).toBe(201);
      return {
        userId: user.body.id,
        username: VICTIM,
        tokenId: token.token.id,
        sourceId: source.id,
        sourceKey: feedKey(source),
        shareeId: users.rita.id,
        sessionId: await newVictimSession(),
      };
    }

    it.each(MATRIX.map((row) => [rowName(row), row.control.as, row.control.status, row] as const))(
      '%s as %s → %s',
      async (_name, as, status, row) => {
        const ids = await freshIds();
        const who: Caller | 'nobody' = as === 'victim' ? 'victim' : as;
        const body = row.body?.(ids, who, ++callCounter);
        const path =
          fillPath(row.path, row.params?.(ids) ?? {}) + (row.query ? `?${row.query(ids)}` : '');
        let got: number;
        let text: string;
        if (row.access === 'odata') {
          const res = await withFeedToken(who as Exclude<Caller, 'nobody'>, (token) =>
            feedGet(test, path, { credentials: { username: usernameOf(who as Caller), token } }),
          );
          [got, text] = [res.status, res.text];
        } else if (row.path === '/api/auth/login') {
          const client = await anonymous();
          const res = await client.post(path, { username: VICTIM, password: TEST_PASSWORD });
          [got, text] = [res.status, res.text];
        } else {
          const client =
            who === 'nobody'
              ? await anonymous()
              : row.path === '/api/auth/logout'
                ? await signInAs(usernameOf(who))
                : clients[who];
          const res = await client.request(httpMethod(row), path, body, row.headers ?? {});
          [got, text] = [res.status, res.text];
        }
        expect({ status: got, body: got === status ? '' : text.slice(0, 500) }).toEqual({
          status,
          body: '',
        });
        // Free the victim's slots for the next control.
        await clients.victim.post('/api/tokens/revoke-all');
      },
    );
  });
});
