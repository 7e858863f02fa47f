import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Mailer } from './mailer.js';
import { noticeEmail, type NoticeLine, type Recipient } from './notice-email.js';
import { OutboxRepository } from './outbox.repository.js';

export const MAX_ATTEMPTS = 15;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** Parallel senders; each claims its own row, so they never send the same message. */
const WORKERS = 4;

/** 30 s, 1 min, 2 min … capped at 1 h: fifteen attempts span about ten hours. */
export function backoff(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
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
    private readonly outbox: OutboxRepository,
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
    if (result.sent + result.retried + result.failed)
      this.logger.log(`Outbox: ${JSON.stringify(result)}`);
    return result;
  }

  /** Claims and handles one due message; false when none is left. */
  private async sendOne(now: Date, result: DispatchResult): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const row = await this.outbox.claimNext(em, now);
      if (!row) return false;
      const notices = await this.outbox.notices(em, row.id);
      // A token revoked since, or an owner deactivated since, leaves nothing to warn about.
      const lines: NoticeLine[] = notices
        .filter((n) => !n.revoked_at)
        .map((n) => ({
          tokenId: n.token_id,
          label: n.label,
          kind: n.kind,
          expiresAt: new Date(n.expires_at),
        }));
      if (!lines.length || row.user_status !== 'active') {
        await this.outbox.cancel(em, row.id);
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
        await this.outbox.recordFailure(em, row.id, {
          attempts,
          retryAt: new Date(now.getTime() + backoff(attempts)),
          error: String((error as Error).message ?? error).slice(0, 500),
          failed,
        });
        if (failed) result.failed++;
        else result.retried++;
        // One failure usually means the server is down: stop this worker until the next run.
        return false;
      }
      await this.outbox.markSent(em, row.id, row.attempts + 1, now);
      result.sent++;
      return true;
    });
  }
}
