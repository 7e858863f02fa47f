import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Mailer } from './mailer.js';
import { noticeEmail, type NoticeLine, type Recipient } from './notice-email.js';

export const MAX_ATTEMPTS = 15;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** Parallel senders; each claims its own row, so they never send the same message. */
const WORKERS = 4;

/** 30 s, 1 min, 2 min … capped at 1 h: fifteen attempts span about ten hours. */
export function backoff(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

interface ClaimedRow {
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

interface NoticeRow {
  token_id: string;
  label: string;
  kind: string;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface DispatchResult {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

/**
 * Sends the mail outbox. Each message is claimed in its own transaction with
 * `FOR UPDATE SKIP LOCKED`, sent, and marked sent — with one `token.expiry_notice_sent`
 * event per token — before the commit, so instances never send a message twice, and an
 * SMTP failure leaves it queued for a retry with exponential backoff.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger('Outbox');

  constructor(
    private readonly em: EntityManager,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async dispatch(now: Date): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
    if (!this.mailer.configured) return result;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (await this.sendOne(now, result));
      }),
    );
    if (result.sent + result.retried + result.failed) this.logger.log(`Outbox: ${JSON.stringify(result)}`);
    return result;
  }

  /** Claims and handles one due message; false when none is left. */
  private async sendOne(now: Date, result: DispatchResult): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      const ctx = em.getTransactionContext();
      const [row] = await connection.execute<ClaimedRow[]>(
        `select o.id, o.tenant_id, o.user_id, o.attempts, u.email, u.display_name, u.username,
                u.time_zone, u.status as user_status
           from mail_outbox o join app_user u on u.id = o.user_id
          where o.status = 'queued' and o.next_attempt_at <= ?
          order by o.next_attempt_at
          limit 1
          for update of o skip locked`,
        [now],
        'all',
        ctx,
      );
      if (!row) return false;
      const notices = await connection.execute<NoticeRow[]>(
        `select n.token_id, t.label, n.kind, t.expires_at, t.revoked_at
           from token_notice n join access_token t on t.id = n.token_id
          where n.outbox_id = ?
          order by t.expires_at, t.label`,
        [row.id],
        'all',
        ctx,
      );
      // A token revoked since, or an owner deactivated since, leaves nothing to warn about.
      const lines: NoticeLine[] = notices
        .filter((n) => !n.revoked_at)
        .map((n) => ({ tokenId: n.token_id, label: n.label, kind: n.kind, expiresAt: new Date(n.expires_at) }));
      if (!lines.length || row.user_status !== 'active') {
        await connection.execute(`update mail_outbox set status = 'cancelled' where id = ?`, [row.id], 'run', ctx);
        result.cancelled++;
        return true;
      }
      const recipient: Recipient = {
        email: row.email,
        displayName: row.display_name,
        username: row.username,
        timeZone: row.time_zone,
      };
      try {
        await this.mailer.send(noticeEmail(recipient, lines, this.config.publicUrl, now));
      } catch (error) {
        const attempts = row.attempts + 1;
        const failed = attempts >= MAX_ATTEMPTS;
        await connection.execute(
          `update mail_outbox set attempts = ?, next_attempt_at = ?, last_error = ?, status = ? where id = ?`,
          [attempts, new Date(now.getTime() + backoff(attempts)), String((error as Error).message ?? error).slice(0, 500), failed ? 'failed' : 'queued', row.id],
          'run',
          ctx,
        );
        if (failed) result.failed++;
        else result.retried++;
        // One failure usually means the server is down: stop this worker until the next run.
        return false;
      }
      await connection.execute(`update mail_outbox set status = 'sent', sent_at = ?, attempts = ? where id = ?`, [now, row.attempts + 1, row.id], 'run', ctx);
      await connection.execute(
        `insert into history_event (id, tenant_id, occurred_at, type, actor_id, subject_user_id, token_id, token_label, details)
         select gen_random_uuid(), n.tenant_id, ?, 'token.expiry_notice_sent', null, n.owner_id, n.token_id, t.label,
                jsonb_build_object('kind', n.kind, 'expiresAt', t.expires_at)
           from token_notice n join access_token t on t.id = n.token_id
          where n.outbox_id = ? and t.revoked_at is null`,
        [now, row.id],
        'run',
        ctx,
      );
      result.sent++;
      return true;
    });
  }
}
