import { signInThrottleProvider } from '../common/failure-throttle.js';

const MINUTE = 60_000;

/** Inject as `@Inject(PASSWORD_RESET_THROTTLE) throttle: SignInThrottle`. */
export const PASSWORD_RESET_THROTTLE = Symbol('PASSWORD_RESET_THROTTLE');

/**
 * Every password-reset request counts (there is no "success" to tell apart without leaking
 * whether the username exists): a few emails an hour per username, so nobody floods a
 * mailbox, and a bound per address on guessing usernames or completing with forged links.
 */
export const passwordResetThrottleProvider = signInThrottleProvider(PASSWORD_RESET_THROTTLE, {
  perPair: { limit: 5, windowMs: 60 * MINUTE },
  perUser: { limit: 5, windowMs: 60 * MINUTE },
  perAddress: { limit: 30, windowMs: 15 * MINUTE },
  normalize: (username) => username.trim().toLowerCase(),
});
