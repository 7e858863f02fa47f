import { XSRF_COOKIE, XSRF_HEADER } from '@feedpass/contracts';
import type { NextFunction, Request, Response } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiException } from './api-exception.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function newXsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

export function setXsrfCookie(res: Response, value: string, secure: boolean): void {
  // Readable by the portal's script (Angular copies it into the header), so not httpOnly.
  res.cookie(XSRF_COOKIE, value, { httpOnly: false, sameSite: 'lax', secure, path: '/' });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Angular's double-submit XSRF defence for cookie-authenticated `/api` calls: hand out an `XSRF-TOKEN` cookie to
 * any client lacking one, and refuse a state-changing request whose
 * `X-XSRF-TOKEN` header does not match it. Nothing else in feedpass accepts unsafe methods
 * (the OData feed is read-only), so the check covers every path but the `exempt` routes,
 * which other services call without cookies and which authenticate by their own means.
 */
export function xsrfMiddleware(secureCookies: boolean, exempt: RegExp[] = []) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Each exempt pattern must match its one route as Express does (any case, trailing slash).
    if (exempt.some((path) => path.test(req.path))) return next();
    const cookie: unknown = req.cookies?.[XSRF_COOKIE];
    const hasCookie = typeof cookie === 'string' && cookie.length >= 16;
    // Browsers need the cookie; Power BI reading /odata does not.
    if (!hasCookie && !req.path.startsWith('/odata/'))
      setXsrfCookie(res, newXsrfToken(), secureCookies);
    // Every state-changing request, whatever its path or its spelling (Express routes
    // ignore case, so a prefix test on '/api/' could be dodged with '/API/').
    if (UNSAFE.has(req.method)) {
      const header = req.get(XSRF_HEADER);
      if (!hasCookie || !header || !same(header, cookie)) {
        // Skips every later middleware and route, straight to the exception filter.
        return next(
          new ApiException(
            403,
            'xsrf',
            'Missing or mismatched XSRF token; reload the page and try again',
          ),
        );
      }
    }
    next();
  };
}
