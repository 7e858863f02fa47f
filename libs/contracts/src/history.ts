import type { UserRef } from './tokens.js';

/** Every audit event type: what the history records and the portal's History page filters by. */
export const EVENT_TYPES = [
  'token.created',
  'token.label_changed',
  'token.revoked',
  'token.expired',
  'token.expiry_shortened',
  'token.expiry_notice_sent',
  'token.rejected',
  'policy.changed',
  'user.created',
  'user.deactivated',
  'user.reactivated',
  'user.updated',
  'user.invited',
  'user.password_changed',
  'user.password_reset',
  'user.signed_in',
  'sso.changed',
  'sso.refused',
  'data_source.created',
  'data_source.shared',
  'data_source.unshared',
  'data_source.deleted',
  'data_source.updated',
  'data_source.cloned',
  'data_source.transferred',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How a `user.signed_in` happened. */
export const SIGN_IN_METHODS = ['password', 'sso'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/**
 * `sso.refused` details: `{ reason: SsoErrorCode, check?: string }` — the code the sign-in
 * page got and, when the provider's answer failed a check, which one (`aud`, `iss`,
 * `signature`, `nonce`, `state`, `code`); never a token, a code or a secret.
 */
export const SSO_REFUSAL_CHECKS = [
  'aud',
  'iss',
  'signature',
  'nonce',
  'state',
  'code',
  'other',
] as const;
export type SsoRefusalCheck = (typeof SSO_REFUSAL_CHECKS)[number];

export const REVOKE_REASONS = ['user', 'revoke_all', 'rotated', 'unused', 'leaked'] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];

export interface HistoryEvent {
  id: string;
  occurredAt: string;
  type: EventType;
  /** Who did it; null means the system (the expiry job, a policy sweep). */
  actor: UserRef | null;
  /** Whom it is about. */
  subjectUser: UserRef | null;
  /** The token concerned, with its label as it was at that time. */
  token: { id: string; label: string } | null;
  details: Record<string, unknown>;
}

export interface HistoryPage {
  /** Newest first. */
  items: HistoryEvent[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 200;
