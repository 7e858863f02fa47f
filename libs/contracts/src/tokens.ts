/** Personal access tokens: shown once at creation, at most 5 active per user. */
export const TOKEN_STATUSES = ['active', 'expired', 'revoked'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

export const MAX_ACTIVE_TOKENS = 5;
export const TOKEN_LABEL_MAX = 100;
/** The prefix that lets secret scanners find leaked tokens. */
export const TOKEN_PREFIX = 'fpat_';

/** A token as the API lists it. Times are ISO-8601 UTC. Never carries the value. */
export interface Token {
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  status: TokenStatus;
  revokedAt: string | null;
  lastUsedAt: string | null;
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
