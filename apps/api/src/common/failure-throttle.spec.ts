import { FailureThrottle } from './failure-throttle';

const SECOND = 1000;
const T0 = Date.UTC(2026, 0, 1);

describe('FailureThrottle', () => {
  const rule = { limit: 3, windowMs: 60 * SECOND };

  function failAt(throttle: FailureThrottle, key: string, ...offsets: number[]): void {
    for (const offset of offsets) throttle.fail(key, T0 + offset);
  }

  it('lets a key try while it has fewer failures than the limit', () => {
    const throttle = new FailureThrottle(rule);
    expect(throttle.retryAfter('k', T0)).toBe(0);

    failAt(throttle, 'k', 0, SECOND);

    expect(throttle.retryAfter('k', T0 + 2 * SECOND)).toBe(0);
  });

  it('blocks a key once it reaches the limit', () => {
    const throttle = new FailureThrottle(rule);
    failAt(throttle, 'k', 0, SECOND, 2 * SECOND);

    expect(throttle.retryAfter('k', T0 + 2 * SECOND)).toBeGreaterThan(0);
  });

  it('says how many whole seconds to wait: until the oldest counted failure leaves the window', () => {
    const throttle = new FailureThrottle(rule);
    failAt(throttle, 'k', 0, 10 * SECOND, 20 * SECOND);

    expect(throttle.retryAfter('k', T0 + 20 * SECOND)).toBe(40);
    expect(throttle.retryAfter('k', T0 + 20 * SECOND + 500)).toBe(40); // 39.5 s rounds up
    expect(throttle.retryAfter('k', T0 + 59 * SECOND + 999)).toBe(1); // never "0 seconds" while blocked
  });

  it('slides the window: failures age out one by one', () => {
    const throttle = new FailureThrottle(rule);
    failAt(throttle, 'k', 0, 10 * SECOND, 20 * SECOND);

    expect(throttle.retryAfter('k', T0 + 60 * SECOND - 1)).toBeGreaterThan(0);
    expect(throttle.retryAfter('k', T0 + 60 * SECOND)).toBe(0);

    // Two failures still count; one more blocks again, until the 10 s one leaves.
    throttle.fail('k', T0 + 61 * SECOND);
    expect(throttle.retryAfter('k', T0 + 61 * SECOND)).toBe(9);
    expect(throttle.retryAfter('k', T0 + 70 * SECOND)).toBe(0);
  });

  it('counts only the most recent failures once past the limit', () => {
    const throttle = new FailureThrottle(rule);
    failAt(throttle, 'k', 0, SECOND, 2 * SECOND, 30 * SECOND, 31 * SECOND);

    // The 3rd most recent failure (2 s) decides: it leaves the window at 62 s.
    expect(throttle.retryAfter('k', T0 + 31 * SECOND)).toBe(31);
    expect(throttle.retryAfter('k', T0 + 62 * SECOND)).toBe(0);
  });

  it('keeps keys apart', () => {
    const throttle = new FailureThrottle(rule);
    failAt(throttle, 'a', 0, 1, 2);

    expect(throttle.retryAfter('a', T0 + 3)).toBeGreaterThan(0);
    expect(throttle.retryAfter('b', T0 + 3)).toBe(0);
  });

  it('forgets a key on reset', () => {
    const throttle = new FailureThrottle(rule);
    failAt(throttle, 'k', 0, 1, 2);

    throttle.reset('k');

    expect(throttle.retryAfter('k', T0 + 3)).toBe(0);
    failAt(throttle, 'k', 4, 5);
    expect(throttle.retryAfter('k', T0 + 6)).toBe(0);
  });

  it('holds at most maxKeys keys, dropping the least recently failed first', () => {
    const throttle = new FailureThrottle({ limit: 1, windowMs: 60 * SECOND }, 3);
    failAt(throttle, 'a', 0);
    failAt(throttle, 'b', 1);
    failAt(throttle, 'c', 2);
    failAt(throttle, 'a', 3); // a is now the most recent
    failAt(throttle, 'd', 4); // over the bound: b, the stalest, goes

    const now = T0 + 5;
    expect(throttle.retryAfter('b', now)).toBe(0);
    expect(throttle.retryAfter('a', now)).toBeGreaterThan(0);
    expect(throttle.retryAfter('c', now)).toBeGreaterThan(0);
    expect(throttle.retryAfter('d', now)).toBeGreaterThan(0);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const throttle = new FailureThrottle({ limit: 1, windowMs: 60 * SECOND }, 100);
    for (let i = 0; i < 10_000; i++) throttle.fail(`key-${i}`, T0);

    const blocked = Array.from(
      { length: 10_000 },
      (_, i) => throttle.retryAfter(`key-${i}`, T0 + 1) > 0,
    ).filter(Boolean);
    expect(blocked).toHaveLength(100);
    expect(throttle.retryAfter('key-9999', T0 + 1)).toBeGreaterThan(0);
  });
});
