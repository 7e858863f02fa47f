import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NoticeRepository } from '../mail/notice.repository.js';

export interface SweepResult {
  /** False when another instance was sweeping at that moment. */
  ran: boolean;
  expired: number;
  notices: number;
  emails: number;
}

/**
 * One run of the expiry job, as a few set-based statements in one transaction: tokens whose
 * expiry passed are marked expired (a `token.expired` event and an "expired" notice each),
 * then the "expires in N days" notices that fell due are queued. Notices go out by email
 * through the outbox; one instance sweeps at a time.
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
        return { ran: false, expired: 0, notices: 0, emails: 0 };
      }
      const run = randomUUID();
      const expired = await this.notices.expireDue(em, now, run);
      const before = await this.notices.queueDueBeforeNotices(em, now, run);
      return {
        ran: true,
        expired: expired.expired,
        notices: expired.notices + before.notices,
        emails: expired.emails + before.emails,
      };
    });
    if (result.expired || result.notices) this.logger.log(`Sweep: ${JSON.stringify(result)}`);
    return result;
  }
}
