import { apiSecurityHeaders, isDocumentPath } from './security-headers';

describe('securityHeaders: which answers are documents', () => {
  it.each([
    ['/', true],
    ['/admin/users', true],
    ['/login?next=/tokens', true],
    ['/api/docs', true],
    ['/api/docs/', true],
    ['/API/Docs/swagger-ui.css', true],
    ['/apiary', true],
    ['/api', false],
    ['/api/health', false],
    ['/API/HEALTH', false],
    ['/api/docs-json', false],
    ['/api?x=1', false],
    ['/odata/abc/Deals?$top=1', false],
    ['/ODATA', false],
    ['/metrics', false],
  ])('%s → document: %s', (url, document) => {
    expect(isDocumentPath(url)).toBe(document);
  });

  it('gives data answers no-sniff, no framing, no referrer, same-origin resources, and HSTS over https', () => {
    const headers = Object.fromEntries(apiSecurityHeaders(true));
    expect(headers).toEqual({
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    });
    expect(Object.fromEntries(apiSecurityHeaders(false))).not.toHaveProperty(
      'Strict-Transport-Security',
    );
  });
});
