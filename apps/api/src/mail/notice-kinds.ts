import { isoTimeSql } from '@feedpass/domain';

/**
 * The kinds of token notice (token_notice.kind) and what each carries in
 * token_notice.details. The unique (token, kind) key makes each notice happen once, so a
 * kind names exactly the occasion: a threshold, a day, an unused stretch.
 *
 * - `before:<days>`: expires in that many days (the expiry sweep).
 * - `expired`: has expired (the expiry sweep).
 * - `shortened:<new expiry ISO>`: a policy change shortened it.
 * - `rejected:<YYYY-MM-DD>`: the first rejected use of an expired or revoked token that UTC
 *   day ({@link RejectedDetails}).
 * - `unused-before:<days>:<last use ISO>`: will be revoked as unused in that many days,
 *   counted from that last use, or minting ({@link UnusedBeforeDetails}).
 * - `unused`: was revoked as unused ({@link UnusedDetails}).
 * - `leaked`: was revoked because secret scanning found it ({@link LeakedDetails}).
 *
 * The kinds that carry their occasion are recognised by their prefix
 * ({@link noticeKindPrefix}); the others are matched exactly (`unused` is no prefix of
 * `unused-before:…`).
 */
export const noticeKindPrefix = {
  before: 'before:',
  shortened: 'shortened:',
  rejected: 'rejected:',
  unusedBefore: 'unused-before:',
} as const;

export const noticeKind = {
  before: (days: number) => `${noticeKindPrefix.before}${days}`,
  expired: 'expired',
  shortened: (limit: Date) => `${noticeKindPrefix.shortened}${limit.toISOString()}`,
  rejected: (at: Date) => `${noticeKindPrefix.rejected}${at.toISOString().slice(0, 10)}`,
  unusedBefore: (days: number, lastUse: Date) =>
    `${noticeKindPrefix.unusedBefore}${days}:${lastUse.toISOString()}`,
  unused: 'unused',
  leaked: 'leaked',
} as const;

/**
 * `noticeKind.unusedBefore` in SQL, as the expiry sweep queues it: `days` an integer
 * expression, `lastUse` a timestamptz one.
 */
export const unusedBeforeKindSql = (days: string, lastUse: string) =>
  `'${noticeKindPrefix.unusedBefore}' || ${days} || ':' || ${isoTimeSql(lastUse)}`;

/**
 * An `unused-before:<days>:<ISO>` kind counted from another last use than `lastUse` (ISO, as
 * `isoTimeSql` spells it): the token was used since, so its warning no longer holds.
 */
export function isStaleUnusedWarning(kind: string, lastUse: string | null): boolean {
  const prefix = noticeKindPrefix.unusedBefore;
  if (!kind.startsWith(prefix)) return false;
  const counted = kind.slice(kind.indexOf(':', prefix.length) + 1);
  return counted !== lastUse;
}

/** A use refused because the token had expired or been revoked. */
export interface RejectedDetails {
  /** ISO time of the refused request. */
  at: string;
  ip: string | null;
  /** The User-Agent, at most 200 characters. */
  client: string | null;
  reason: 'expired' | 'revoked';
}

export interface UnusedBeforeDetails {
  /** ISO time the sweep will revoke it unless it is used before. */
  revokesAt: string;
  /** Null: never used (counted from minting). */
  lastUsedAt: string | null;
}

export interface UnusedDetails {
  lastUsedAt: string | null;
  /** The policy's `revokeUnusedAfterDays` at the time. */
  days: number;
}

export interface LeakedDetails {
  /** Where GitHub found it (the alert's `url`), as given. */
  url: string | null;
  /** The alert's `source` (`content`, `commit`, `issue_comment` …). */
  source: string | null;
}

export type NoticeDetails = RejectedDetails | UnusedBeforeDetails | UnusedDetails | LeakedDetails;

/**
 * A notice about something still to come (an expiry, an unused revocation): pointless once
 * the token is revoked. The others say what happened, so they go out anyway.
 */
export function isWarning(kind: string): boolean {
  return isExpiryNotice(kind) || kind.startsWith(noticeKindPrefix.unusedBefore);
}

/**
 * A notice about the token's expiry (`before:`, `expired`, `shortened:`): once its email is
 * sent, the token's history records it (`token.expiry_notice_sent`).
 */
export function isExpiryNotice(kind: string): boolean {
  return (
    kind.startsWith(noticeKindPrefix.before) ||
    kind === noticeKind.expired ||
    kind.startsWith(noticeKindPrefix.shortened)
  );
}
