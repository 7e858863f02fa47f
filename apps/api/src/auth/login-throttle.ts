import { signInThrottleProvider } from '../common/failure-throttle.js';

const MINUTE = 60_000;

/** Inject as `@Inject(LOGIN_THROTTLE) throttle: SignInThrottle`. */
export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE');

/**
 * Failed portal sign-ins slow down per (username, address), per username — OWASP ASVS asks
 * for no more than 100 failures an hour per account — and per address, so a guesser is
 * held up without locking out the same person signing in from elsewhere for long.
 */
export const loginThrottleProvider = signInThrottleProvider(LOGIN_THROTTLE, {
  perPair: { limit: 5, windowMs: 15 * MINUTE },
  perUser: { limit: 50, windowMs: 60 * MINUTE },
  perAddress: { limit: 100, windowMs: 15 * MINUTE },
  normalize: (username) => username.trim().toLowerCase(),
});
