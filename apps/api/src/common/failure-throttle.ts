import type { Provider } from '@nestjs/common';

/**
 * Counts failures per key in a sliding window and says how long a key must wait once it
 * has failed too often. In memory, per process: failures may be counted per instance (the
 * limits hold per instance, not across them). Memory is bounded: the oldest keys go first.
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

export interface SignInThrottleRules {
  /** Failures of one username from one address. */
  perPair: ThrottleRule;
  /**
   * Failures of one username from anywhere; omitted where anyone who knows a username could
   * otherwise lock its owner out (the feed's Basic scheme).
   */
  perUser?: ThrottleRule;
  /** Failures from one address under any username. */
  perAddress: ThrottleRule;
  /** How a username is compared (e.g. case and surrounding spaces ignored). */
  normalize: (username: string) => string;
}

/**
 * Failed sign-ins slow down per (username, address), per username (where configured) and
 * per address. The portal login and the OData Basic scheme use it with their own numbers.
 */
export class SignInThrottle {
  private readonly perPair: FailureThrottle;
  private readonly perUser: FailureThrottle | null;
  private readonly perAddress: FailureThrottle;

  constructor(private readonly rules: SignInThrottleRules) {
    this.perPair = new FailureThrottle(rules.perPair);
    this.perUser = rules.perUser ? new FailureThrottle(rules.perUser) : null;
    this.perAddress = new FailureThrottle(rules.perAddress);
  }

  /** Seconds to wait, or 0 when this attempt may proceed. */
  retryAfter(username: string, ip: string, now: number): number {
    const [pair, user] = this.keys(username, ip);
    return Math.max(
      this.perPair.retryAfter(pair, now),
      this.perUser?.retryAfter(user, now) ?? 0,
      this.perAddress.retryAfter(ip, now),
    );
  }

  failed(username: string, ip: string, now: number): void {
    const [pair, user] = this.keys(username, ip);
    this.perPair.fail(pair, now);
    this.perUser?.fail(user, now);
    this.perAddress.fail(ip, now);
  }

  /** A success forgets the failures of this username from this address. */
  succeeded(username: string, ip: string): void {
    this.perPair.reset(this.keys(username, ip)[0]);
  }

  private keys(username: string, ip: string): [pair: string, user: string] {
    const name = this.rules.normalize(username);
    return [`${name}\u0000${ip}`, name];
  }
}

/** A provider of one SignInThrottle with its own numbers, injected by `token`. */
export const signInThrottleProvider = (token: symbol, rules: SignInThrottleRules): Provider => ({
  provide: token,
  useFactory: () => new SignInThrottle(rules),
});
