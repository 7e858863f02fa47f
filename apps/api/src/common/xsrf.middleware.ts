import { XSRF_COOKIE, XSRF_HEADER } from '@feedpass/contracts';
import type { NextFunction, Request, Response } from 'express';
import { randomFillSync, timingSafeEqual } from 'node:crypto';
import { ApiException } from './api-exception.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const TOKEN_BYTES = 32;
/** Tokens drawn per refill: one CSPRNG call per 128 tokens, as `randomUUID` buffers its own. */
const POOL_TOKENS = 128;
const pool = Buffer.alloc(TOKEN_BYTES * POOL_TOKENS);
let used = POOL_TOKENS;

/**
 * 256 random bits, base64url. The bytes come from the CSPRNG in batches (`randomFillSync`)
 * and each slice is handed out once: a call to the CSPRNG costs microseconds on some virtual
 * machines, and every cookieless request (a monitor polling /api/health) gets a new token.
 */
export function newXsrfToken(): string {
  if (used === POOL_TOKENS) {
    randomFillSync(pool);
    used = 0;
  }
  const start = used++ * TOKEN_BYTES;
  return pool.toString('base64url', start, start + TOKEN_BYTES);
}

export function setXsrfCookie(res: Response, value: string, secure: boolean): void {
  // Readable by the portal's script (Angular copies it into the header), so not httpOnly.
  res.cookie(XSRF_COOKIE, value, { httpOnly: false, sameSite: 'lax', secure, path: '/' });
}

/** Whether a client's XSRF cookie (as cookie-parser read it) is one worth keeping. */
export function isXsrfCookie(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 16;
}

/**
 * The `Set-Cookie` line of a new XSRF cookie, exactly as `setXsrfCookie` (Express's
 * `res.cookie`) writes it, for an answer written without Express (the liveness lane). A
 * base64url value needs no encoding.
 */
export function xsrfCookieLine(value: string, secure: boolean): string {
  return `${XSRF_COOKIE}=${value}; Path=/${secure ? '; Secure' : ''}; SameSite=Lax`;
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
    const hasCookie = isXsrfCookie(cookie);
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
