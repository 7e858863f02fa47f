import { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Policy, PolicyUpdateResult, UpdatePolicyRequest } from '@feedpass/contracts';
import { DEFAULT_POLICY, nextNoticeAtSql, shortenedExpiryLimit, Tenant, TokenPolicy, User, validatePolicy, type PolicyRules } from '@feedpass/domain';
import { randomUUID } from 'node:crypto';
import { ApiException } from '../common/api-exception.js';
import { executeNamed, queueNoticesSql } from '../mail/notice-queue.js';
import { Clock } from '../common/clock.js';
import { toUserRef } from '../common/user-ref.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import type { Actor } from '../users/users.service.js';

interface ShortenedRow {
  id: string;
  label: string;
  owner_id: string;
  old_expires_at: Date | null;
}

/** The tenant's token expiry policy (SPEC.md section 3). */
@Injectable()
export class PolicyService {
  constructor(
    private readonly em: EntityManager,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
  ) {}

  async get(tenantId: string): Promise<Policy> {
    const row = await this.em.findOne(TokenPolicy, { tenant: tenantId }, { populate: ['updatedBy'] });
    if (row) return toPolicy(row);
    const tenant = await this.em.findOneOrFail(Tenant, { id: tenantId });
    return { ...DEFAULT_POLICY, updatedAt: tenant.createdAt.toISOString(), updatedBy: null };
  }

  /** The rules in force, read inside the caller's transaction. */
  async rules(em: EntityManager, tenantId: string): Promise<PolicyRules> {
    const row = await em.findOne(TokenPolicy, { tenant: tenantId });
    return row ? { mode: row.mode, lifetimeDays: row.lifetimeDays ?? null, notifyDaysBefore: row.notifyDaysBefore } : DEFAULT_POLICY;
  }

  async update(actor: Actor & { userId: string }, input: UpdatePolicyRequest): Promise<PolicyUpdateResult> {
    const checked = validatePolicy(input);
    if (!checked.ok) throw new ApiException(400, checked.code, checked.message);
    const next = checked.value;
    return this.em.transactional(async (em) => {
      // One policy change at a time per tenant.
      await em.findOneOrFail(Tenant, { id: actor.tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const now = this.clock.now();
      const row = await em.findOne(TokenPolicy, { tenant: actor.tenantId });
      const previous: PolicyRules = row
        ? { mode: row.mode, lifetimeDays: row.lifetimeDays ?? null, notifyDaysBefore: row.notifyDaysBefore }
        : DEFAULT_POLICY;
      const policy = row ?? em.create(TokenPolicy, { tenant: actor.tenantId, ...next });
      em.assign(policy, { ...next, updatedBy: actor.userId, updatedAt: now });
      this.history.record(em, {
        tenantId: actor.tenantId,
        type: 'policy.changed',
        actorId: actor.userId,
        details: { from: previous, to: next, applyToExisting: input.applyToExisting === true },
      });
      let shortened: ShortenedRow[] = [];
      const limit = shortenedExpiryLimit(next, now);
      if (input.applyToExisting && limit) {
        shortened = await this.shortenActiveTokens(em, actor.tenantId, limit, now);
        await this.notifyShortened(em, shortened, limit, now);
        for (const token of shortened) {
          this.history.record(em, {
            tenantId: actor.tenantId,
            type: 'token.expiry_shortened',
            actorId: actor.userId,
            subjectUserId: token.owner_id,
            token: { id: token.id, label: token.label },
            details: { from: token.old_expires_at ? new Date(token.old_expires_at).toISOString() : null, to: limit.toISOString() },
          });
        }
      }
      // New thresholds or new expiries: every live token's next notice moves accordingly.
      await executeNamed(
        em,
        `update access_token t set next_notice_at = ${nextNoticeAtSql(':thresholds::jsonb', ':now')}
          where t.tenant_id = :tenant and t.revoked_at is null and t.expired_at is null and t.expires_at is not null`,
        { thresholds: JSON.stringify(next.notifyDaysBefore), now, tenant: actor.tenantId },
      );
      await em.flush();
      await em.populate(policy, ['updatedBy']);
      return { ...toPolicy(policy), shortenedTokens: shortened.length };
    });
  }

  /** The owners of shortened tokens get the expiry email too: one per owner, listing them. */
  private async notifyShortened(em: EntityManager, rows: ShortenedRow[], limit: Date, now: Date): Promise<void> {
    if (!rows.length) return;
    await executeNamed(
      em,
      queueNoticesSql(`with due_notices as (
          select t.id as token_id, :kind::text as kind, t.tenant_id, t.owner_id
            from access_token t where t.id in (select value::uuid from jsonb_array_elements_text(:ids::jsonb)))`),
      { kind: `shortened:${limit.toISOString()}`, ids: JSON.stringify(rows.map((r) => r.id)), now, run: randomUUID() },
    );
  }

  /** One statement: every active token of the tenant that outlives `limit` now ends at it. */
  private async shortenActiveTokens(em: EntityManager, tenantId: string, limit: Date, now: Date): Promise<ShortenedRow[]> {
    return em.getConnection().execute<ShortenedRow[]>(
      `with due as (
         select id, expires_at from access_token
          where tenant_id = ? and revoked_at is null
            and (expires_at is null or expires_at > ?)
          for update
       )
       update access_token t set expires_at = ?, updated_at = ?
         from due where t.id = due.id
       returning t.id, t.label, t.owner_id, due.expires_at as old_expires_at`,
      [tenantId, limit, limit, now],
      'all',
      em.getTransactionContext(),
    );
  }
}

function toPolicy(row: TokenPolicy): Policy {
  return {
    mode: row.mode,
    lifetimeDays: row.lifetimeDays ?? null,
    notifyDaysBefore: row.notifyDaysBefore,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy ? toUserRef(row.updatedBy as User) : null,
  };
}
