import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isWellFormedToken, tokenDigest, tokenStatus } from '@feedpass/domain';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { ODataException } from '../odata/odata-error.js';
import { BasicThrottle } from './basic-throttle.js';
import type { ODataPrincipal } from './odata-principal.js';

interface TokenRow {
  id: string;
  label: string;
  tenant_id: string;
  owner_id: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  username: string;
  user_status: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Checks `username:token` (SPEC.md section 6). A malformed token is refused before any
 * database query; a valid one must be active, belong to an active owner, and be used with
 * that owner's username. Revocation, expiry and deactivation therefore take effect on the
 * very next request, on every instance.
 */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly em: EntityManager,
    private readonly throttle: BasicThrottle,
    private readonly history: HistoryRecorder,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /** The principal, or null for wrong credentials. Throws 429 when throttled. */
  async authenticate(username: string, token: string, ip: string): Promise<ODataPrincipal | null> {
    const now = this.clock.now();
    const wait = this.throttle.retryAfter(username, ip, now.getTime());
    if (wait > 0) {
      throw new ODataException(429, 'too_many_requests', `Too many failed sign-ins. Try again in ${wait} seconds.`, {
        'Retry-After': String(wait),
      });
    }
    const principal = isWellFormedToken(token) ? await this.check(username, token, now) : null;
    if (!principal) {
      this.throttle.failed(username, ip, now.getTime());
      this.metrics.authFailures.inc({ kind: 'basic' });
    }
    return principal;
  }

  private async check(username: string, token: string, now: Date): Promise<ODataPrincipal | null> {
    const connection = this.em.getConnection();
    const [row] = await connection.execute<TokenRow[]>(
      `select t.id, t.label, t.tenant_id, t.owner_id, t.expires_at, t.revoked_at, t.last_used_at,
              u.username, u.status as user_status
         from access_token t join app_user u on u.id = t.owner_id
        where t.digest = ?`,
      [tokenDigest(token)],
    );
    if (!row || row.username.toLowerCase() !== username.toLowerCase()) return null;
    if (row.user_status !== 'active') return null;
    // Raw rows carry timestamps as the driver gives them (text); make them Dates.
    const times = { revokedAt: row.revoked_at && new Date(row.revoked_at), expiresAt: row.expires_at && new Date(row.expires_at) };
    if (tokenStatus(times, now) !== 'active') {
      await this.recordRejection(row, now);
      return null;
    }
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= MINUTE) {
      // At most one write a minute per token; the condition keeps racing instances to one.
      await connection.execute(
        `update access_token set last_used_at = ? where id = ? and (last_used_at is null or last_used_at <= ?)`,
        [now, row.id, new Date(now.getTime() - MINUTE)],
      );
    }
    return { userId: row.owner_id, tenantId: row.tenant_id, username: row.username, tokenId: row.id };
  }

  /**
   * `token.rejected`: how an owner learns which token broke a refresh. At most one per
   * token per hour, across instances (an advisory lock serialises the check and insert).
   */
  private async recordRejection(row: TokenRow, now: Date): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      const ctx = em.getTransactionContext();
      await connection.execute(`select pg_advisory_xact_lock(hashtext('token.rejected:' || ?))`, [row.id], 'all', ctx);
      const [recent] = await connection.execute<{ n: number }[]>(
        `select count(*)::int as n from history_event where token_id = ? and type = 'token.rejected' and occurred_at > ?`,
        [row.id, new Date(now.getTime() - HOUR)],
        'all',
        ctx,
      );
      if (recent.n > 0) return;
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
