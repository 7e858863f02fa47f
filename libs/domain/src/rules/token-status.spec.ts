import { normalizeLabel, tokenStatus } from './token-status';

const at = (iso: string) => new Date(iso);
const NOW = at('2027-03-01T12:00:00.000Z');

describe('token status (SPEC 2): active, expired or revoked, exact at "now"', () => {
  it.each<
    [string, { revokedAt: Date | null | undefined; expiresAt: Date | null | undefined }, string]
  >([
    ['no expiry, not revoked', { revokedAt: null, expiresAt: null }, 'active'],
    ['fields left undefined', { revokedAt: undefined, expiresAt: undefined }, 'active'],
    [
      'expiring 1 ms from now',
      { revokedAt: null, expiresAt: at('2027-03-01T12:00:00.001Z') },
      'active',
    ],
    [
      'expiring a year from now',
      { revokedAt: null, expiresAt: at('2028-03-01T12:00:00.000Z') },
      'active',
    ],
    ['expiring exactly now', { revokedAt: null, expiresAt: NOW }, 'expired'],
    ['expired 1 ms ago', { revokedAt: null, expiresAt: at('2027-03-01T11:59:59.999Z') }, 'expired'],
    ['revoked, no expiry', { revokedAt: at('2027-02-01T00:00:00Z'), expiresAt: null }, 'revoked'],
    [
      'revoked, expiry in the future',
      { revokedAt: at('2027-02-01T00:00:00Z'), expiresAt: at('2028-01-01T00:00:00Z') },
      'revoked',
    ],
    [
      'revoked and also past its expiry',
      { revokedAt: at('2027-02-01T00:00:00Z'), expiresAt: at('2027-02-15T00:00:00Z') },
      'revoked',
    ],
  ])('%s → %s', (_name, token, status) => {
    expect(tokenStatus(token, NOW)).toBe(status);
  });

  it('the same token changes from active to expired as "now" passes its expiry, with nothing written', () => {
    const token = Object.freeze({ revokedAt: null, expiresAt: NOW });
    expect(tokenStatus(token, new Date(NOW.getTime() - 1))).toBe('active');
    expect(tokenStatus(token, NOW)).toBe('expired');
    expect(tokenStatus(token, new Date(NOW.getTime() + 1))).toBe('expired');
  });
});

describe('labels (SPEC 2): 1–100 characters after trimming, any Unicode', () => {
  it.each<[string, string, string | null]>([
    ['a plain label', 'Power BI', 'Power BI'],
    ['surrounding whitespace, trimmed', '  \t Power BI \n', 'Power BI'],
    ['inner whitespace, kept', 'Power   BI', 'Power   BI'],
    ['HTML, verbatim', '<b>bold</b><script>x()</script>', '<b>bold</b><script>x()</script>'],
    ['one character', 'x', 'x'],
    ['100 characters', 'a'.repeat(100), 'a'.repeat(100)],
    ['100 emoji (200 UTF-16 code units)', '😀'.repeat(100), '😀'.repeat(100)],
    ['100 characters inside spaces', `   ${'a'.repeat(100)}   `, 'a'.repeat(100)],
    ['101 characters', 'a'.repeat(101), null],
    ['101 emoji', '😀'.repeat(101), null],
    ['empty', '', null],
    ['spaces only', '    ', null],
    ['whitespace of several kinds only', ' \t\r\n\u00a0\u2003 ', null],
    ['a NUL character inside (PostgreSQL cannot store it)', 'nul\u0000byte', null],
    ['an unpaired surrogate (not well-formed Unicode)', 'broken \ud800 text', null],
  ])('%s', (_name, input, expected) => {
    expect(normalizeLabel(input)).toBe(expected);
  });

  it('honours another maximum', () => {
    expect(normalizeLabel('abc', 3)).toBe('abc');
    expect(normalizeLabel('abcd', 3)).toBeNull();
  });
});
