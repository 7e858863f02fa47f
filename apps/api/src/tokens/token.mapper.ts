import type { InventoryToken, Token } from '@feedpass/contracts';
import { tokenStatus, type AccessToken, type User } from '@feedpass/domain';
import { toUserRef } from '../common/user-ref.js';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** The one place a token row becomes a response: never the value, never the digest. */
export function toToken(token: AccessToken, now: Date): Token {
  return {
    id: token.id,
    label: token.label,
    createdAt: token.createdAt.toISOString(),
    expiresAt: iso(token.expiresAt),
    status: tokenStatus(token, now),
    revokedAt: iso(token.revokedAt),
    lastUsedAt: iso(token.lastUsedAt),
  };
}

export function toInventoryToken(token: AccessToken, now: Date): InventoryToken {
  return { ...toToken(token, now), owner: toUserRef(token.owner as User) };
}
