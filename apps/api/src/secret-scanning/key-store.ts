import { Inject, Injectable, Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { parseKeysDocument } from './public-keys.js';

/** At most one fetch of the key document this often, whatever ids requests name. */
export const REFETCH_AFTER_MS = 60_000;
/** Fetched keys are looked at again (a conditional request) after this long. */
export const KEYS_MAX_AGE_MS = 60 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_DOCUMENT_CHARS = 256 * 1024;

/** The key, `null` for an id no configured or fetched key has, or `unavailable`. */
export type KeyLookup = KeyObject | null | 'unavailable';

/**
 * GitHub's secret scanning keys by identifier: those of `SECRET_SCANNING_PUBLIC_KEYS`, and
 * those of the document at `SECRET_SCANNING_KEYS_URL`. The document is fetched on first
 * need, again when a request names an id it lacks (a rotation) or when it is an hour old,
 * but at most once a minute, so requests naming made-up ids cannot make us hammer the URL.
 * A failed fetch keeps the keys already known; an id that only a fetch could have told is
 * then `unavailable` (the endpoint's `503`, which GitHub retries) rather than unknown.
 */
@Injectable()
export class SecretScanningKeyStore {
  private readonly logger = new Logger('SecretScanning');
  private readonly fixed: Map<string, KeyObject>;
  private readonly url: string | null;
  private fetched = new Map<string, KeyObject>();
  private fetchedAt: number | null = null;
  private attemptedAt: number | null = null;
  private lastFetchFailed = false;
  private etag: string | null = null;
  private inflight: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.fixed = new Map(
      config.secretScanningPublicKeys.map((k) => [k.id, createPublicKey(k.pem)] as const),
    );
    this.url = config.secretScanningKeysUrl;
  }

  /** False when neither keys nor a key URL are configured: the endpoint is off. */
  get configured(): boolean {
    return this.fixed.size > 0 || this.url !== null;
  }

  async find(keyId: string): Promise<KeyLookup> {
    const id = keyId.toLowerCase();
    const fixed = this.fixed.get(id);
    if (fixed) return fixed;
    if (!this.url) return null;
    const now = this.clock.now().getTime();
    const known = this.fetched.get(id);
    const fresh = this.fetchedAt !== null && now - this.fetchedAt < KEYS_MAX_AGE_MS;
    if (known && fresh) return known;
    if (this.attemptedAt === null || now - this.attemptedAt >= REFETCH_AFTER_MS || this.inflight)
      await this.refresh(now);
    return this.fetched.get(id) ?? (this.lastFetchFailed ? 'unavailable' : null);
  }

  /** One fetch at a time; concurrent requests wait for the same one. */
  private refresh(now: number): Promise<void> {
    this.inflight ??= this.fetchDocument(now).finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async fetchDocument(now: number): Promise<void> {
    this.attemptedAt = now;
    try {
      const headers: Record<string, string> = {
        accept: 'application/json',
        'user-agent': 'feedpass',
      };
      if (this.etag) headers['if-none-match'] = this.etag;
      const res = await fetch(this.url!, {
        headers,
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (res.status === 304 && this.fetchedAt !== null) {
        this.fetchedAt = now;
        this.lastFetchFailed = false;
        return;
      }
      if (!res.ok) throw new Error(`it answered ${res.status}`);
      const text = await res.text();
      if (text.length > MAX_DOCUMENT_CHARS) throw new Error('its document is too large');
      const { keys, skipped } = parseKeysDocument(JSON.parse(text));
      if (skipped.length) this.logger.warn(`Secret scanning keys skipped: ${skipped.join('; ')}`);
      if (!keys.length) throw new Error('its document lists no usable key');
      this.fetched = new Map(keys.map((k) => [k.id, createPublicKey(k.pem)] as const));
      this.etag = res.headers.get('etag');
      this.fetchedAt = now;
      this.lastFetchFailed = false;
    } catch (error) {
      this.lastFetchFailed = true;
      this.logger.warn(
        `Could not fetch the secret scanning keys from ${this.url}: ${(error as Error).message}`,
      );
    }
  }
}
