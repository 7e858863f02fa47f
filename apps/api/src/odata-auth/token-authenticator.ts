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
import { noticeKind, type RejectedDetails } from '../mail/notice-kinds.js';
import { NoticeRepository } from '../mail/notice.repository.js';
import { rememberSignInRead } from '../odata/feed.service.js';
import { ODataException } from '../odata/odata-error.js';
import { AccessTokenRepository, type TokenForBasicRow } from '../tokens/access-token.repository.js';
import { BASIC_THROTTLE } from './basic-throttle.js';
import { isRecordDue, RECORD_EVERY_MS, type RequestOrigin } from './request-origin.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * How long the email about a rejected use collects before it goes out: a scheduled refresh
 * that breaks several tokens of one owner hits them within moments, and they share one email
 * (`NoticeRepository.queueRejected`). The expiry job sends it at its next tick after that.
 */
const REJECTED_EMAIL_COLLECT_MS = MINUTE;

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
    private readonly notices: NoticeRepository,
    @Inject(BASIC_THROTTLE) private readonly throttle: SignInThrottle,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * The caller, or null for wrong credentials. Throws 429 when throttled. `feedKey` is the
   * data source the request names: read in the same statement as the token, for the feed.
   */
  async authenticate(
    username: string,
    token: string,
    origin: RequestOrigin,
    feedKey: string | null = null,
  ): Promise<Caller | null> {
    const now = this.clock.now();
    const ip = origin.ip ?? 'unknown';
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
    const caller = isWellFormedToken(token)
      ? await this.check(username, token, origin, now, feedKey)
      : null;
    if (!caller) {
      this.throttle.failed(username, ip, now.getTime());
      this.metrics.authFailures.inc({ kind: 'basic' });
    }
    return caller;
  }

  private async check(
    username: string,
    token: string,
    origin: RequestOrigin,
    now: Date,
    feedKey: string | null,
  ): Promise<Caller | null> {
    const row = await this.tokens.findForBasic(tokenDigest(token), feedKey);
    if (!row || row.username.toLowerCase() !== username.toLowerCase()) return null;
    if (row.user_status !== 'active') return null;
    const times = { revokedAt: toDate(row.revoked_at), expiresAt: toDate(row.expires_at) };
    if (tokenStatus(times, now) !== 'active') {
      await this.recordRejection(row, origin, now);
      return null;
    }
    const lastUse = {
      at: toDate(row.last_used_at),
      ip: row.last_used_ip,
      client: row.last_used_client,
    };
    if (isRecordDue(lastUse, origin, now)) {
      // At most one write a minute per token, and at once from another address or client;
      // the statement's condition keeps racing instances to one write.
      await this.tokens.touchLastUsed(
        row.id,
        origin,
        now,
        new Date(now.getTime() - RECORD_EVERY_MS),
      );
    }
    const caller: Caller = {
      tenantId: row.tenant_id,
      userId: row.owner_id,
      username: row.username,
      role: row.role as Role,
      tokenId: row.id,
    };
    if (feedKey) rememberSignInRead(caller, feedKey, row.source);
    return caller;
  }

  /**
   * A use of a revoked or expired token with its owner's username: how an owner learns
   * which token broke a refresh. It records the last rejected use (like the last use: at
   * most once a minute unless the address or client changed), a `token.rejected` event (at
   * most one per token per hour, across instances) and, the first time that UTC day, the
   * notice that emails the owner at once (grouped per owner, see `queueRejected`).
   */
  private async recordRejection(
    row: TokenForBasicRow,
    origin: RequestOrigin,
    now: Date,
  ): Promise<void> {
    const reason: RejectedDetails['reason'] = row.revoked_at ? 'revoked' : 'expired';
    await this.tokens.touchLastRejected(
      row.id,
      origin,
      now,
      new Date(now.getTime() - RECORD_EVERY_MS),
    );
    await this.em.fork().transactional(async (em) => {
      const since = new Date(now.getTime() - HOUR);
      if (!(await this.events.lockAndHasRecent(em, 'token.rejected', row.id, since))) {
        this.history.record(em, {
          tenantId: row.tenant_id,
          type: 'token.rejected',
          actorId: null,
          subjectUserId: row.owner_id,
          token: { id: row.id, label: row.label },
          details: { reason, ip: origin.ip, client: origin.client },
        });
      }
      const details: RejectedDetails = {
        at: now.toISOString(),
        ip: origin.ip,
        client: origin.client,
        reason,
      };
      await this.notices.queueRejected(
        em,
        { tokenId: row.id, ownerId: row.owner_id, kind: noticeKind.rejected(now), details },
        now,
        REJECTED_EMAIL_COLLECT_MS,
      );
    });
  }
}
