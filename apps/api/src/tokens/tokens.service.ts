import { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import {
  MAX_ACTIVE_TOKENS,
  TOKEN_LABEL_MAX,
  type CreatedToken,
  type CreateTokenRequest,
  type RevokeAllResult,
  type RotatedToken,
  type Token,
  type TokenList,
} from '@feedpass/contracts';
import {
  AccessToken,
  generateTokenValue,
  nextNoticeAt,
  normalizeLabel,
  parseIsoDateTime,
  resolveMintExpiry,
  resolveRotationExpiry,
  tokenDigest,
  tokenStatus,
} from '@feedpass/domain';
import { ApiException, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { AuthContext } from '../auth/auth-context.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { PolicyService } from '../policy/policy.service.js';
import { toToken } from './token.mapper.js';

/** Active = not revoked and not past its expiry, as SQL conditions for a given "now". */
export const activeAt = (now: Date) => ({
  revokedAt: null,
  $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
});

function label(value: unknown): string {
  const normalized = typeof value === 'string' ? normalizeLabel(value, TOKEN_LABEL_MAX) : null;
  if (normalized === null) {
    throw new ApiException(
      400,
      'invalid_label',
      `label must be text of 1 to ${TOKEN_LABEL_MAX} characters (not only spaces)`,
    );
  }
  return normalized;
}

function requestedExpiry(value: unknown): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = typeof value === 'string' ? parseIsoDateTime(value) : null;
  if (!date) {
    throw new ApiException(
      400,
      'validation_failed',
      'expiresAt must be an ISO-8601 date-time such as 2027-01-31T23:59:59Z, or null',
    );
  }
  return date;
}

/**
 * A user's own tokens (SPEC.md section 2). Every query is scoped to the caller as owner
 * and to their tenant: someone else's token is simply not found (404).
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly em: EntityManager,
    private readonly policy: PolicyService,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async list(auth: AuthContext): Promise<TokenList> {
    const now = this.clock.now();
    const tokens = await this.em.find(
      AccessToken,
      { owner: auth.userId, tenant: auth.tenantId },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
    const items = tokens.map((t) => toToken(t, now));
    return {
      items,
      activeCount: items.filter((t) => t.status === 'active').length,
      maxActive: MAX_ACTIVE_TOKENS,
    };
  }

  async create(auth: AuthContext, input: CreateTokenRequest): Promise<CreatedToken> {
    const tokenLabel = label(input.label);
    const requested = requestedExpiry(input.expiresAt);
    return this.em.transactional(async (em) => {
      await this.lockOwner(em, auth);
      const now = this.clock.now();
      const rules = await this.policy.rules(em, auth.tenantId);
      const expiry = resolveMintExpiry(rules, requested, now);
      if (!expiry.ok) throw new ApiException(400, expiry.code, expiry.message);
      await this.assertSlotFree(em, auth, now);
      return this.mint(em, auth, {
        label: tokenLabel,
        expiresAt: expiry.value,
        now,
        notifyDaysBefore: rules.notifyDaysBefore,
      });
    });
  }

  async updateLabel(auth: AuthContext, id: string, newLabel: unknown): Promise<Token> {
    const tokenLabel = label(newLabel);
    return this.em.transactional(async (em) => {
      const token = await this.findOwn(em, auth, id);
      if (token.label !== tokenLabel) {
        this.history.record(em, {
          tenantId: auth.tenantId,
          type: 'token.label_changed',
          actorId: auth.userId,
          subjectUserId: auth.userId,
          token: { id: token.id, label: tokenLabel },
          details: { from: token.label, to: tokenLabel },
        });
        token.label = tokenLabel;
      }
      return toToken(token, this.clock.now());
    });
  }

  /** Idempotent: revoking a token that is no longer active changes nothing. */
  async revoke(auth: AuthContext, id: string): Promise<Token> {
    return this.em.transactional(async (em) => {
      const token = await this.findOwn(em, auth, id);
      const now = this.clock.now();
      if (tokenStatus(token, now) === 'active') this.markRevoked(em, auth, token, 'user', now);
      return toToken(token, now);
    });
  }

  /** One statement revokes them all; one history event per token. */
  async revokeAll(auth: AuthContext): Promise<RevokeAllResult> {
    return this.em.transactional(async (em) => {
      const now = this.clock.now();
      const revoked = await em.getConnection().execute<{ id: string; label: string }[]>(
        `update access_token set revoked_at = ?, revoke_reason = 'revoke_all', updated_at = ?, next_notice_at = null
          where owner_id = ? and tenant_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)
          returning id, label`,
        [now, now, auth.userId, auth.tenantId, now],
        'all',
        em.getTransactionContext(),
      );
      for (const token of revoked) {
        this.history.record(em, {
          tenantId: auth.tenantId,
          type: 'token.revoked',
          actorId: auth.userId,
          subjectUserId: auth.userId,
          token,
          details: { reason: 'revoke_all' },
        });
      }
      this.metrics.tokens.inc({ event: 'revoked' }, revoked.length);
      return { revoked: revoked.length };
    });
  }

  /**
   * A replacement with the same label and a fresh expiry under the current policy; the old
   * token is revoked in the same transaction. Allowed at 5 active (the old one frees its
   * slot) and for an expired token (the link in an expiry notice leads here).
   */
  async rotate(auth: AuthContext, id: string): Promise<RotatedToken> {
    return this.em.transactional(async (em) => {
      await this.lockOwner(em, auth);
      const old = await this.findOwn(em, auth, id);
      const now = this.clock.now();
      const status = tokenStatus(old, now);
      if (status === 'revoked') {
        throw new ApiException(
          409,
          'token_not_rotatable',
          'A revoked token cannot be rotated; create a new token instead',
        );
      }
      if (status === 'active') this.markRevoked(em, auth, old, 'rotated', now);
      else await this.assertSlotFree(em, auth, now);
      const rules = await this.policy.rules(em, auth.tenantId);
      const expiresAt = resolveRotationExpiry(rules, old, now);
      const created = await this.mint(em, auth, {
        label: old.label,
        expiresAt,
        now,
        rotatedFrom: old.id,
        notifyDaysBefore: rules.notifyDaysBefore,
      });
      return { ...created, replaced: toToken(old, now) };
    });
  }

  /**
   * Serialises one user's mints and rotations: the 5-active limit is checked under a row
   * lock on the owner. `FOR NO KEY UPDATE`, not `FOR UPDATE`: the history rows other token
   * changes insert take a `FOR KEY SHARE` lock on the same user through their foreign keys,
   * and a full update lock would deadlock with them.
   */
  private async lockOwner(em: EntityManager, auth: AuthContext): Promise<void> {
    const rows = await em
      .getConnection()
      .execute<{ id: string }[]>(
        'select id from app_user where id = ? and tenant_id = ? for no key update',
        [auth.userId, auth.tenantId],
        'all',
        em.getTransactionContext(),
      );
    if (!rows.length) throw notFound('User');
  }

  private async assertSlotFree(em: EntityManager, auth: AuthContext, now: Date): Promise<void> {
    const active = await em.count(AccessToken, {
      owner: auth.userId,
      tenant: auth.tenantId,
      ...activeAt(now),
    });
    if (active >= MAX_ACTIVE_TOKENS) {
      throw new ApiException(
        409,
        'active_token_limit',
        `You already have ${MAX_ACTIVE_TOKENS} active tokens, the maximum. Revoke one before creating another.`,
      );
    }
  }

  private async findOwn(em: EntityManager, auth: AuthContext, id: string): Promise<AccessToken> {
    const token = await em.findOne(
      AccessToken,
      { id, owner: auth.userId, tenant: auth.tenantId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!token) throw notFound('Token');
    return token;
  }

  private markRevoked(
    em: EntityManager,
    auth: AuthContext,
    token: AccessToken,
    reason: 'user' | 'rotated',
    now: Date,
  ): void {
    token.revokedAt = now;
    token.revokeReason = reason;
    token.nextNoticeAt = null;
    this.metrics.tokens.inc({ event: 'revoked' });
    this.history.record(em, {
      tenantId: auth.tenantId,
      type: 'token.revoked',
      actorId: auth.userId,
      subjectUserId: auth.userId,
      token: { id: token.id, label: token.label },
      details: { reason },
    });
  }

  private async mint(
    em: EntityManager,
    auth: AuthContext,
    spec: {
      label: string;
      expiresAt: Date | null;
      now: Date;
      rotatedFrom?: string;
      notifyDaysBefore: number[];
    },
  ): Promise<CreatedToken> {
    const value = generateTokenValue();
    const token = em.create(AccessToken, {
      tenant: auth.tenantId,
      owner: auth.userId,
      label: spec.label,
      digest: tokenDigest(value),
      expiresAt: spec.expiresAt,
      rotatedFrom: spec.rotatedFrom ?? null,
      createdAt: spec.now,
      nextNoticeAt: nextNoticeAt(
        { createdAt: spec.now, expiresAt: spec.expiresAt },
        spec.notifyDaysBefore,
        spec.now,
      ),
    });
    this.history.record(em, {
      tenantId: auth.tenantId,
      type: 'token.created',
      actorId: auth.userId,
      subjectUserId: auth.userId,
      token: { id: token.id, label: token.label },
      details: {
        expiresAt: spec.expiresAt ? spec.expiresAt.toISOString() : null,
        ...(spec.rotatedFrom ? { rotatedFrom: spec.rotatedFrom } : {}),
      },
    });
    await em.flush();
    this.metrics.tokens.inc({ event: 'minted' });
    return { token: toToken(token, spec.now), value };
  }
}
