import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_NOTIFY_DAYS_BEFORE } from '@feedpass/contracts';
import {
  activeTokenSql,
  expiredTokenSql,
  isoTimeSql,
  nextNoticeAtSql,
  noticeSql,
  unusedSql,
} from '@feedpass/domain';
import { executeNamed } from '../database/sql.js';
import { insertHistorySql } from '../history/history.repository.js';
import { unusedBeforeKindSql, type NoticeDetails } from './notice-kinds.js';

/** Any constant: the key of the advisory lock that lets one instance sweep at a time. */
const SWEEP_LOCK = 0x6670_6578; // "fpex"
const DEFAULT_THRESHOLDS = `'${JSON.stringify(DEFAULT_NOTIFY_DAYS_BEFORE)}'::jsonb`;

export interface QueuedCounts {
  notices: number;
  emails: number;
}

/**
 * SQL that turns rows of due notices into token_notice rows and outbox emails, in one
 * statement. `due` must yield (token_id, kind, tenant_id, owner_id, details: jsonb or null); rows whose owner is not
 * active are dropped, a notice that already exists (unique token + kind) is skipped, and
 * all of one owner's new notices of this run share one email: its id is derived from the
 * owner and the run id.
 */
function queueNoticesSql(due: string, extraCounts = ''): string {
  return `${due},
    queued as (
      insert into token_notice (id, token_id, kind, tenant_id, owner_id, outbox_id, created_at, details)
      select gen_random_uuid(), d.token_id, d.kind, d.tenant_id, d.owner_id,
             md5(d.owner_id::text || :run)::uuid, :now, d.details
        from due_notices d join app_user u on u.id = d.owner_id and u.status = 'active'
      on conflict (token_id, kind) do nothing
      returning outbox_id, tenant_id, owner_id),
    emails as (
      insert into mail_outbox (id, tenant_id, user_id, status, attempts, next_attempt_at, created_at)
      select distinct outbox_id, tenant_id, owner_id, 'queued', 0, :now, :now from queued
      on conflict (id) do nothing
      returning id)
    select ${extraCounts} (select count(*) from queued)::int as notices, (select count(*) from emails)::int as emails`;
}

/**
 * Expiry notices (token_notice) and the outbox emails that carry them: the set-based
 * statements of the expiry sweep and of a policy that shortens tokens. Each statement
 * starts from a partial index of what is due, so a run costs what is due, not what exists.
 */
@Injectable()
export class NoticeRepository {
  /** False when another instance holds the sweep lock (until the end of its transaction). */
  async tryLockSweep(em: EntityManager): Promise<boolean> {
    const [{ locked }] = await executeNamed<{ locked: boolean }>(
      em,
      'select pg_try_advisory_xact_lock(:key) as locked',
      { key: SWEEP_LOCK },
    );
    return locked;
  }

  /** Marks every token whose expiry passed, with one `token.expired` event and one notice each. */
  async expireDue(
    em: EntityManager,
    now: Date,
    run: string,
  ): Promise<QueuedCounts & { expired: number }> {
    const [row] = await executeNamed<QueuedCounts & { expired: number }>(
      em,
      queueNoticesSql(
        `with expired as (
          update access_token set expired_at = :now, next_notice_at = null
           where ${expiredTokenSql(':now')} and expired_at is null
          returning id, label, tenant_id, owner_id, expires_at),
        events as (
          ${insertHistorySql(`select tenant_id, :now as occurred_at, 'token.expired'::text as type,
                 null::uuid as actor_id, owner_id as subject_user_id, id as token_id, label as token_label,
                 jsonb_build_object('expiresAt', expires_at) as details
            from expired`)}),
        due_notices as (select id as token_id, 'expired'::text as kind, tenant_id, owner_id, null::jsonb as details from expired)`,
        '(select count(*) from expired)::int as expired,',
      ),
      { now, run },
    );
    return row;
  }

