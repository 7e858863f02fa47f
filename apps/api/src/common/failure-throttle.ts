/**
 * Counts failures per key in a sliding window and says how long a key must wait once it
 * has failed too often. In memory, per process: SPEC.md section 9 allows failure
 * throttling to count per instance. Memory is bounded: the oldest keys go first.
 */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly rule: ThrottleRule,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds the key must wait before trying again, or 0 when it may try now. */
  retryAfter(key: string, now: number): number {
    const times = this.live(key, now);
    if (times.length < this.rule.limit) return 0;
    const oldestThatCounts = times[times.length - this.rule.limit];
    return Math.max(1, Math.ceil((oldestThatCounts + this.rule.windowMs - now) / 1000));
  }

  fail(key: string, now: number): void {
    const times = this.live(key, now);
    times.push(now);
    // Keep only what can still matter, so one key never grows without bound.
    if (times.length > this.rule.limit) times.splice(0, times.length - this.rule.limit);
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private live(key: string, now: number): number[] {
    const times = this.failures.get(key) ?? [];
    const fresh = times.filter((t) => t > now - this.rule.windowMs);
    if (fresh.length !== times.length) {
      if (fresh.length) this.failures.set(key, fresh);
      else this.failures.delete(key);
    }
    return fresh;
  }
}
