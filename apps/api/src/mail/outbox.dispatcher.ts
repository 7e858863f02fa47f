import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Mailer } from './mailer.js';
import { accountEmail, accountLink } from './account-email.js';
import { isExpiryNotice, isStaleUnusedWarning, isWarning } from './notice-kinds.js';
import { noticeEmail, type NoticeLine, type Recipient } from './notice-email.js';
import {
  OutboxRepository,
  type ClaimedRow,
  type NoticeRow,
  type Outcome,
  type SentNotice,
} from './outbox.repository.js';
import type { MailMessage } from './mailer.js';

export const MAX_ATTEMPTS = 15;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/**
 * Emails claimed, sent and settled per transaction. It bounds what a crash can resend: the
 * emails of a batch that the SMTP server took before the process died, and before the
 * batch's commit (see {@link OutboxDispatcher}).
 */
export const BATCH_SIZE = 20;
/**
 * Batches in flight at once; each claims its own rows. Two keep the SMTP pool fed while
 * the other settles and claims the next batch.
 */
export const WORKERS = 2;

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
 * The lines of a notice email still worth sending. A warning about a token revoked since
 * leaves nothing to warn about, nor does an unused-token warning (`unused-before:<days>:<last
 * use ISO>`) about a token used since: its last use is no longer the one the warning
 * counted from. A notice that says it was revoked (or refused) is still worth sending.
 */
export function noticeLines(notices: NoticeRow[]): NoticeLine[] {
  return notices
    .filter((n) => !n.revoked_at || !isWarning(n.kind))
    .filter((n) => !isStaleUnusedWarning(n.kind, n.last_use))
    .map((n) => ({
      tokenId: n.token_id,
      label: n.label,
      kind: n.kind,
      expiresAt: n.expires_at ? new Date(n.expires_at) : null,
      details: n.details,
    }));
}

/**
 * Sends the mail outbox in batches. Each worker claims up to {@link BATCH_SIZE} due emails
 * in one statement (`FOR UPDATE SKIP LOCKED`, so instances and workers never claim the same
 * one), reads all their notices in one more, renders them, hands them to the pooled SMTP
 * transport at once, and settles the batch in one statement before the commit: the emails
 * the server accepted are marked sent (with a `token.expiry_notice_sent` event for each
 * expiry notice the email named, as rendered), each refused one is queued again with its own
 * backoff (or parked as failed), and nothing is marked sent before its send succeeded.
 *
 * Exactly once: an email is sent only by the transaction that holds its row lock, and its
 * row says sent when that transaction commits, so no other worker or instance can claim it
 * again. A crash (or a lost database connection) after the SMTP server accepted some emails
 * of a batch and before the batch's commit rolls the whole batch back: those accepted
 * emails, at most {@link BATCH_SIZE} per worker in flight, go out again at the next run.
 * Emails of committed batches, and those of the crashed batch not yet accepted, are never
 * sent twice.
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
    // Every worker ends (its batch settled or rolled back) before the dispatch does, even
    // when another one failed.
    const workers = await Promise.allSettled(
      Array.from({ length: WORKERS }, async () => {
        while (await this.sendBatch(now, result));
      }),
    );
    const failure = workers.find((w) => w.status === 'rejected');
    if (failure) throw failure.reason;
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

  /**
   * Claims, sends and settles one batch in one transaction; false when this worker should
   * stop: nothing more was due, or no email of the batch got through (the server is
   * probably down: the next run tries again).
   */
  private async sendBatch(now: Date, result: DispatchResult): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const rows = await this.outbox.claimBatch(em, now, BATCH_SIZE);
      if (!rows.length) return false;
      const noticeIds = rows.filter((r) => r.kind === 'notice' && r.user_status === 'active');
      const notices = groupBy(
        await this.outbox.notices(
          em,
          noticeIds.map((r) => r.id),
        ),
      );
      const outcomes: Outcome[] = [];
      const retry = (row: ClaimedRow, error: unknown) => {
        const attempts = row.attempts + 1;
        const failed = attempts >= MAX_ATTEMPTS;
        outcomes.push({
          id: row.id,
          status: failed ? 'failed' : 'queued',
          attempts,
          retryAt: new Date(now.getTime() + backoff(attempts)),
          error: String((error as Error)?.message ?? error).slice(0, 500),
        });
        if (failed) result.failed++;
        else result.retried++;
      };
      // Every message is rendered before the first one is sent: a message that cannot be
      // rendered counts as a failed attempt of its own and never aborts a batch mid-send.
      const messages: [ClaimedRow, Rendered][] = [];
      for (const row of rows) {
        let rendered: Rendered | null;
        try {
          rendered = this.render(row, notices.get(row.id) ?? [], now);
        } catch (error) {
          retry(row, error);
          continue;
        }
        if (rendered) messages.push([row, rendered]);
        else {
          outcomes.push({ id: row.id, status: 'cancelled', attempts: row.attempts });
          result.cancelled++;
        }
      }
      let delivered = 0;
      // The expiry notices the sent emails named, as rendered: their history events.
      const sentNotices: SentNotice[] = [];
      const sends = messages.map(([row, { message, lines }]) =>
        this.mailer.send(message).then(
          () => {
            outcomes.push({ id: row.id, status: 'sent', attempts: row.attempts + 1 });
            for (const line of lines)
              if (isExpiryNotice(line.kind))
                sentNotices.push({ outboxId: row.id, tokenId: line.tokenId, kind: line.kind });
            result.sent++;
            delivered++;
          },
          (error: unknown) => retry(row, error),
        ),
      );
      await Promise.all(sends);
      await this.outbox.settle(em, outcomes, sentNotices, now);
      return rows.length === BATCH_SIZE && (delivered > 0 || sends.length === 0);
    });
  }

  /**
   * The email a claimed row stands for, with the notice lines it names, or null when there is
   * nothing left to say.
   */
  private render(row: ClaimedRow, notices: NoticeRow[], now: Date): Rendered | null {
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
      return { message: accountEmail(row.kind, recipient, link, expiresAt), lines: [] };
    }
    const lines = noticeLines(notices);
    if (!lines.length) return null;
    return { message: noticeEmail(recipient, lines, this.config.publicUrl, now), lines };
  }
}

interface Rendered {
  message: MailMessage;
  lines: NoticeLine[];
}

/** Notice rows by the email that carries them, in the order read. */
function groupBy(notices: NoticeRow[]): Map<string, NoticeRow[]> {
  const byOutbox = new Map<string, NoticeRow[]>();
  for (const notice of notices) {
    const list = byOutbox.get(notice.outbox_id);
    if (list) list.push(notice);
    else byOutbox.set(notice.outbox_id, [notice]);
  }
  return byOutbox;
}