  /**
   * Queues the "expires in N days" notices that fell due, then moves each token's
   * `next_notice_at` to its next threshold (or to its expiry, for the expired notice).
   */
  async queueDueBeforeNotices(em: EntityManager, now: Date, run: string): Promise<QueuedCounts> {
    const [counts] = await executeNamed<QueuedCounts>(
      em,
      queueNoticesSql(`with due as (
          select t.id, t.tenant_id, t.owner_id, t.created_at, t.expires_at, t.revoked_at, t.expired_at,
                 coalesce(p.notify_days_before, ${DEFAULT_THRESHOLDS}) as thresholds
            from access_token t left join token_policy p on p.tenant_id = t.tenant_id
           where t.next_notice_at is not null and t.next_notice_at <= :now
           for update of t),
        moved as (
          update access_token t
             set next_notice_at = case when due.revoked_at is null and due.expired_at is null
                                       then ${nextNoticeAtSql('due.thresholds', ':now')} end
            from due where t.id = due.id),
        -- Only the nearest threshold that fell due: after a pause (or a policy that
        -- shortened the token) a 7-day notice must not follow when 1 day is left.
        due_notices as (
          select distinct on (due.id) due.id as token_id, 'before:' || d.days as kind, due.tenant_id, due.owner_id,
                 null::jsonb as details
            from due, lateral (select value::int as days from jsonb_array_elements_text(due.thresholds)) d
           where due.revoked_at is null and due.expired_at is null and due.expires_at > :now
             and ${noticeSql.dueAt('due', 'd.days')} <= :now
             and ${noticeSql.applies('due', 'd.days')}
           order by due.id, d.days)`),
      { now, run },
    );
    return counts;
  }

  /**
   * One notice of `kind` (see notice-kinds.ts) per token, grouped into one email per owner,
   * each with the same `details` when given.
   */
  async queueFor(
    em: EntityManager,
    tokenIds: string[],
    kind: string,
    now: Date,
    run: string,
    details: NoticeDetails | null = null,
  ): Promise<QueuedCounts> {
    const [counts] = await executeNamed<QueuedCounts>(
      em,
      queueNoticesSql(`with due_notices as (
          select t.id as token_id, :kind::text as kind, t.tenant_id, t.owner_id, :details::jsonb as details
            from access_token t where t.id in (select value::uuid from jsonb_array_elements_text(:ids::jsonb)))`),
      {
        kind,
        ids: JSON.stringify(tokenIds),
        now,
        run,
        details: details && JSON.stringify(details),
      },
    );
    return counts;
  }

