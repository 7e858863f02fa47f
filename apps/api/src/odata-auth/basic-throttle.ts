import { signInThrottleProvider } from '../common/failure-throttle.js';

const MINUTE = 60_000;

/** Inject as `@Inject(BASIC_THROTTLE) throttle: SignInThrottle`. */
export const BASIC_THROTTLE = Symbol('BASIC_THROTTLE');

/**
 * Failed Basic attempts slow down per (username, address), per username (≤ 100 an hour,
 * OWASP ASVS) and per address — the last with a high limit, because the Power BI
 * service refreshes many customers' datasets from shared addresses.
 */
export const basicThrottleProvider = signInThrottleProvider(BASIC_THROTTLE, {
  perPair: { limit: 10, windowMs: 5 * MINUTE },
  perUser: { limit: 50, windowMs: 60 * MINUTE },
  perAddress: { limit: 300, windowMs: 15 * MINUTE },
  normalize: (username) => username.toLowerCase(),
});
