import type { UserRef } from './tokens.js';

/** The tenant's token expiry policy: default and maximum lifetime, and when owners are warned. */
export const POLICY_MODES = ['none', 'fixed', 'max'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export const LIFETIME_DAYS_MIN = 1;
export const LIFETIME_DAYS_MAX = 3650;
export const NOTIFY_DAYS_MIN = 1;
export const NOTIFY_DAYS_MAX = 90;
export const NOTIFY_DAYS_MAX_COUNT = 5;
export const DEFAULT_NOTIFY_DAYS_BEFORE = [7, 1];
export const REVOKE_UNUSED_DAYS_MIN = 7;
export const REVOKE_UNUSED_DAYS_MAX = 3650;

export interface Policy {
  mode: PolicyMode;
  /** Null exactly when `mode` is `none`. */
  lifetimeDays: number | null;
  /** Distinct whole days, largest first. */
  notifyDaysBefore: number[];
  /**
   * Active tokens not used for this many days (counted from the last use, or from minting)
   * are revoked by the job, reason `unused`, with notices `notifyDaysBefore` ahead. Null: off.
   */
  revokeUnusedAfterDays: number | null;
  updatedAt: string;
  updatedBy: UserRef | null;
}

/** `PUT /api/admin/policy`. */
export interface UpdatePolicyRequest {
  mode: PolicyMode;
  lifetimeDays: number | null;
  notifyDaysBefore: number[];
  /** Omitted: unchanged. Null: off; else 7–3650. */
  revokeUnusedAfterDays?: number | null;
  /** With `fixed` or `max`: shorten active tokens that outlive the new limit. */
  applyToExisting?: boolean;
}

export interface PolicyUpdateResult extends Policy {
  /** How many active tokens `applyToExisting` shortened (0 without it). */
  shortenedTokens: number;
}
