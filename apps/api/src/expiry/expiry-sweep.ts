import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_NOTIFY_DAYS_BEFORE } from '@feedpass/contracts';
import { nextNoticeAtSql } from '@feedpass/domain';
import { randomUUID } from 'node:crypto';
import { executeNamed, queueNoticesSql, type QueuedCounts } from '../mail/notice-queue.js';

/** Any constant: the key of the advisory lock that lets one instance sweep at a time. */
const SWEEP_LOCK = 0x6670_6578; // "fpex"
const DEFAULT_THRESHOLDS = `'${JSON.stringify(DEFAULT_NOTIFY_DAYS_BEFORE)}'::jsonb`;

export interface SweepResult {
  /** False when another instance was sweeping at that moment. */
  ran: boolean;
  expired: number;
  notices: number;
  emails: number;
}

/**
 * One run of the expiry job (SPEC.md section 5), as a few set-based statements in one
 * transaction. Each statement starts from a partial index of what is due — tokens whose
 * expiry passed, tokens whose `next_notice_at` passed — so a run costs what is due, not
 * what exists.
 */
@Injectable()
export class ExpirySweep {
  private readonly logger = new Logger('ExpiryJob');

  constructor(private readonly em: EntityManager) {}

  async run(now: Date): Promise<SweepResult> {
    const result = await this.em.fork().transactional(async (em) => {
      const [{ locked }] = await executeNamed<{ locked: boolean }>(em, 'select pg_try_advisory_xact_lock(:key) as locked', { key: SWEEP_LOCK });
      if (!locked) return { ran: false, expired: 0, notices: 0, emails: 0 };
      const run = randomUUID();
      const expired = await this.expire(em, now, run);
      const before = await this.queueBeforeNotices(em, now, run);
      return { ran: true, expired: expired.expired, notices: expired.notices + before.notices, emails: expired.emails + before.emails };
    });
    if (result.expired || result.notices) this.logger.log(`Sweep: ${JSON.stringify(result)}`);
    return result;
  }

  /** Marks every token whose expiry passed, with one `token.expired` event and one notice each. */
  private async expire(em: EntityManager, now: Date, run: string): Promise<QueuedCounts & { expired: number }> {
    const [row] = await executeNamed<QueuedCounts & { expired: number }>(
      em,
      queueNoticesSql(`with expired as (
          update access_token set expired_at = :now, next_notice_at = null
           where revoked_at is null and expired_at is null and expires_at is not null and expires_at <= :now
          returning id, label, tenant_id, owner_id, expires_at),
        events as (
          insert into history_event (id, tenant_id, occurred_at, type, actor_id, subject_user_id, token_id, token_label, details)
          select gen_random_uuid(), tenant_id, :now, 'token.expired', null, owner_id, id, label,
                 jsonb_build_object('expiresAt', expires_at)
            from expired),
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
  private async queueBeforeNotices(em: EntityManager, now: Date, run: string): Promise<QueuedCounts> {
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
             and due.expires_at - d.days * interval '24 hours' <= :now
             and due.expires_at - due.created_at > d.days * interval '24 hours'
           order by due.id, d.days)`),
      { now, run },
    );
    return counts;
  }
}
