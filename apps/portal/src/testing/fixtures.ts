import type { CurrentUser, Token, TokenList, UserSummary } from '@feedpass/contracts';

/** Fixtures shared by the specs. */
export const ADMIN: CurrentUser = {
  id: 'u-admin',
  username: 'demo-admin',
  email: 'admin@example.com',
  displayName: 'Ada Admin',
  role: 'admin',
  timeZone: 'Asia/Tokyo',
  tenant: { id: 't1', name: 'Demo' },
};

export const USER: CurrentUser = {
  ...ADMIN,
  id: 'u-user',
  username: 'demo-user',
  email: 'user@example.com',
  displayName: 'Uma User',
  role: 'user',
};

export function summary(user: CurrentUser, extra: Partial<UserSummary> = {}): UserSummary {
  const { tenant: _tenant, ...rest } = user;
  return {
    ...rest,
    status: 'active',
    createdAt: '2024-01-01T23:30:00Z',
    deactivatedAt: null,
    invitation: null,
    ...extra,
  };
}

/** Arguments for `TestRequest.flush` that answer like the API's error filter. */
export function apiError(statusCode: number, code: string, message: string) {
  return [
    { statusCode, code, message },
    { status: statusCode, statusText: code },
  ] as const;
}

/** A token as the API lists it; `extra` overrides any field. */
export function token(extra: Partial<Token> = {}): Token {
  return {
    id: 't-1',
    label: 'Laptop',
    createdAt: '2024-01-01T23:30:00Z',
    expiresAt: null,
    status: 'active',
    revokedAt: null,
    revokeReason: null,
    scope: { kind: 'all' },
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedClient: null,
    lastRejectedAt: null,
    lastRejectedIp: null,
    lastRejectedClient: null,
    ...extra,
  };
}

export function tokenList(items: Token[], maxActive = 5): TokenList {
  return { items, activeCount: items.filter((t) => t.status === 'active').length, maxActive };
}

/** A syntactically valid token value (never a real one). */
export const TOKEN_VALUE = 'fpat_abcdefghijklmnopqrstuvwxyz0123456789';
