import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  INVITATION_VALID_DAYS,
  PASSWORD_RESET_VALID_MINUTES,
  type PendingInvitation,
} from '@feedpass/contracts';
import type { AccountLinkPurpose } from '@feedpass/domain';
import { createHash } from 'node:crypto';
import { ApiException } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { OutboxDispatcher } from '../mail/outbox.dispatcher.js';
import { OutboxRepository } from '../mail/outbox.repository.js';
import { AccountLinkRepository } from './account-link.repository.js';

const MINUTE = 60_000;
const VALID_FOR: Record<AccountLinkPurpose, number> = {
  invitation: INVITATION_VALID_DAYS * 24 * 60 * MINUTE,
  password_reset: PASSWORD_RESET_VALID_MINUTES * MINUTE,
};

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** The one answer to a link that does not work, whatever the reason: nothing changes. */
export const invalidLink = () =>
  new ApiException(
    400,
    'invalid_link',
    'This link is not valid: it has expired, was already used, or was replaced by a newer one',
  );

/**
 * Issues one-time links by email and redeems them. A link is stored as a digest; its secret
 * exists only in the email (and in the outbox row until the email is settled).
 */
@Injectable()
export class AccountLinksService {
  constructor(
    private readonly links: AccountLinkRepository,
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: OutboxDispatcher,
    private readonly clock: Clock,
  ) {}

  /**
   * Replaces the user's unused link of this purpose with a new one and queues its email, in
   * the caller's transaction. Call `send()` after the commit.
   */
  async issue(
    em: EntityManager,
    user: { id: string; tenantId: string },
    purpose: AccountLinkPurpose,
  ): Promise<void> {
    await this.revoke(em, user.id, purpose);
    const now = this.clock.now();
    await this.outbox.queueLink(em, {
      tenantId: user.tenantId,
      userId: user.id,
      purpose,
      expiresAt: new Date(now.getTime() + VALID_FOR[purpose]),
      now,
    });
  }

  /** Makes the user's unused links of this purpose stop working; their emails are cancelled. */
  async revoke(em: EntityManager, userId: string, purpose: AccountLinkPurpose): Promise<number> {
    const ids = await this.links.revokeUnused(em, userId, purpose);
    await this.outbox.cancelForLinks(em, ids);
    return ids.length;
  }

  /** Sends queued emails now, in the background (after the transaction that queued them). */
  send(): void {
    this.dispatcher.kick(() => this.clock.now());
  }

  /** Uses a link in the caller's transaction: its user, or `400 invalid_link`. */
  async redeem(
    em: EntityManager,
    secret: string,
    purpose: AccountLinkPurpose,
  ): Promise<{ userId: string; tenantId: string }> {
    const row = await this.links.consume(em, digest(secret), purpose, this.clock.now());
    if (!row) throw invalidLink();
    return { userId: row.user_id, tenantId: row.tenant_id };
  }

  /** The tenant's pending invitations by user id. */
  async pendingInvitations(
    tenantId: string,
    userId?: string,
  ): Promise<Map<string, PendingInvitation>> {
    const now = this.clock.now();
    const rows = await this.links.pendingInvitations(tenantId, userId);
    return new Map(
      rows.map((r) => {
        const expiresAt = new Date(r.expires_at);
        return [
          r.user_id,
          {
            sentAt: new Date(r.created_at).toISOString(),
            expiresAt: expiresAt.toISOString(),
            expired: expiresAt <= now,
          },
        ];
      }),
    );
  }
}
