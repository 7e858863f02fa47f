import helmet from 'helmet';

/**
 * Security headers (helmet) with a Content-Security-Policy the portal passes: scripts only
 * from this origin; styles from this origin plus inline (Angular and Material insert
 * component styles at run time); no framing, no plugins, forms and XHR to this origin.
 * The build turns off critical-CSS inlining, whose `onload` handler CSP would block.
 */
export function securityHeaders(hsts: boolean) {
  return helmet({
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
}
