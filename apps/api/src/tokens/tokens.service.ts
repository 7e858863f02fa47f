import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  MAX_ACTIVE_TOKENS,
  type CreatedToken,
  type RevokeAllResult,
  type RotatedToken,
  type Token,
  type TokenList,
  type TokenScopeRequest,
} from '@feedpass/contracts';
import {
  AccessToken,
  generateTokenValue,
  nextNoticeAt,
  resolveMintExpiry,
  resolveRotationExpiry,
  tokenDigest,
  tokenStatus,
} from '@feedpass/domain';
import { ApiException, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { Caller } from '../auth/caller.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { PolicyService } from '../policy/policy.service.js';
import { DataSourceRepository } from '../data-sources/data-source.repository.js';
import { UserRepository } from '../users/user.repository.js';
import { AccessTokenRepository } from './access-token.repository.js';
import { toToken, type ScopeLists } from './token.mapper.js';

/** A token to mint, as the validated request body gives it (label trimmed). */
export interface NewToken {
  label: string;
  /** Undefined: the policy's default; null: no expiry. */
  expiresAt?: Date | null;
  /** Undefined: all the owner's data sources. Ids distinct and lower-case (the DTO's rule). */
  scope?: TokenScopeRequest;
}

/**
 * A new token's scope: every data source (null), these ones (the owner's readable picks, by
 * name, as `readableScope` read them), or that of the token it replaces.
 */
type MintScope = null | { dataSources: { id: string; name: string }[] } | { copyOf: string };

const NOT_READABLE_SCOPE =
  'A token can be limited only to data sources you own or that were shared with you, and at least one of these is not';

/**
 * A user's own tokens: at most MAX_ACTIVE_TOKENS active at once, each with a label and an
 * expiry under the tenant's policy. Every query is scoped to the caller as owner and to
 * their tenant: someone else's token is simply not found (404).
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly em: EntityManager,
    private readonly tokens: AccessTokenRepository,
    private readonly sources: DataSourceRepository,
    private readonly users: UserRepository,
    private readonly policy: PolicyService,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async list(auth: Caller): Promise<TokenList> {
    const now = this.clock.now();
    const tokens = await this.tokens.listOwned(auth.tenantId, auth.userId);
    const scopes = await this.scopesOf(this.em, tokens);
    const items = tokens.map((t) => toToken(t, now, scopes));
    return {
      items,
      activeCount: items.filter((t) => t.status === 'active').length,
      maxActive: MAX_ACTIVE_TOKENS,
    };
  }

  async create(auth: Caller, input: NewToken): Promise<CreatedToken> {
    return this.em.transactional(async (em) => {
      await this.lockOwner(em, auth);
      const now = this.clock.now();
      const rules = await this.policy.rules(em, auth.tenantId);
      const expiry = resolveMintExpiry(rules, input.expiresAt, now);
      if (!expiry.ok) throw new ApiException(400, expiry.code, expiry.message);
      await this.assertSlotFree(em, auth, now);
      return this.mint(em, auth, {
        label: input.label,
        expiresAt: expiry.value,
        now,
        notifyDaysBefore: rules.notifyDaysBefore,
        scope: await this.readableScope(em, auth, input.scope),
      });
    });
  }

  /** `tokenLabel`: validated and trimmed by the request body's DTO. */
  async updateLabel(auth: Caller, id: string, tokenLabel: string): Promise<Token> {
    return this.em.transactional(async (em) => {
      const token = await this.findOwn(em, auth, id);
      if (token.label !== tokenLabel) {
        this.history.recordBy(em, auth, {
          type: 'token.label_changed',
          subjectUserId: auth.userId,
          token: { id: token.id, label: tokenLabel },
          details: { from: token.label, to: tokenLabel },
        });
        token.label = tokenLabel;
      }
      return toToken(token, this.clock.now(), await this.scopesOf(em, [token]));
    });
  }

  /** Idempotent: revoking a token that is no longer active changes nothing. */
  async revoke(auth: Caller, id: string): Promise<Token> {
    return this.em.transactional(async (em) => {
      const token = await this.findOwn(em, auth, id);
      const now = this.clock.now();
      if (tokenStatus(token, now) === 'active') this.markRevoked(em, auth, token, 'user', now);
      return toToken(token, now, await this.scopesOf(em, [token]));
    });
  }

  /** One statement revokes them all; one history event per token. */
  async revokeAll(auth: Caller): Promise<RevokeAllResult> {
    return this.em.transactional(async (em) => {
      const now = this.clock.now();
      const revoked = await this.tokens.revokeAllActive(em, auth.tenantId, auth.userId, now);
      for (const token of revoked) {
        this.history.recordBy(em, auth, {
          type: 'token.revoked',
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
  async rotate(auth: Caller, id: string): Promise<RotatedToken> {
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
        scope: old.scoped ? { copyOf: old.id } : null,
      });
      // The replaced token lists what it handed over (a deleted data source leaves both).
      const { scope } = created.token;
      const handedOver = new Map([
        [old.id, scope.kind === 'data_sources' ? scope.dataSources : []],
      ]);
      return { ...created, replaced: toToken(old, now, handedOver) };
    });
  }

  /** The scope lists of those of `tokens` that are scoped (one query, none when none is). */
  private scopesOf(em: EntityManager, tokens: AccessToken[]): Promise<ScopeLists> {
    return this.tokens.scopesOf(
      tokens.filter((t) => t.scoped).map((t) => t.id),
      em,
    );
  }

  /**
   * The data sources a new token is limited to, each one the owner can read in their tenant;
   * otherwise `400 invalid_scope`, with one message whether an id names nothing, another
   * tenant's data source or one the owner cannot read (no existence is revealed).
   */
  private async readableScope(
    em: EntityManager,
    auth: Caller,
    scope: TokenScopeRequest | undefined,
  ): Promise<MintScope> {
    if (!scope || scope.kind === 'all') return null;
    const ids = scope.dataSourceIds;
    const readable = await this.sources.readableAmong(em, auth.tenantId, auth.userId, ids);
    if (readable.length !== ids.length) {
      throw new ApiException(400, 'invalid_scope', NOT_READABLE_SCOPE);
    }
    return { dataSources: readable };
  }

  /** Serialises one user's mints and rotations: the active limit is checked under it. */
  private async lockOwner(em: EntityManager, auth: Caller): Promise<void> {
    if (!(await this.users.lockForTokenChange(em, auth.tenantId, auth.userId))) {
      throw notFound('User');
    }
  }

  private async assertSlotFree(em: EntityManager, auth: Caller, now: Date): Promise<void> {
    const active = await this.tokens.countActive(em, auth.tenantId, auth.userId, now);
    if (active >= MAX_ACTIVE_TOKENS) {
      throw new ApiException(
        409,
        'active_token_limit',
        `You already have ${MAX_ACTIVE_TOKENS} active tokens, the maximum. Revoke one before creating another.`,
      );
    }
  }

  private async findOwn(em: EntityManager, auth: Caller, id: string): Promise<AccessToken> {
    const token = await this.tokens.findOwnedForUpdate(em, auth.tenantId, auth.userId, id);
    if (!token) throw notFound('Token');
    return token;
  }

  private markRevoked(
    em: EntityManager,
    auth: Caller,
    token: AccessToken,
    reason: 'user' | 'rotated',
    now: Date,
  ): void {
    token.revokedAt = now;
    token.revokeReason = reason;
    token.nextNoticeAt = null;
    this.metrics.tokens.inc({ event: 'revoked' });
    this.history.recordBy(em, auth, {
      type: 'token.revoked',
      subjectUserId: auth.userId,
      token: { id: token.id, label: token.label },
      details: { reason },
    });
  }

  private async mint(
    em: EntityManager,
    auth: Caller,
    spec: {
      label: string;
      expiresAt: Date | null;
      now: Date;
      rotatedFrom?: string;
      notifyDaysBefore: number[];
      scope: MintScope;
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
      scoped: spec.scope !== null,
    });
    let scopes: ScopeLists | undefined;
    if (spec.scope) {
      // The scope rows reference the token: it is written first, in the same transaction.
      await em.flush();
      if ('copyOf' in spec.scope) {
        await this.tokens.copyScope(em, spec.scope.copyOf, token.id);
        scopes = await this.scopesOf(em, [token]);
      } else {
        const { dataSources } = spec.scope;
        await this.tokens.addScope(
          em,
          token.id,
          dataSources.map((s) => s.id),
        );
        scopes = new Map([[token.id, dataSources]]);
      }
    }
    const created = toToken(token, spec.now, scopes);
    this.history.recordBy(em, auth, {
      type: 'token.created',
      subjectUserId: auth.userId,
      token: { id: token.id, label: token.label },
      details: {
        expiresAt: spec.expiresAt ? spec.expiresAt.toISOString() : null,
        ...(spec.rotatedFrom ? { rotatedFrom: spec.rotatedFrom } : {}),
        scope: created.scope,
      },
    });
    await em.flush();
    this.metrics.tokens.inc({ event: 'minted' });
    return { token: created, value };
  }
}
