/**
 * When an unused token is revoked (SPEC 12): `revokeUnusedAfterDays` after its last use, or
 * after it was minted if it was never used, and when its owner is warned before: the
 * thresholds of `notifyDaysBefore` shorter than that stretch (a threshold of the stretch or
 * more would warn about a token that is not idle yet), only the nearest one reached. Each
 * threshold's notice counts from one last use, so a token used again and then idle again
 * gets a fresh round of them.
 *
 * Only the expiry sweep's set-based statements apply this rule (`NoticeRepository.revokeUnused`
 * and `queueUnusedNotices`), so it is written in SQL alone: these are its pieces. Days are
 * exact 24 hours (see notices.ts).
 */
export const unusedSql = {
  /**
   * What the idle stretch counts from: the last use, or minting. `t` is an access_token
   * alias; this is exactly the expression of the partial index `access_token_unused_index`
   * (tenant_id, coalesce(last_used_at, created_at)).
   */
  lastUse: (t: string) => `coalesce(${t}.last_used_at, ${t}.created_at)`,
  /**
   * The last use at or before which a token is `days` days idle at `now` (a timestamptz and an
   * integer expression): `lastUse <=` it means the token is due for revocation. A range on
   * `lastUse` against this is what the index serves, so each side of a comparison is kept as
   * written here.
   */
  lastUseBefore: (now: string, days: string) => `${now} - ${days} * interval '24 hours'`,
  /** The moment a token is revoked as unused after `days` days. */
  revokesAt: (t: string, days: string) => `${unusedSql.lastUse(t)} + ${days} * interval '24 hours'`,
};
