import { Injectable } from '@nestjs/common';
import { FailureThrottle } from '../common/failure-throttle.js';

const MINUTE = 60_000;

/**
 * Failed sign-ins slow down per (username, address), per username — OWASP ASVS asks for
 * no more than 100 failures an hour per account — and per address, so a guesser is held
 * up without locking out the same person signing in from elsewhere for long.
 */
@Injectable()
export class LoginThrottle {
  private readonly perPair = new FailureThrottle({ limit: 5, windowMs: 15 * MINUTE });
  private readonly perAccount = new FailureThrottle({ limit: 50, windowMs: 60 * MINUTE });
  private readonly perAddress = new FailureThrottle({ limit: 100, windowMs: 15 * MINUTE });

  /** Seconds to wait, or 0 when this attempt may proceed. */
  retryAfter(username: string, ip: string, now: number): number {
    const [pair, account, address] = this.keys(username, ip);
    return Math.max(
      this.perPair.retryAfter(pair, now),
      this.perAccount.retryAfter(account, now),
      this.perAddress.retryAfter(address, now),
    );
  }

  failed(username: string, ip: string, now: number): void {
    const [pair, account, address] = this.keys(username, ip);
    this.perPair.fail(pair, now);
    this.perAccount.fail(account, now);
    this.perAddress.fail(address, now);
  }

  succeeded(username: string, ip: string): void {
    this.perPair.reset(this.keys(username, ip)[0]);
  }

  private keys(username: string, ip: string): [string, string, string] {
    const name = username.trim().toLowerCase();
    return [`${name}\u0000${ip}`, name, ip];
  }
}
