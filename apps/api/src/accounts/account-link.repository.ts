import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AccountLinkPurpose } from '@feedpass/domain';
import { execute } from '../database/sql.js';

export interface PendingInvitationRow {
  user_id: string;
  created_at: Date;
  expires_at: Date;
}

/** One-time account links (invitations, password resets), found by the digest of their secret. */
@Injectable()
export class AccountLinkRepository {
  constructor(private readonly em: EntityManager) {}

  /** Deletes the user's unused links of this purpose, so only a newer one works; their ids. */
  async revokeUnused(
    em: EntityManager,
    userId: string,
    purpose: AccountLinkPurpose,
  ): Promise<string[]> {
    const rows = await execute<{ id: string }>(
      em,
      `delete from account_link where user_id = ? and purpose = ? and used_at is null returning id`,
      [userId, purpose],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Uses a live link of this purpose, atomically: of two requests with the same secret one
   * wins, the other finds it used. Its user must be active. Undefined when there is no such
   * link (forged, used, expired, superseded).
   */
  async consume(
    em: EntityManager,
    secretHash: string,
    purpose: AccountLinkPurpose,
    now: Date,
  ): Promise<{ id: string; user_id: string; tenant_id: string } | undefined> {
    const [row] = await execute<{ id: string; user_id: string; tenant_id: string }>(
      em,
      `update account_link l set used_at = ?, updated_at = ?
         from app_user u
        where l.secret_hash = ? and l.purpose = ? and l.used_at is null and l.expires_at > ?
          and u.id = l.user_id and u.status = 'active'
      returning l.id, l.user_id, l.tenant_id`,
      [now, now, secretHash, purpose, now],
    );
    return row;
  }

  /** The tenant's unaccepted invitations (expired ones too), one per user. */
  pendingInvitations(tenantId: string, userId?: string): Promise<PendingInvitationRow[]> {
    return execute<PendingInvitationRow>(
      this.em,
      `select l.user_id, l.created_at, l.expires_at from account_link l
        where l.tenant_id = ? and l.purpose = 'invitation' and l.used_at is null
          ${userId ? 'and l.user_id = ?' : ''}`,
      userId ? [tenantId, userId] : [tenantId],
    );
  }
}
