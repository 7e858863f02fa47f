import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@feedpass/contracts';
import { isWellFormedToken, tokenDigest, tokenStatus } from '@feedpass/domain';
import type { Caller } from '../auth/caller.js';
import { Clock } from '../common/clock.js';
import type { SignInThrottle } from '../common/failure-throttle.js';
import { toDate } from '../database/sql.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { HistoryRepository } from '../history/history.repository.js';
import { ODataException } from '../odata/odata-error.js';
import { AccessTokenRepository, type TokenForBasicRow } from '../tokens/access-token.repository.js';
import { BASIC_THROTTLE } from './basic-throttle.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Checks `username:token` of a feed request. A malformed token is refused before any
 * database query; a valid one must be active, belong to an active owner, and be used with
 * that owner's username (ignoring case). Revocation, expiry and deactivation therefore take
 * effect on the very next request, on every instance.
 */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly em: EntityManager,
    private readonly tokens: AccessTokenRepository,
    private readonly events: HistoryRepository,
    @Inject(BASIC_THROTTLE) private readonly throttle: SignInThrottle,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /** The caller, or null for wrong credentials. Throws 429 when throttled. */
  async authenticate(username: string, token: string, ip: string): Promise<Caller | null> {
    const now = this.clock.now();
    const wait = this.throttle.retryAfter(username, ip, now.getTime());
    if (wait > 0) {
      throw new ODataException(
        429,
        'too_many_requests',
        `Too many failed sign-ins. Try again in ${wait} seconds.`,
        {
          'Retry-After': String(wait),
        },
      );
    }
    const caller = isWellFormedToken(token) ? await this.check(username, token, now) : null;
    if (!caller) {
      this.throttle.failed(username, ip, now.getTime());
      this.metrics.authFailures.inc({ kind: 'basic' });
    }
    return caller;
  }

  private async check(username: string, token: string, now: Date): Promise<Caller | null> {
    const row = await this.tokens.findForBasic(tokenDigest(token));
    if (!row || row.username.toLowerCase() !== username.toLowerCase()) return null;
    if (row.user_status !== 'active') return null;
    const times = { revokedAt: toDate(row.revoked_at), expiresAt: toDate(row.expires_at) };
    if (tokenStatus(times, now) !== 'active') {
      await this.recordRejection(row, now);
      return null;
    }
    const lastUsed = toDate(row.last_used_at);
    if (!lastUsed || now.getTime() - lastUsed.getTime() >= MINUTE) {
      // At most one write a minute per token; the condition keeps racing instances to one.
      await this.tokens.touchLastUsed(row.id, now, new Date(now.getTime() - MINUTE));
    }
    return {
      tenantId: row.tenant_id,
      userId: row.owner_id,
      username: row.username,
      role: row.role as Role,
      tokenId: row.id,
    };
  }

  /**
   * `token.rejected`: how an owner learns which token broke a refresh. At most one per
   * token per hour, across instances.
   */
  private async recordRejection(row: TokenForBasicRow, now: Date): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const since = new Date(now.getTime() - HOUR);
      if (await this.events.lockAndHasRecent(em, 'token.rejected', row.id, since)) return;
      this.history.record(em, {
        tenantId: row.tenant_id,
        type: 'token.rejected',
        actorId: null,
        subjectUserId: row.owner_id,
        token: { id: row.id, label: row.label },
        details: { reason: row.revoked_at ? 'revoked' : 'expired' },
      });
    });
  }
}