  /**
   * The notice of a rejected use (`rejected:<day>`, once per token per UTC day by the unique
   * token + kind key), put in the owner's rejection email that is still collecting, or in a
   * new one that waits `collectMs` before it is due. Rejections arrive one request at a
   * time, so this is how the tokens of one owner that a scheduled refresh broke together
   * share one email, without a run id to group them (an id derived from the owner and a
   * time bucket could name an email already sent, and `on conflict do nothing` would then
   * hang the notice on it, never to go out).
   *
   * Safe across instances, in the caller's transaction:
   * - an advisory lock per owner (taken only while the token has no such notice yet, so a
   *   repeated rejection costs one cheap statement) serializes the owner's rejections, so
   *   two at once find the same email instead of making two;
   * - the email joined must be queued, never tried, not yet due, and lockable: `FOR UPDATE
   *   SKIP LOCKED` skips one the dispatcher has claimed (it claims the same way), and the
   *   dispatcher cannot claim it before this transaction commits, when it reads the notice
   *   with the rest. A sent or claimed email is never joined; a new one is made instead.
   * - joining never postpones an email: it goes out `collectMs` after its first notice.
   */
  async queueRejected(
    em: EntityManager,
    notice: { tokenId: string; ownerId: string; kind: string; details: NoticeDetails },
    now: Date,
    collectMs: number,
  ): Promise<QueuedCounts> {
    const REJECTED_LOCK = 0x6670_726a; // "fprj", with the owner as the second key
    const params = {
      lock: REJECTED_LOCK,
      owner: notice.ownerId,
      token: notice.tokenId,
      kind: notice.kind,
      details: JSON.stringify(notice.details),
      now,
      sendAt: new Date(now.getTime() + collectMs),
    };
    const locked = await executeNamed(
      em,
      `select pg_advisory_xact_lock(:lock::int, hashtext(:owner::text))
         from (select 1) one
        where not exists (select 1 from token_notice where token_id = :token and kind = :kind)`,
      params,
    );
    if (!locked.length) return { notices: 0, emails: 0 };
    const [counts] = await executeNamed<QueuedCounts>(
      em,
      `with joinable as (
         select o.id from mail_outbox o
          where o.user_id = :owner and o.kind = 'notice' and o.status = 'queued' and o.attempts = 0
            and o.next_attempt_at > :now
            and exists (select 1 from token_notice n where n.outbox_id = o.id and n.kind like 'rejected:%')
          order by o.next_attempt_at
          limit 1
          for update of o skip locked),
       due as (
         select t.id, t.tenant_id, t.owner_id
           from access_token t join app_user u on u.id = t.owner_id and u.status = 'active'
          where t.id = :token
            and not exists (select 1 from token_notice where token_id = :token and kind = :kind)),
       fresh as (
         insert into mail_outbox (id, tenant_id, user_id, status, attempts, next_attempt_at, created_at)
         select gen_random_uuid(), tenant_id, owner_id, 'queued', 0, :sendAt, :now
           from due where not exists (select 1 from joinable)
         returning id),
       queued as (
         insert into token_notice (id, token_id, kind, tenant_id, owner_id, outbox_id, created_at, details)
         select gen_random_uuid(), id, :kind::text, tenant_id, owner_id,
                coalesce((select id from joinable), (select id from fresh)), :now, :details::jsonb
           from due
         on conflict (token_id, kind) do nothing
         returning outbox_id)
       select (select count(*) from queued)::int as notices, (select count(*) from fresh)::int as emails`,
      params,
    );
    return counts;
  }

  /**
   * Revokes every active token that its tenant's policy calls unused: not used (or, never
   * used, not since it was minted) for `revoke_unused_after_days`. Each gets reason `unused`,
   * one `token.revoked` event and one `unused` notice (`UnusedDetails` of notice-kinds.ts).
   */
  async revokeUnused(
    em: EntityManager,
    now: Date,
    run: string,
  ): Promise<QueuedCounts & { revoked: number }> {
    const [row] = await executeNamed<QueuedCounts & { revoked: number }>(
      em,
      queueNoticesSql(
        `with due as (
          select t.row_id, p.revoke_unused_after_days as days
            from token_policy p
            cross join lateral (${idleTokensSql(
              "'-infinity'::timestamptz",
              unusedSql.lastUseBefore(':now', 'p.revoke_unused_after_days'),
            )}) t
           where p.revoke_unused_after_days is not null),
        revoked as (
          update access_token t
             set revoked_at = :now, revoke_reason = 'unused', next_notice_at = null, updated_at = :now
            from due
           -- By the row address the scan found (a key lookup per row, never a join over the
           -- table). The row is checked again: if it changed meanwhile, PostgreSQL checks its
           -- newest version, so a use or a revocation committed in between wins.
           where t.ctid = due.row_id
             and t.expired_at is null and ${activeTokenSql(':now', 't')}
             and ${unusedSql.lastUse('t')} <= ${unusedSql.lastUseBefore(':now', 'due.days')}
          returning t.id, t.label, t.tenant_id, t.owner_id, t.last_used_at, due.days),
        events as (
          ${insertHistorySql(`select tenant_id, :now as occurred_at, 'token.revoked'::text as type,
                 null::uuid as actor_id, owner_id as subject_user_id, id as token_id, label as token_label,
                 jsonb_build_object('reason', 'unused', 'lastUsedAt', ${isoTimeSql('last_used_at')}, 'days', days) as details
            from revoked`)}),
        due_notices as (
          select id as token_id, 'unused'::text as kind, tenant_id, owner_id,
                 jsonb_build_object('lastUsedAt', ${isoTimeSql('last_used_at')}, 'days', days) as details
            from revoked)`,
        '(select count(*) from revoked)::int as revoked,',
      ),
      { now, run },
    );
    return row;
  }

