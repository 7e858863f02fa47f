import { signInThrottleProvider } from '../common/failure-throttle.js';

const MINUTE = 60_000;

/** Inject as `@Inject(BASIC_THROTTLE) throttle: SignInThrottle`. */
export const BASIC_THROTTLE = Symbol('BASIC_THROTTLE');

/**
 * Failed Basic attempts slow down per (username, address) and per address — the latter with
 * a high limit, because the Power BI service refreshes many customers' datasets from shared
 * addresses. Deliberately not per username: tokens carry 178 random bits, so guessing one is
 * hopeless and the throttle only has to stop floods; counting per username would let anyone
 * who knows a username stop that user's scheduled refreshes from every address
 * (docs/SECURITY.md). The portal's password sign-in keeps its per-account limit.
 */
export const basicThrottleProvider = signInThrottleProvider(BASIC_THROTTLE, {
  perPair: { limit: 10, windowMs: 5 * MINUTE },
  perAddress: { limit: 300, windowMs: 15 * MINUTE },
  normalize: (username) => username.toLowerCase(),
});
