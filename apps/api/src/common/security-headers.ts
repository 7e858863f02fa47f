import type { NextFunction, Request, Response } from 'express';
import type { ServerResponse } from 'node:http';
import helmet from 'helmet';

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The headers of every answer that is not a document a browser renders: the portal API's
 * JSON, the OData feed, `/metrics`. What matters for such a response (OWASP's REST security
 * cheat sheet): no MIME sniffing, no framing, no cross-origin embedding, no referrer, HSTS
 * over https, and a Content-Security-Policy that lets nothing run should a browser ever
 * render one as a page. Helmet's document-only headers (the portal's CSP, Cross-Origin-Opener-
 * Policy, Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) stay on the documents, where they act.
 */
export function apiSecurityHeaders(hsts: boolean): ReadonlyArray<readonly [string, string]> {
  return [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ...(hsts ? [['Strict-Transport-Security', HSTS] as const] : []),
  ];
}

/** Sets a precomputed header list: one `setHeader` each, nothing parsed per request. */
export function setHeaders(
  res: ServerResponse,
  headers: ReadonlyArray<readonly [string, string]>,
): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}

/** Paths whose answers are data, not documents: `/api` (but Swagger UI), `/odata`, `/metrics`. */
const DATA_PATH = /^\/(?:api|odata|metrics)(?:[/?#]|$)/i;
/** Swagger UI is an HTML page under `/api`, and gets the documents' policy. */
const API_DOCS_PAGE = /^\/api\/docs(?:[/?#]|$)/i;

export function isDocumentPath(url: string): boolean {
  return !DATA_PATH.test(url) || API_DOCS_PAGE.test(url);
}

/**
 * Security headers. Documents (the portal, Swagger UI) get helmet with a Content-Security-
 * Policy the portal passes: scripts only from this origin; styles from this origin plus
 * inline (Angular and Material insert component styles at run time); no framing, no
 * plugins, forms and XHR to this origin. The build turns off critical-CSS inlining, whose
 * `onload` handler CSP would block. Data answers get {@link apiSecurityHeaders}.
 */
export function securityHeaders(hsts: boolean) {
  const documents = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Over plain http (npm start) HSTS would only confuse browsers.
    strictTransportSecurity: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  const data = apiSecurityHeaders(hsts);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isDocumentPath(req.url)) return documents(req, res, next);
    setHeaders(res, data);
    next();
  };
}
