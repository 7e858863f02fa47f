import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ping } from '../database/database.js';
import { nativePool } from '../database/prepared.js';

/** How long a liveness answer reuses the last ping's result. */
export const PROBE_REUSE_MS = 1_000;
/** A ping that takes longer than this counts as "database down". */
export const PING_TIMEOUT_MS = 2_000;

/**
 * Whether PostgreSQL answers, for the health endpoints. A load balancer or an orchestrator
 * polls liveness often, and a benchmark or a misbehaving monitor can poll it thousands of
 * times a second: liveness therefore shares one probe per process. At most one ping is in
 * flight, every caller meanwhile waits for that one, and its result is reused for
 * {@link PROBE_REUSE_MS} — so any rate of liveness requests costs at most about one ping a
 * second, and an outage (or the recovery from one) shows within about a second plus the
 * ping's own time. Readiness asks for a fresh ping (`ping()`), which joins one in flight.
 * A connection the server drops (PostgreSQL stopping, a failover) also forgets the last
 * result at once (`forget()`), so the next liveness answer pings instead of reusing it.
 *
 * Time here is the process's monotonic clock, never the app's `Clock` (tests fix that one).
 */
export class SharedProbe {
  private last: { up: boolean; at: number } | null = null;
  private inFlight: Promise<boolean> | null = null;
  private sent = 0;

  constructor(
    private readonly check: () => Promise<unknown>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The last result if it is recent enough, else the result of the ping in flight or a new one. */
  up(): Promise<boolean> {
    const last = this.last;
    if (last && this.now() - last.at < PROBE_REUSE_MS) return Promise.resolve(last.up);
    return this.ping();
  }

  /**
   * True when the last ping, still fresh, found the database up: what `up()` would answer
   * at once. False means "ask `up()`" (stale, in flight, or down).
   */
  knownUp(): boolean {
    const last = this.last;
    return !!last && last.up && this.now() - last.at < PROBE_REUSE_MS;
  }

  /** How many pings this probe has sent (what its sharing saves is visible in tests). */
  get pings(): number {
    return this.sent;
  }

  /** Drops the last result: the next `up()` pings. */
  forget(): void {
    this.last = null;
  }

  /** A fresh result: the ping in flight, or a new one. */
  ping(): Promise<boolean> {
    this.inFlight ??= this.pingOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async pingOnce(): Promise<boolean> {
    this.sent++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
      timer.unref();
    });
    let up: boolean;
    try {
      await Promise.race([this.check(), timeout]);
      up = true;
    } catch {
      up = false;
    } finally {
      clearTimeout(timer);
    }
    // Stamped when the answer came, so a slow ping is not reused for less than the full time.
    this.last = { up, at: this.now() };
    return up;
  }
}

/** The process's probe of its PostgreSQL (`select 1`), shared by liveness and readiness. */
@Injectable()
export class DatabaseProbe extends SharedProbe implements OnModuleInit {
  constructor(private readonly em: EntityManager) {
    super(() => ping(em));
  }

  /** pg reports a pooled connection the server dropped as the pool's `error` event. */
  async onModuleInit(): Promise<void> {
    (await nativePool(this.em)).on('error', () => this.forget());
  }
}
