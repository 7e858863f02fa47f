import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isWellFormedToken, tokenDigest } from '@feedpass/domain';
import { randomUUID, verify } from 'node:crypto';
import { ApiException } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { noticeKind, type LeakedDetails } from '../mail/notice-kinds.js';
import { NoticeRepository } from '../mail/notice.repository.js';
import { OutboxDispatcher } from '../mail/outbox.dispatcher.js';
import { MetricsService } from '../metrics/metrics.service.js';
import {
  KEY_ID_HEADER,
  parseAlerts,
  SIGNATURE_HEADER,
  type GitHubAlertLabel,
} from './github-alerts.js';
import { REFETCH_AFTER_MS, SecretScanningKeyStore } from './key-store.js';
import { SecretScanningRepository, type LeakedDigest } from './secret-scanning.repository.js';

const invalidSignature = (message: string) => new ApiException(401, 'invalid_signature', message);

/** A DER ECDSA P-256 signature is at most 72 bytes: 96 base64 characters. */
const SIGNATURE = /^[A-Za-z0-9+/]{8,200}={0,2}$/;
const KEY_ID = /^[0-9a-fA-F]{1,128}$/;

/**
 * Leaked-token alerts from GitHub secret scanning (SPEC 12): the body's signature is checked
 * over its raw bytes before anything is read from it; then every well-formed feedpass token
 * it names is looked up by digest in any tenant, revoked when active, recorded, and its
 * owner emailed where it was found, all in one transaction.
 */
@Injectable()
export class SecretScanningService {
  constructor(
    private readonly em: EntityManager,
    private readonly keys: SecretScanningKeyStore,
    private readonly leaks: SecretScanningRepository,
    private readonly notices: NoticeRepository,
    private readonly dispatcher: OutboxDispatcher,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async receiveGitHub(
    body: unknown,
    keyId: string | undefined,
    signature: string | undefined,
  ): Promise<GitHubAlertLabel[]> {
    if (!this.keys.configured)
      throw new ApiException(404, 'not_found', 'Secret scanning is not configured on this server');
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    await this.verifySignature(raw, keyId, signature);
    const alerts = parseAlerts(raw);

    // A malformed value (wrong shape or checksum) is no feedpass token: no query for it.
    const digests = alerts.map((a) => (isWellFormedToken(a.token) ? tokenDigest(a.token) : null));
    // A token named twice: the first alert says where it was found.
    const leaked = new Map<string, LeakedDigest>();
    alerts.forEach((a, i) => {
      const digest = digests[i];
      if (digest && !leaked.has(digest))
        leaked.set(digest, { digest, url: a.url, source: a.source });
    });
    const found = leaked.size ? await this.revoke([...leaked.values()]) : new Set<string>();
    return alerts.map((a, i) => ({
      token_raw: a.token,
      token_type: a.type,
      label: found.has(digests[i] ?? '') ? 'true_positive' : 'false_positive',
    }));
  }

  /** `401 invalid_signature` unless the named key signed exactly these bytes. */
  private async verifySignature(
    raw: Buffer,
    keyId: string | undefined,
    signature: string | undefined,
  ): Promise<void> {
    if (!keyId || !signature)
      throw invalidSignature(`The ${KEY_ID_HEADER} and ${SIGNATURE_HEADER} headers are required`);
    if (!KEY_ID.test(keyId) || !SIGNATURE.test(signature))
      throw invalidSignature(`The ${KEY_ID_HEADER} or ${SIGNATURE_HEADER} header is malformed`);
    const key = await this.keys.find(keyId);
    if (key === 'unavailable')
      throw new ApiException(
        503,
        'service_unavailable',
        'The secret scanning public keys cannot be fetched right now; try again later',
        { 'Retry-After': String(REFETCH_AFTER_MS / 1000) },
      );
    if (!key) throw invalidSignature(`${KEY_ID_HEADER} names an unknown key`);
    let valid = false;
    try {
      valid = verify('sha256', raw, key, Buffer.from(signature, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) throw invalidSignature('The signature does not match the body');
  }

  /**
   * Revokes the active tokens among these digests, records them, queues their owners' emails
   * (one per owner for the whole batch), and returns the digests that are feedpass tokens.
   */
  private async revoke(leaks: LeakedDigest[]): Promise<Set<string>> {
    const now = this.clock.now();
    const rows = await this.em.transactional(async (em) => {
      const matches = await this.leaks.revokeLeaked(em, leaks, now);
      const where = new Map(leaks.map((l) => [l.digest, l]));
      // One details object per queueFor call: a call per place, the same run for all, so
      // each owner's tokens of this batch share one email.
      const byPlace = new Map<string, { details: LeakedDetails; ids: string[] }>();
      for (const row of matches.filter((r) => r.revoked)) {
        const { url, source } = where.get(row.digest)!;
        const place = JSON.stringify([url, source]);
        const group = byPlace.get(place) ?? { details: { url, source }, ids: [] };
        group.ids.push(row.id);
        byPlace.set(place, group);
      }
      const run = randomUUID();
      for (const { details, ids } of byPlace.values())
        await this.notices.queueFor(em, ids, noticeKind.leaked, now, run, details);
      return matches;
    });
    const revoked = rows.filter((r) => r.revoked).length;
    if (revoked) {
      this.metrics.tokens.inc({ event: 'revoked' }, revoked);
      this.dispatcher.kick(() => this.clock.now());
    }
    return new Set(rows.map((r) => r.digest));
  }
}
