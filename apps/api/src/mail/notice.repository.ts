import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_NOTIFY_DAYS_BEFORE } from '@feedpass/contracts';
import { expiredTokenSql, nextNoticeAtSql, noticeSql } from '@feedpass/domain';
import { executeNamed } from '../database/sql.js';
import { insertHistorySql } from '../history/history.repository.js';

/** Any constant: the key of the advisory lock that lets one instance sweep at a time. */
const SWEEP_LOCK = 0x6670_6578; // "fpex"
const DEFAULT_THRESHOLDS = `'${JSON.stringify(DEFAULT_NOTIFY_DAYS_BEFORE)}'::jsonb`;

export interface QueuedCounts {
  notices: number;
  emails: number;
}

/**
 * SQL that turns rows of due notices into token_notice rows and outbox emails, in one
 * statement. `due` must yield (token_id, kind, tenant_id, owner_id); rows whose owner is not
 * active are dropped, a notice that already exists (unique token + kind) is skipped, and
 * all of one owner's new notices of this run share one email: its id is derived from the
 * owner and the run id.
 */
function queueNoticesSql(due: string, extraCounts = ''): string {
  return `${due},
    queued as (
      insert into token_notice (id, token_id, kind, tenant_id, owner_id, outbox_id, created_at)
      select gen_random_uuid(), d.token_id, d.kind, d.tenant_id, d.owner_id,
             md5(d.owner_id::text || :run)::uuid, :now
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
        due_notices as (select id as token_id, 'expired'::text as kind, tenant_id, owner_id from expired)`,
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
          select distinct on (due.id) due.id as token_id, 'before:' || d.days as kind, due.tenant_id, due.owner_id
            from due, lateral (select value::int as days from jsonb_array_elements_text(due.thresholds)) d
           where due.revoked_at is null and due.expired_at is null and due.expires_at > :now
             and ${noticeSql.dueAt('due', 'd.days')} <= :now
             and ${noticeSql.applies('due', 'd.days')}
           order by due.id, d.days)`),
      { now, run },
    );
    return counts;
  }

  /** One notice of `kind` per token, grouped into one email per owner. */
  async queueFor(
    em: EntityManager,
    tokenIds: string[],
    kind: string,
    now: Date,
    run: string,
  ): Promise<QueuedCounts> {
    const [counts] = await executeNamed<QueuedCounts>(
      em,
      queueNoticesSql(`with due_notices as (
          select t.id as token_id, :kind::text as kind, t.tenant_id, t.owner_id
            from access_token t where t.id in (select value::uuid from jsonb_array_elements_text(:ids::jsonb)))`),
      { kind, ids: JSON.stringify(tokenIds), now, run },
    );
    return counts;
  }
}
