import { SESSION_COOKIE } from '@feedpass/contracts';
import type { CookieOptions, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { newXsrfToken, setXsrfCookie } from '../common/xsrf.middleware.js';

export const sessionCookieOptions = (config: AppConfig): CookieOptions => ({
  httpOnly: true,
  sameSite: 'lax',
  secure: config.cookieSecure,
  path: '/',
});

/** What every sign-in sends: the new session cookie and a fresh XSRF token. */
export function setSessionCookie(res: Response, secret: string, config: AppConfig): void {
  res.cookie(SESSION_COOKIE, secret, sessionCookieOptions(config));
  setXsrfCookie(res, newXsrfToken(), config.cookieSecure);
}
