import {
  DEFAULT_NOTIFY_DAYS_BEFORE,
  LIFETIME_DAYS_MAX,
  LIFETIME_DAYS_MIN,
  NOTIFY_DAYS_MAX,
  NOTIFY_DAYS_MAX_COUNT,
  NOTIFY_DAYS_MIN,
  POLICY_MODES,
  REVOKE_UNUSED_DAYS_MAX,
  REVOKE_UNUSED_DAYS_MIN,
  type ErrorCode,
  type PolicyMode,
} from '@feedpass/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PolicyRules {
  mode: PolicyMode;
  lifetimeDays: number | null;
  notifyDaysBefore: number[];
  /** Active tokens unused for this many days are revoked (rules/unused-tokens.ts); null: never. */
  revokeUnusedAfterDays: number | null;
}

export const DEFAULT_POLICY: PolicyRules = {
  mode: 'none',
  lifetimeDays: null,
  notifyDaysBefore: DEFAULT_NOTIFY_DAYS_BEFORE,
  revokeUnusedAfterDays: null,
};

/** A policy as submitted: `revokeUnusedAfterDays` left out keeps the current setting. */
export type PolicyChange = Omit<PolicyRules, 'revokeUnusedAfterDays'> & {
  revokeUnusedAfterDays?: number | null;
};

/** The rules after a change: what it leaves out stays as it was. */
export function applyPolicyChange(current: PolicyRules, change: PolicyChange): PolicyRules {
  return {
    ...change,
    revokeUnusedAfterDays:
      change.revokeUnusedAfterDays === undefined
        ? current.revokeUnusedAfterDays
        : change.revokeUnusedAfterDays,
  };
}

export type RuleResult<T> =
  { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };
const fail = (code: ErrorCode, message: string) => ({ ok: false as const, code, message });

/**
 * Checks a policy an admin submits; returns it normalised (notice days largest first), with
 * `revokeUnusedAfterDays` only when it was given (omitted: unchanged, see applyPolicyChange).
 */
export function validatePolicy(input: {
  mode: unknown;
  lifetimeDays: unknown;
  notifyDaysBefore: unknown;
  revokeUnusedAfterDays?: unknown;
  applyToExisting?: unknown;
}): RuleResult<PolicyChange> {
  if (!POLICY_MODES.includes(input.mode as PolicyMode)) {
    return fail('invalid_policy', `mode must be one of ${POLICY_MODES.join(', ')}`);
  }
  const mode = input.mode as PolicyMode;
  let lifetimeDays: number | null = null;
  if (mode === 'none') {
    if (input.lifetimeDays !== null && input.lifetimeDays !== undefined) {
      return fail('invalid_policy', 'lifetimeDays must be null when mode is none');
    }
  } else {
    const days = input.lifetimeDays;
    if (
      typeof days !== 'number' ||
      !Number.isInteger(days) ||
      days < LIFETIME_DAYS_MIN ||
      days > LIFETIME_DAYS_MAX
    ) {
      return fail(
        'invalid_policy',
        `lifetimeDays must be a whole number from ${LIFETIME_DAYS_MIN} to ${LIFETIME_DAYS_MAX} when mode is ${mode}`,
      );
    }
    lifetimeDays = days;
  }
  const notify = input.notifyDaysBefore;
  if (
    !Array.isArray(notify) ||
    notify.length > NOTIFY_DAYS_MAX_COUNT ||
    notify.some(
      (d) =>
        typeof d !== 'number' || !Number.isInteger(d) || d < NOTIFY_DAYS_MIN || d > NOTIFY_DAYS_MAX,
    ) ||
    new Set(notify).size !== notify.length
  ) {
    return fail(
      'invalid_policy',
      `notifyDaysBefore must be a list of at most ${NOTIFY_DAYS_MAX_COUNT} distinct whole days from ${NOTIFY_DAYS_MIN} to ${NOTIFY_DAYS_MAX}`,
    );
  }
  const unused = input.revokeUnusedAfterDays;
  if (
    unused !== undefined &&
    unused !== null &&
    (typeof unused !== 'number' ||
      !Number.isInteger(unused) ||
      unused < REVOKE_UNUSED_DAYS_MIN ||
      unused > REVOKE_UNUSED_DAYS_MAX)
  ) {
    return fail(
      'invalid_policy',
      `revokeUnusedAfterDays must be a whole number of days from ${REVOKE_UNUSED_DAYS_MIN} to ${REVOKE_UNUSED_DAYS_MAX}, or null to never revoke unused tokens`,
    );
  }
  if (input.applyToExisting !== undefined && typeof input.applyToExisting !== 'boolean') {
    return fail('invalid_policy', 'applyToExisting must be true or false');
  }
  if (input.applyToExisting === true && mode === 'none') {
    return fail('invalid_policy', 'applyToExisting applies only to the fixed and max modes');
  }
  const value: PolicyChange = {
    mode,
    lifetimeDays,
    notifyDaysBefore: [...(notify as number[])].sort((a, b) => b - a),
  };
  if (unused !== undefined) value.revokeUnusedAfterDays = unused as number | null;
  return { ok: true, value };
}

