import { Injectable } from '@nestjs/common';
import type { FailedMailList } from '@feedpass/contracts';
import { OutboxRepository } from './outbox.repository.js';

@Injectable()
export class MailAdminService {
  constructor(private readonly outbox: OutboxRepository) {}

  async failed(tenantId: string): Promise<FailedMailList> {
    const rows = await this.outbox.failed(tenantId);
    const queued = await this.outbox.count('queued', tenantId);
    return {
      queued,
      items: rows.map((r) => ({
        id: r.id,
        createdAt: new Date(r.created_at).toISOString(),
        attempts: r.attempts,
        lastError: r.last_error,
        recipient: { id: r.user_id, username: r.username, displayName: r.display_name },
        tokenLabels: r.labels,
      })),
    };
  }
}
