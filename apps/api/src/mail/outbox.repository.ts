import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isoTimeSql, unusedSql } from '@feedpass/domain';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids as a PostgreSQL array literal, for `= any(?::uuid[])`: unlike a list unpacked from
 * JSON, PostgreSQL knows its length when it plans, so a batch's statements look its rows up
 * by index instead of scanning the whole outbox (which keeps every email ever sent).
 */
function uuidArray(ids: string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return `{${ids.join(',')}}`;
}

/** Outbox SQL that erases a row's copy of its one-time link as the row settles. */
const ERASE_LINK = 'link_secret = null';
/** The same for a settled batch (`x.status`): the copy stays only while the row is queued. */
const ERASE_LINK_UNLESS_QUEUED =
  "link_secret = case when x.status = 'queued' then o.link_secret end";

export interface NoticeRow {
  outbox_id: string;
  token_id: string;
  label: string;
  kind: string;
  details: Record<string, unknown> | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  /** The token's coalesce(last_used_at, created_at) as an ISO time (`isoTimeSql`). */
  last_use: string;
}

/** A notice a sent email named (as rendered), for its history event. */
export interface SentNotice {
  outboxId: string;
  tokenId: string;
  kind: string;
}

/** How a claimed email settled; `attempts` counts this attempt (a cancel leaves it as it was). */
export type Outcome =
  | { id: string; status: 'sent' | 'cancelled'; attempts: number }
  | { id: string; status: 'queued' | 'failed'; attempts: number; retryAt: Date; error: string };

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

  /**
   * Up to `limit` due emails, oldest due first, each locked `FOR UPDATE SKIP LOCKED` until
   * the caller's transaction ends: other instances (and this one's other workers) skip
   * them, so two never claim the same email.
   */
  claimBatch(em: EntityManager, now: Date, limit: number): Promise<ClaimedRow[]> {
    return execute<ClaimedRow>(
      em,
      `select o.id, o.tenant_id, o.user_id, o.attempts, u.email, u.display_name, u.username,
              u.time_zone, u.status as user_status, o.kind, o.link_secret,
              case when l.used_at is null then l.expires_at end as link_expires_at
         from mail_outbox o join app_user u on u.id = o.user_id
         left join account_link l on l.id = o.link_id
        where o.status = 'queued' and o.next_attempt_at <= ?
        order by o.next_attempt_at
        limit ?
        for update of o skip locked`,
      [now, limit],
    );
  }

  /**
   * The notices of these emails in one statement, each email's soonest expiry first, with
   * the token's current last use (`last_use`, as `unused-before:` kinds spell it).
   */
  notices(em: EntityManager, outboxIds: string[]): Promise<NoticeRow[]> {
    if (!outboxIds.length) return Promise.resolve([]);
    return execute<NoticeRow>(
      em,
      `select n.outbox_id, n.token_id, t.label, n.kind, n.details, t.expires_at, t.revoked_at,
              ${isoTimeSql(unusedSql.lastUse('t'))} as last_use
         from token_notice n join access_token t on t.id = n.token_id
        where n.outbox_id = any(?::uuid[])
        order by n.outbox_id, t.expires_at nulls last, t.label`,
      [uuidArray(outboxIds)],
    );
  }

  /**
   * Settles a claimed batch in one statement: each email sent, queued again for a retry,
   * parked as failed, or cancelled, and one `token.expiry_notice_sent` event per notice of
   * `sentNotices` (the expiry notices the sent emails named, as the dispatcher rendered them)
   * whose email is settled as sent. Every outcome but a retry erases the row's copy of its
   * one-time link.
   */
  async settle(
    em: EntityManager,
    outcomes: Outcome[],
    sentNotices: SentNotice[],
    now: Date,
  ): Promise<void> {
    if (!outcomes.length) return;
    await execute(
      em,
      `with outcome as (
         select * from jsonb_to_recordset(?::jsonb)
           as x(id uuid, status text, attempts int, next_attempt_at timestamptz, last_error text)),
       settled as (
         update mail_outbox o
            set status = x.status, attempts = x.attempts,
                sent_at = case when x.status = 'sent' then ?::timestamptz else o.sent_at end,
                next_attempt_at = coalesce(x.next_attempt_at, o.next_attempt_at),
                last_error = coalesce(x.last_error, o.last_error),
                ${ERASE_LINK_UNLESS_QUEUED}
           from outcome x
          where o.id = any(?::uuid[]) and o.id = x.id
         returning o.id, o.status),
       named as (
         select * from jsonb_to_recordset(?::jsonb) as s(outbox_id uuid, token_id uuid, kind text))
       ${insertHistorySql(`select n.tenant_id, ?::timestamptz as occurred_at, 'token.expiry_notice_sent'::text as type,
              null::uuid as actor_id, n.owner_id as subject_user_id, n.token_id, t.label as token_label,
              jsonb_build_object('kind', n.kind, 'expiresAt', t.expires_at) as details
         from named s
         join settled on settled.id = s.outbox_id and settled.status = 'sent'
         join token_notice n on n.token_id = s.token_id and n.kind = s.kind and n.outbox_id = s.outbox_id
         join access_token t on t.id = n.token_id`)}`,
      [
        JSON.stringify(
          outcomes.map((o) => ({
            id: o.id,
            status: o.status,
            attempts: o.attempts,
            next_attempt_at: o.status === 'queued' || o.status === 'failed' ? o.retryAt : null,
            last_error: o.status === 'queued' || o.status === 'failed' ? o.error : null,
          })),
        ),
        now,
        uuidArray(outcomes.map((o) => o.id)),
        JSON.stringify(
          sentNotices.map((n) => ({ outbox_id: n.outboxId, token_id: n.tokenId, kind: n.kind })),
        ),
        now,
      ],
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
