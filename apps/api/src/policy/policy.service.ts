import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Policy, PolicyUpdateResult } from '@feedpass/contracts';
import {
  applyPolicyChange,
  DEFAULT_POLICY,
  shortenedExpiryLimit,
  TokenPolicy,
  type PolicyChange,
  type PolicyRules,
  type User,
} from '@feedpass/domain';
import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import { Clock } from '../common/clock.js';
import { toUserRef } from '../common/user-ref.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { noticeKind } from '../mail/notice-kinds.js';
import { NoticeRepository } from '../mail/notice.repository.js';
import { AccessTokenRepository } from '../tokens/access-token.repository.js';
import { PolicyRepository } from './policy.repository.js';

const rulesOf = (row: TokenPolicy): PolicyRules => ({
  mode: row.mode,
  lifetimeDays: row.lifetimeDays ?? null,
  notifyDaysBefore: row.notifyDaysBefore,
  revokeUnusedAfterDays: row.revokeUnusedAfterDays ?? null,
});

/**
 * The tenant's token expiry policy: no expiry, a fixed lifetime, or a maximum one, the days
 * before expiry on which owners are notified, and after how many days without use a token is
 * revoked (the expiry job does it). Until an admin saves one, the default applies (no expiry;
 * the default notice days; unused tokens kept).
 */
@Injectable()
export class PolicyService {
  constructor(
    private readonly em: EntityManager,
    private readonly policies: PolicyRepository,
    private readonly tokens: AccessTokenRepository,
    private readonly notices: NoticeRepository,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
  ) {}

  async get(tenantId: string): Promise<Policy> {
    const row = await this.policies.find(this.em, tenantId, true);
    if (row) return toPolicy(row);
    const tenant = await this.policies.tenant(tenantId);
    return {
      ...DEFAULT_POLICY,
      updatedAt: tenant.createdAt.toISOString(),
      updatedBy: null,
    };
  }

  /** The rules in force, read inside the caller's transaction. */
  async rules(em: EntityManager, tenantId: string): Promise<PolicyRules> {
    const row = await this.policies.find(em, tenantId);
    return row ? rulesOf(row) : DEFAULT_POLICY;
  }

  /** `change`: validated by the request's DTO; what it leaves out stays as it was. */
  async update(
    actor: Caller,
    change: PolicyChange,
    applyToExisting: boolean,
  ): Promise<PolicyUpdateResult> {
    return this.em.transactional(async (em) => {
      await this.policies.lockTenant(em, actor.tenantId);
      const now = this.clock.now();
      const row = await this.policies.find(em, actor.tenantId);
      const previous = row ? rulesOf(row) : DEFAULT_POLICY;
      const next = applyPolicyChange(previous, change);
      const policy = row ?? em.create(TokenPolicy, { tenant: actor.tenantId, ...next });
      em.assign(policy, { ...next, updatedBy: actor.userId, updatedAt: now });
      this.history.recordBy(em, actor, {
        type: 'policy.changed',
        details: { from: previous, to: next, applyToExisting },
      });
      let shortened = 0;
      const limit = shortenedExpiryLimit(next, now);
      if (applyToExisting && limit) {
        const rows = await this.tokens.shortenActive(em, actor.tenantId, limit, now);
        shortened = rows.length;
        // Their owners get the expiry email too: one per owner, listing them.
        if (rows.length) {
          const ids = rows.map((r) => r.id);
          await this.notices.queueFor(em, ids, noticeKind.shortened(limit), now, randomUUID());
        }
        for (const token of rows) {
          this.history.recordBy(em, actor, {
            type: 'token.expiry_shortened',
            subjectUserId: token.owner_id,
            token: { id: token.id, label: token.label },
            details: {
              from: token.old_expires_at ? new Date(token.old_expires_at).toISOString() : null,
              to: limit.toISOString(),
            },
          });
        }
      }
      // New thresholds or new expiries: every live token's next notice moves accordingly.
      await this.tokens.rescheduleNotices(em, actor.tenantId, next.notifyDaysBefore, now);
      await em.flush();
      await em.populate(policy, ['updatedBy']);
      return { ...toPolicy(policy), shortenedTokens: shortened };
    });
  }
}

function toPolicy(row: TokenPolicy): Policy {
  return {
    ...rulesOf(row),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy ? toUserRef(row.updatedBy as User) : null,
  };
}
