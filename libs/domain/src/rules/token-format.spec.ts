import { createHash } from 'node:crypto';
import { generateTokenValue, isWellFormedToken, TOKEN_LENGTH, tokenDigest } from './token-format';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'fpat_';

/** An independent CRC-32 (IEEE 802.3, as zlib), bit by bit. */
function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** `value` as exactly `length` base62 digits, most significant first. */
function base62(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** A token with a correct checksum over the given 30-character random part. */
const forge = (random: string) => PREFIX + random + base62(crc32(random), 6);

describe('token format (SPEC 2): fpat_ + 30 random base62 + 6 base62 CRC32', () => {
  it('generates fpat_ + 36 base62 characters that pass the checks', () => {
    for (let i = 0; i < 200; i++) {
      const value = generateTokenValue();
      expect(value).toMatch(/^fpat_[0-9A-Za-z]{36}$/);
      expect(value).toHaveLength(41);
      expect(isWellFormedToken(value)).toBe(true);
    }
    expect(TOKEN_LENGTH).toBe(41);
  });

  it('the last 6 characters are the base62 CRC32 of the 30 random characters', () => {
    for (let i = 0; i < 200; i++) {
      const value = generateTokenValue();
      const random = value.slice(5, 35);
      expect(value.slice(35)).toBe(base62(crc32(random), 6));
    }
  });

  it('accepts any correctly checksummed value, not only generated ones', () => {
    expect(isWellFormedToken(forge('0'.repeat(30)))).toBe(true);
    expect(isWellFormedToken(forge('z'.repeat(30)))).toBe(true);
    expect(isWellFormedToken(forge('AbCdEfGhIjKlMnOpQrStUvWxYz0123'))).toBe(true);
  });

  it('any single-character change of the random part or the checksum fails the check', () => {
    for (let n = 0; n < 10; n++) {
      const value = generateTokenValue();
      for (let i = PREFIX.length; i < value.length; i++) {
        for (const c of BASE62) {
          if (c === value[i]) continue;
          const changed = value.slice(0, i) + c + value.slice(i + 1);
          if (isWellFormedToken(changed))
            throw new Error(`${changed} (position ${i}) passed the check`);
        }
      }
    }
  });

  it('swapping two neighbouring different characters fails the check', () => {
    const value = generateTokenValue();
    for (let i = PREFIX.length; i < value.length - 1; i++) {
      if (value[i] === value[i + 1]) continue;
      const swapped = value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2);
      expect(isWellFormedToken(swapped)).toBe(false);
    }
  });

  it.each([
    ['another prefix', (v: string) => 'ghp_' + v.slice(4)],
    ['an upper-case prefix', (v: string) => 'FPAT_' + v.slice(5)],
    ['no prefix', (v: string) => v.slice(5)],
    ['a prefix without underscore', (v: string) => 'fpat' + v.slice(5)],
    ['one character short', (v: string) => v.slice(0, -1)],
    ['one character long', (v: string) => v + 'a'],
    ['the checksum left out', (v: string) => v.slice(0, 35)],
    ['a non-base62 character', (v: string) => v.slice(0, 10) + '-' + v.slice(11)],
    ['an underscore in the body', (v: string) => v.slice(0, 10) + '_' + v.slice(11)],
    ['a non-ASCII letter', (v: string) => v.slice(0, 10) + 'é' + v.slice(11)],
    ['a leading space', (v: string) => ' ' + v],
    ['a trailing newline', (v: string) => v + '\n'],
    ['lower-cased', (v: string) => v.toLowerCase()],
    ['empty', () => ''],
    ['the prefix alone', () => PREFIX],
  ])('rejects %s', (_name, mangle) => {
    let value = generateTokenValue();
    // Make sure the mangling really changes something for case-changing manglers.
    while (mangle(value) === value) value = generateTokenValue();
    expect(isWellFormedToken(mangle(value))).toBe(false);
  });

  it('a correct checksum over a random part of the wrong length is still rejected', () => {
    expect(isWellFormedToken(PREFIX + 'a'.repeat(29) + base62(crc32('a'.repeat(29)), 6))).toBe(
      false,
    );
    expect(isWellFormedToken(PREFIX + 'a'.repeat(31) + base62(crc32('a'.repeat(31)), 6))).toBe(
      false,
    );
  });

  it('10,000 generated values are all distinct', () => {
    const values = new Set<string>();
    for (let i = 0; i < 10_000; i++) values.add(generateTokenValue());
    expect(values.size).toBe(10_000);
    const randomParts = new Set([...values].map((v) => v.slice(5, 35)));
    expect(randomParts.size).toBe(10_000);
  });

  it('draws random characters uniformly from all 62 base62 characters (chi-square)', () => {
    const counts = new Map<string, number>();
    const samples = 10_000;
    for (let i = 0; i < samples; i++) {
      for (const c of generateTokenValue().slice(5, 35)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe([...BASE62].sort().join(''));
    const expected = (samples * 30) / 62;
    let chi = 0;
    for (const c of BASE62) chi += (counts.get(c)! - expected) ** 2 / expected;
    // 61 degrees of freedom: mean 61, P(chi² > 125) < 1e-6. A modulo bias (byte % 62) scores ~2000.
    expect(chi).toBeLessThan(125);
  });

  it('every position of the random part uses the whole alphabet', () => {
    const seen = Array.from({ length: 30 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) {
      const random = generateTokenValue().slice(5, 35);
      for (let p = 0; p < 30; p++) seen[p].add(random[p]);
    }
    for (const set of seen) expect(set.size).toBe(62);
  });

  it('stores a SHA-256 hex digest of the value', () => {
    const value = generateTokenValue();
    expect(tokenDigest(value)).toBe(createHash('sha256').update(value).digest('hex'));
    expect(tokenDigest(value)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest(value)).not.toContain(value.slice(5));
    expect(tokenDigest(generateTokenValue())).not.toBe(tokenDigest(value));
  });
});
