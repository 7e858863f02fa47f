import type { InventoryToken, Token, TokenScope } from '@feedpass/contracts';
import { tokenStatus, type AccessToken, type User } from '@feedpass/domain';
import { toUserRef } from '../common/user-ref.js';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** The data sources of scoped tokens, by token id (`AccessTokenRepository.scopesOf`). */
export type ScopeLists = ReadonlyMap<string, { id: string; name: string }[]>;
const NO_SCOPES: ScopeLists = new Map();

/** The one place a token row becomes a response: never the value, never the digest. */
export function toToken(token: AccessToken, now: Date, scopes: ScopeLists = NO_SCOPES): Token {
  const scope: TokenScope = token.scoped
    ? { kind: 'data_sources', dataSources: scopes.get(token.id) ?? [] }
    : { kind: 'all' };
  return {
    id: token.id,
    label: token.label,
    createdAt: token.createdAt.toISOString(),
    expiresAt: iso(token.expiresAt),
    status: tokenStatus(token, now),
    revokedAt: iso(token.revokedAt),
    revokeReason: token.revokeReason ?? null,
    scope,
    lastUsedAt: iso(token.lastUsedAt),
    lastUsedIp: token.lastUsedIp ?? null,
    lastUsedClient: token.lastUsedClient ?? null,
    lastRejectedAt: iso(token.lastRejectedAt),
    lastRejectedIp: token.lastRejectedIp ?? null,
    lastRejectedClient: token.lastRejectedClient ?? null,
  };
}

export function toInventoryToken(
  token: AccessToken,
  now: Date,
  scopes: ScopeLists = NO_SCOPES,
): InventoryToken {
  return { ...toToken(token, now, scopes), owner: toUserRef(token.owner as User) };
}