/**
 * The expiry a newly minted token gets under a policy. `requested` undefined means "the
 * default"; null asks for no expiry.
 */
export function resolveMintExpiry(
  policy: PolicyRules,
  requested: Date | null | undefined,
  now: Date,
): RuleResult<Date | null> {
  const limit =
    policy.lifetimeDays === null ? null : new Date(now.getTime() + policy.lifetimeDays * DAY_MS);
  const outer = new Date(now.getTime() + LIFETIME_DAYS_MAX * DAY_MS);
  switch (policy.mode) {
    case 'fixed':
      if (requested !== undefined) {
        return fail(
          'expiry_not_allowed',
          `The tenant policy sets every token to expire ${policy.lifetimeDays} days after it is created; leave expiresAt out`,
        );
      }
      return { ok: true, value: limit };
    case 'max':
      if (requested === undefined) return { ok: true, value: limit };
      if (requested === null) {
        return fail(
          'expiry_required',
          `The tenant policy requires an expiry within ${policy.lifetimeDays} days`,
        );
      }
      if (requested <= now || requested > limit!) {
        return fail(
          'expiry_out_of_range',
          `expiresAt must be in the future and at most ${policy.lifetimeDays} days from now (${limit!.toISOString()})`,
        );
      }
      return { ok: true, value: requested };
    case 'none':
      if (!requested) return { ok: true, value: null };
      if (requested <= now || requested > outer) {
        return fail(
          'expiry_out_of_range',
          `expiresAt must be in the future and at most ${LIFETIME_DAYS_MAX} days from now`,
        );
      }
      return { ok: true, value: requested };
  }
}

/**
 * The expiry of a rotation's replacement: fixed and max give the policy's full lifetime;
 * with no policy the replacement keeps the replaced token's lifetime (or none).
 */
export function resolveRotationExpiry(
  policy: PolicyRules,
  replaced: { createdAt: Date; expiresAt?: Date | null },
  now: Date,
): Date | null {
  if (policy.lifetimeDays !== null && policy.mode !== 'none') {
    return new Date(now.getTime() + policy.lifetimeDays * DAY_MS);
  }
  if (!replaced.expiresAt) return null;
  const lifetime = replaced.expiresAt.getTime() - replaced.createdAt.getTime();
  return new Date(now.getTime() + Math.max(lifetime, DAY_MS));
}

/** The latest expiry an active token may keep after `applyToExisting`. */
export function shortenedExpiryLimit(policy: PolicyRules, now: Date): Date | null {
  return policy.mode === 'none' || policy.lifetimeDays === null
    ? null
    : new Date(now.getTime() + policy.lifetimeDays * DAY_MS);
}