  /**
   * Queues the "will be revoked as unused in N days" notices that fell due: for each
   * threshold of `notify_days_before` shorter than the tenant's `revoke_unused_after_days`,
   * `unused-before:<N>:<last use ISO>` (`noticeKind.unusedBefore`, with
   * `UnusedBeforeDetails`), only the nearest threshold reached, once per last use. A
   * token that expires before it would be revoked gets none: its expiry notices tell.
   */
  async queueUnusedNotices(em: EntityManager, now: Date, run: string): Promise<QueuedCounts> {
    const lastUse = 'due.last_use';
    const [counts] = await executeNamed<QueuedCounts>(
      em,
      queueNoticesSql(`with p as (
          select p.tenant_id, p.revoke_unused_after_days as days, d.thresholds, d.widest
            from token_policy p
            cross join lateral (
              select jsonb_agg(value::int) as thresholds, max(value::int) as widest
                from jsonb_array_elements_text(p.notify_days_before)
               where value::int < p.revoke_unused_after_days) d
           where p.revoke_unused_after_days is not null and d.widest is not null),
        -- Tokens inside the widest notice stretch: idle for more than days - widest days, not
        -- yet for days (those are revoked).
        due as (
          select t.id, t.tenant_id, t.owner_id, t.last_used_at, ${unusedSql.lastUse('t')} as last_use,
                 ${unusedSql.revokesAt('t', 'p.days')} as revokes_at, p.days, p.thresholds
            from p
            cross join lateral (${idleTokensSql(
              unusedSql.lastUseBefore(':now', 'p.days'),
              unusedSql.lastUseBefore(':now', '(p.days - p.widest)'),
            )}) t
           where t.expires_at is null or t.expires_at > ${unusedSql.revokesAt('t', 'p.days')}),
        due_notices as (
          select distinct on (due.id) due.id as token_id,
                 ${unusedBeforeKindSql('d.days', lastUse)} as kind,
                 due.tenant_id, due.owner_id,
                 jsonb_build_object('revokesAt', ${isoTimeSql('due.revokes_at')},
                                    'lastUsedAt', ${isoTimeSql('due.last_used_at')}) as details
            from due, lateral (select value::int as days from jsonb_array_elements_text(due.thresholds)) d
           where ${lastUse} <= ${unusedSql.lastUseBefore(':now', '(due.days - d.days)')}
           order by due.id, d.days)`),
      { now, run },
    );
    return counts;
  }
}

/**
 * The active tokens of tenant `p.tenant_id` last used in (`after`, `upTo`], each with its row
 * address (`row_id`): one range of access_token_unused_index, so a statement costs the tokens
 * in that range, not all tokens. The range is two-sided even when only its end matters
 * (`after` -infinity): PostgreSQL has no statistics for the index's expression (it ignores
 * those of partial indexes) and guesses a third of the table for a one-sided bound, enough to
 * plan a read of the whole table, but 0.5 % for a range. OFFSET 0 keeps the subquery a scan
 * per tenant (a lateral join PostgreSQL does not flatten into one over all tokens).
 */
function idleTokensSql(after: string, upTo: string): string {
  const lastUse = unusedSql.lastUse('t');
  return `select t.ctid as row_id, t.* from access_token t
     where t.tenant_id = p.tenant_id and t.expired_at is null and ${activeTokenSql(':now', 't')}
       and ${lastUse} > ${after} and ${lastUse} <= ${upTo}
    offset 0`;
}
