import { Injectable } from '@nestjs/common';
import { FailureThrottle } from '../common/failure-throttle.js';

const MINUTE = 60_000;

/**
 * Failed Basic attempts slow down per (username, address), per username (≤ 100 an hour,
 * OWASP ASVS) and per address — the last with a high limit, because the Power BI
 * service refreshes many customers' datasets from shared addresses.
 */
@Injectable()
export class BasicThrottle {
  private readonly perPair = new FailureThrottle({ limit: 10, windowMs: 5 * MINUTE });
  private readonly perUser = new FailureThrottle({ limit: 50, windowMs: 60 * MINUTE });
  private readonly perAddress = new FailureThrottle({ limit: 300, windowMs: 15 * MINUTE });

  retryAfter(username: string, ip: string, now: number): number {
    const name = username.toLowerCase();
    return Math.max(
      this.perPair.retryAfter(`${name}\u0000${ip}`, now),
      this.perUser.retryAfter(name, now),
      this.perAddress.retryAfter(ip, now),
    );
  }

  failed(username: string, ip: string, now: number): void {
    const name = username.toLowerCase();
    this.perPair.fail(`${name}\u0000${ip}`, now);
    this.perUser.fail(name, now);
    this.perAddress.fail(ip, now);
  }
}
