import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NoticeRepository } from '../mail/notice.repository.js';

export interface SweepResult {
  /** False when another instance was sweeping at that moment. */
  ran: boolean;
  expired: number;
  /** Tokens revoked as unused (the tenant's `revokeUnusedAfterDays`). */
  unused: number;
  notices: number;
  emails: number;
}

/**
 * One run of the expiry job, as a few set-based statements in one transaction: tokens whose
 * expiry passed are marked expired (a `token.expired` event and an "expired" notice each),
 * tokens unused for the tenant's `revokeUnusedAfterDays` are revoked (a `token.revoked`
 * event, reason `unused`, and an "unused" notice each), then the "expires in N days" and
 * "will be revoked as unused in N days" notices that fell due are queued. Notices go out by
 * email through the outbox, one email per owner and run; one instance sweeps at a time, and a
 * run that fails leaves nothing of itself behind.
 */
@Injectable()
export class ExpirySweep {
  private readonly logger = new Logger('ExpiryJob');

  constructor(
    private readonly em: EntityManager,
    private readonly notices: NoticeRepository,
  ) {}

  async run(now: Date): Promise<SweepResult> {
    const result = await this.em.fork().transactional(async (em) => {
      if (!(await this.notices.tryLockSweep(em))) {
        return { ran: false, expired: 0, unused: 0, notices: 0, emails: 0 };
      }
      const run = randomUUID();
      const expired = await this.notices.expireDue(em, now, run);
      // Before the expiry notices: a token revoked now needs no "expires in N days".
      const unused = await this.notices.revokeUnused(em, now, run);
      const before = await this.notices.queueDueBeforeNotices(em, now, run);
      const unusedBefore = await this.notices.queueUnusedNotices(em, now, run);
      const queued = [expired, unused, before, unusedBefore];
      return {
        ran: true,
        expired: expired.expired,
        unused: unused.revoked,
        notices: queued.reduce((n, q) => n + q.notices, 0),
        emails: queued.reduce((n, q) => n + q.emails, 0),
      };
    });
    if (result.expired || result.unused || result.notices) {
      this.logger.log(`Sweep: ${JSON.stringify(result)}`);
    }
    return result;
  }
}
