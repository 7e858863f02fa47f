import { slugFromName, TENANT_SLUG_PATTERN } from './tenant-slug';

describe('slugFromName', () => {
  it.each([
    ['Demo', 'demo'],
    ['Acme Corp.', 'acme-corp'],
    ['  Müller & Söhne ', 'muller-sohne'],
    ['***', 'tenant'],
    ['x'.repeat(80), 'x'.repeat(63)],
  ])('%s → %s', (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
    expect(TENANT_SLUG_PATTERN.test(slugFromName(name))).toBe(true);
  });
});
