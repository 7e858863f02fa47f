import type { RevokeReason } from './history.js';

/** Personal access tokens: shown once at creation, at most 5 active per user. */
export const TOKEN_STATUSES = ['active', 'expired', 'revoked'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

export const MAX_ACTIVE_TOKENS = 5;
export const TOKEN_LABEL_MAX = 100;
/** The prefix that lets secret scanners find leaked tokens. */
export const TOKEN_PREFIX = 'fpat_';

/** The User-Agent of Power Query (Power BI Desktop, the Power BI service, Excel). */
export const POWER_QUERY_USER_AGENT = 'Microsoft.Data.Mashup';
/** How much of a User-Agent a token keeps as `lastUsedClient`. */
export const TOKEN_CLIENT_MAX = 200;

/**
 * What a token may read: every data source its owner can read (the default), or only the
 * listed ones. A listed data source the owner loses access to is simply not readable; a
 * deleted one drops out of the list.
 */
export type TokenScope =
  { kind: 'all' } | { kind: 'data_sources'; dataSources: { id: string; name: string }[] };

/** The scope asked for at minting: data source ids the owner can read (1–50 of them). */
export type TokenScopeRequest = { kind: 'all' } | { kind: 'data_sources'; dataSourceIds: string[] };
export const TOKEN_SCOPE_MAX = 50;

/** A token as the API lists it. Times are ISO-8601 UTC. Never carries the value. */
export interface Token {
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  status: TokenStatus;
  revokedAt: string | null;
  /** Why it was revoked (`leaked`: found by secret scanning). Null unless revoked. */
  revokeReason: RevokeReason | null;
  scope: TokenScope;
  lastUsedAt: string | null;
  /** The client address of the last use. */
  lastUsedIp: string | null;
  /** The User-Agent of the last use (at most 200 characters). */
  lastUsedClient: string | null;
  /** The last attempt to use it after it stopped being active (expired or revoked). */
  lastRejectedAt: string | null;
  lastRejectedIp: string | null;
  lastRejectedClient: string | null;
}

export interface TokenList {
  /** Newest first. */
  items: Token[];
  activeCount: number;
  maxActive: number;
}

/** `POST /api/tokens`. Omit `expiresAt` for the policy's default; `null` asks for no expiry. */
export interface CreateTokenRequest {
  label: string;
  expiresAt?: string | null;
  /** Omitted: all my data sources. */
  scope?: TokenScopeRequest;
}

/** The one response that ever carries a token's value. */
export interface CreatedToken {
  token: Token;
  value: string;
}

export interface RotatedToken extends CreatedToken {
  replaced: Token;
}

/** `PATCH /api/tokens/:id`. */
export interface UpdateTokenRequest {
  label: string;
}

export interface RevokeAllResult {
  revoked: number;
}

/** A user as other records name them (history actors, token owners, policy editors). */
export interface UserRef {
  id: string;
  username: string;
  displayName: string;
}

/** A row of the admin token inventory: metadata and owner, never a value. */
export interface InventoryToken extends Token {
  owner: UserRef;
}

export interface InventoryPage {
  items: InventoryToken[];
  nextCursor: string | null;
}
