import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Mailer } from './mailer.js';
import { accountEmail, accountLink } from './account-email.js';
import { isWarning } from './notice-kinds.js';
import { noticeEmail, type NoticeLine, type Recipient } from './notice-email.js';
import { OutboxRepository, type ClaimedRow } from './outbox.repository.js';
import type { MailMessage } from './mailer.js';

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
  /** The dispatch a `kick` started, and whether another was asked for meanwhile. */
  private running: Promise<void> | null = null;
  private again = false;

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

  /**
   * Sends what is due now, in the background, without making the caller wait for SMTP (an
   * invitation or reset email goes out right away, not at the next job tick). Kicks while a
   * dispatch runs coalesce into one more run after it.
   */
  kick(now: () => Date): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.dispatch(now()).catch((error: Error) =>
          this.logger.warn(`Outbox dispatch failed: ${error.message}`),
        );
      } while (this.again);
    })().finally(() => (this.running = null));
  }

  /** Resolves once no kicked dispatch is running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Claims and handles one due message; false when none is left. */
  private async sendOne(now: Date, result: DispatchResult): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const row = await this.outbox.claimNext(em, now);
      if (!row) return false;
      const message = await this.render(em, row, now);
      if (!message) {
        await this.outbox.cancel(em, row.id);
        result.cancelled++;
        return true;
      }
      try {
        await this.mailer.send(message);
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

  /** The email a claimed row stands for, or null when there is nothing left to say. */
  private async render(em: EntityManager, row: ClaimedRow, now: Date): Promise<MailMessage | null> {
    const recipient: Recipient = {
      email: row.email,
      displayName: row.display_name,
      username: row.username,
      timeZone: row.time_zone,
    };
    if (row.user_status !== 'active') return null;
    if (row.kind !== 'notice') {
      // A link used, superseded or expired since it was queued is not worth sending.
      const expiresAt = row.link_expires_at ? new Date(row.link_expires_at) : null;
      if (!row.link_secret || !expiresAt || expiresAt <= now) return null;
      const link = accountLink(this.config.publicUrl, row.kind, row.link_secret);
      return accountEmail(row.kind, recipient, link, expiresAt);
    }
    const notices = await this.outbox.notices(em, row.id);
    // A warning about a token revoked since leaves nothing to warn about; a notice that
    // says it was revoked (or refused) is still worth sending.
    const lines: NoticeLine[] = notices
      .filter((n) => !n.revoked_at || !isWarning(n.kind))
      .map((n) => ({
        tokenId: n.token_id,
        label: n.label,
        kind: n.kind,
        expiresAt: n.expires_at ? new Date(n.expires_at) : null,
        details: n.details,
      }));
    if (!lines.length) return null;
    return noticeEmail(recipient, lines, this.config.publicUrl, now);
  }
}
