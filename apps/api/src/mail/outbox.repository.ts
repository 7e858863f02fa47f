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
}

export interface NoticeRow {
  token_id: string;
  label: string;
  kind: string;
  expires_at: Date;
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
              u.time_zone, u.status as user_status
         from mail_outbox o join app_user u on u.id = o.user_id
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
      `select n.token_id, t.label, n.kind, t.expires_at, t.revoked_at
         from token_notice n join access_token t on t.id = n.token_id
        where n.outbox_id = ?
        order by t.expires_at, t.label`,
      [outboxId],
    );
  }

  async cancel(em: EntityManager, id: string): Promise<void> {
    await execute(em, `update mail_outbox set status = 'cancelled' where id = ?`, [id]);
  }

  /** A failed attempt: queued again at `retryAt`, or parked as failed. */
  async recordFailure(
    em: EntityManager,
    id: string,
    attempt: { attempts: number; retryAt: Date; error: string; failed: boolean },
  ): Promise<void> {
    await execute(
      em,
      `update mail_outbox set attempts = ?, next_attempt_at = ?, last_error = ?, status = ? where id = ?`,
      [attempt.attempts, attempt.retryAt, attempt.error, attempt.failed ? 'failed' : 'queued', id],
    );
  }

  /** Sent: marked so, with one `token.expiry_notice_sent` event per token still unrevoked. */
  async markSent(em: EntityManager, id: string, attempts: number, now: Date): Promise<void> {
    await execute(
      em,
      `update mail_outbox set status = 'sent', sent_at = ?, attempts = ? where id = ?`,
      [now, attempts, id],
    );
    await execute(
      em,
      insertHistorySql(`select n.tenant_id, ?::timestamptz as occurred_at, 'token.expiry_notice_sent'::text as type,
              null::uuid as actor_id, n.owner_id as subject_user_id, n.token_id, t.label as token_label,
              jsonb_build_object('kind', n.kind, 'expiresAt', t.expires_at) as details
         from token_notice n join access_token t on t.id = n.token_id
        where n.outbox_id = ? and t.revoked_at is null`),
      [now, id],
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
