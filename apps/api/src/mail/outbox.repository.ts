import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { execute } from '../database/sql.js';
import { insertHistorySql } from '../history/history.repository.js';

/** A due outbox email with its recipient, claimed for the caller's transaction. */
export interface ClaimedRow {
  id: string;
  tenant_id: string;
  user_id: string;
  attempts: number;
  email: string;
  display_name: string;
  username: string;
  time_zone: string;
  user_status: string;
  kind: 'notice' | 'invitation' | 'password_reset';
  /** The one-time link's secret of an account email (erased once the row is settled). */
  link_secret: string | null;
  /** When the link stops working; null when the link is gone (superseded) or used. */
  link_expires_at: Date | null;
}

/** Outbox SQL that erases a row's copy of its one-time link as the row settles. */
const ERASE_LINK = 'link_secret = null';

export interface NoticeRow {
  token_id: string;
  label: string;
  kind: string;
  details: Record<string, unknown> | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface FailedRow {
  id: string;
  created_at: Date;
  attempts: number;
  last_error: string | null;
  user_id: string;
  username: string;
  display_name: string;
  labels: string[];
}

/** The mail outbox: emails queued by the expiry sweep, sent and retried by the dispatcher. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly em: EntityManager) {}

  /** The next due email, locked; others skip it, so instances never claim the same one. */
  async claimNext(em: EntityManager, now: Date): Promise<ClaimedRow | undefined> {
    const [row] = await execute<ClaimedRow>(
      em,
      `select o.id, o.tenant_id, o.user_id, o.attempts, u.email, u.display_name, u.username,
              u.time_zone, u.status as user_status, o.kind, o.link_secret,
              case when l.used_at is null then l.expires_at end as link_expires_at
         from mail_outbox o join app_user u on u.id = o.user_id
         left join account_link l on l.id = o.link_id
        where o.status = 'queued' and o.next_attempt_at <= ?
        order by o.next_attempt_at
        limit 1
        for update of o skip locked`,
      [now],
    );
    return row;
  }

  /** The notices an email carries, soonest expiry first. */
  notices(em: EntityManager, outboxId: string): Promise<NoticeRow[]> {
    return execute<NoticeRow>(
      em,
      `select n.token_id, t.label, n.kind, n.details, t.expires_at, t.revoked_at
         from token_notice n join access_token t on t.id = n.token_id
        where n.outbox_id = ?
        order by t.expires_at nulls last, t.label`,
      [outboxId],
    );
  }

  async cancel(em: EntityManager, id: string): Promise<void> {
    await execute(em, `update mail_outbox set status = 'cancelled', ${ERASE_LINK} where id = ?`, [
      id,
    ]);
  }

  /** A failed attempt: queued again at `retryAt`, or parked as failed. */
  async recordFailure(
    em: EntityManager,
    id: string,
    attempt: { attempts: number; retryAt: Date; error: string; failed: boolean },
  ): Promise<void> {
    await execute(
      em,
      `update mail_outbox set attempts = ?, next_attempt_at = ?, last_error = ?, status = ?,
              link_secret = case when ? then null else link_secret end
        where id = ?`,
      [
        attempt.attempts,
        attempt.retryAt,
        attempt.error,
        attempt.failed ? 'failed' : 'queued',
        attempt.failed,
        id,
      ],
    );
  }

  /**
   * Sent: marked so, with one `token.expiry_notice_sent` event per expiry notice (before,
   * expired, shortened) of a token still unrevoked.
   */
  async markSent(em: EntityManager, id: string, attempts: number, now: Date): Promise<void> {
    await execute(
      em,
      `update mail_outbox set status = 'sent', sent_at = ?, attempts = ?, ${ERASE_LINK} where id = ?`,
      [now, attempts, id],
    );
    await execute(
      em,
      insertHistorySql(`select n.tenant_id, ?::timestamptz as occurred_at, 'token.expiry_notice_sent'::text as type,
              null::uuid as actor_id, n.owner_id as subject_user_id, n.token_id, t.label as token_label,
              jsonb_build_object('kind', n.kind, 'expiresAt', t.expires_at) as details
         from token_notice n join access_token t on t.id = n.token_id
        where n.outbox_id = ? and t.revoked_at is null
          and (n.kind like 'before:%' or n.kind = 'expired' or n.kind like 'shortened:%')`),
      [now, id],
    );
  }

  /**
   * Issues a one-time account link and queues the email that carries it, in one statement.
   * PostgreSQL draws the secret (two random UUIDs, 244 random bits, as 64 hex digits), so
   * it never travels as a statement parameter and no query log can hold it; the link row
   * keeps only its SHA-256 digest, the outbox row a copy until the email is settled.
   */
  async queueLink(
    em: EntityManager,
    link: {
      tenantId: string;
      userId: string;
      purpose: 'invitation' | 'password_reset';
      expiresAt: Date;
      now: Date;
    },
  ): Promise<string> {
    const [row] = await execute<{ link_id: string }>(
      em,
      `with secret as (
         select replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') as s),
       link as (
         insert into account_link (id, created_at, updated_at, tenant_id, user_id, purpose, secret_hash, expires_at)
         select gen_random_uuid(), ?, ?, ?, ?, ?, encode(sha256(convert_to(s, 'UTF8')), 'hex'), ?
           from secret
         returning id)
       insert into mail_outbox (id, tenant_id, user_id, status, attempts, next_attempt_at, created_at, kind, link_id, link_secret)
       select gen_random_uuid(), ?, ?, 'queued', 0, ?, ?, ?, link.id, secret.s from link, secret
       returning link_id`,
      [
        link.now,
        link.now,
        link.tenantId,
        link.userId,
        link.purpose,
        link.expiresAt,
        link.tenantId,
        link.userId,
        link.now,
        link.now,
        link.purpose,
      ],
    );
    return row.link_id;
  }

  /** Cancels the unsent emails of these links, erasing their copies of the link. */
  async cancelForLinks(em: EntityManager, linkIds: string[]): Promise<void> {
    if (!linkIds.length) return;
    await execute(
      em,
      `update mail_outbox set status = 'cancelled', ${ERASE_LINK}
        where link_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
          and status = 'queued'`,
      [JSON.stringify(linkIds)],
    );
  }

  /** The tenant's parked emails, newest first, with the labels of the tokens they name. */
  failed(tenantId: string): Promise<FailedRow[]> {
    return execute<FailedRow>(
      this.em,
      `select o.id, o.created_at, o.attempts, o.last_error, u.id as user_id, u.username, u.display_name,
              coalesce((select jsonb_agg(t.label order by t.label) from token_notice n join access_token t on t.id = n.token_id
                         where n.outbox_id = o.id), '[]'::jsonb) as labels
         from mail_outbox o join app_user u on u.id = o.user_id
        where o.tenant_id = ? and o.status = 'failed'
        order by o.created_at desc limit 100`,
      [tenantId],
    );
  }

  /** Emails of a status: of one tenant, or of all (the metrics gauges). */
  async count(status: 'queued' | 'failed', tenantId?: string): Promise<number> {
    const [row] = await execute<{ n: number }>(
      this.em,
      `select count(*)::int as n from mail_outbox where status = ?${tenantId ? ' and tenant_id = ?' : ''}`,
      tenantId ? [status, tenantId] : [status],
    );
    return row.n;
  }
}
