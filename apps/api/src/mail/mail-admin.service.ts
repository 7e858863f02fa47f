import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { FailedMailList } from '@feedpass/contracts';

interface FailedRow {
  id: string;
  created_at: Date;
  attempts: number;
  last_error: string | null;
  user_id: string;
  username: string;
  display_name: string;
  labels: string[];
}

@Injectable()
export class MailAdminService {
  constructor(private readonly em: EntityManager) {}

  async failed(tenantId: string): Promise<FailedMailList> {
    const connection = this.em.getConnection();
    const rows = await connection.execute<FailedRow[]>(
      `select o.id, o.created_at, o.attempts, o.last_error, u.id as user_id, u.username, u.display_name,
              coalesce((select jsonb_agg(t.label order by t.label) from token_notice n join access_token t on t.id = n.token_id
                         where n.outbox_id = o.id), '[]'::jsonb) as labels
         from mail_outbox o join app_user u on u.id = o.user_id
        where o.tenant_id = ? and o.status = 'failed'
        order by o.created_at desc limit 100`,
      [tenantId],
    );
    const [{ queued }] = await connection.execute<{ queued: number }[]>(
      `select count(*)::int as queued from mail_outbox where tenant_id = ? and status = 'queued'`,
      [tenantId],
    );
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
