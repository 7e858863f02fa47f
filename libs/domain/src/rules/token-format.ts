import { TOKEN_PREFIX } from '@feedpass/contracts';
import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Token values: `fpat_` + 30 random base62 characters (≈178.6 bits from the CSPRNG) + 6
 * base62 characters of the CRC32 of the random part. The checksum lets a malformed or
 * mistyped token be refused without touching the database.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
const SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling: 248 = 4 × 62, so every character is equally likely.
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62Fixed(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function checksum(randomPart: string): string {
  return base62Fixed(crc32(randomPart), CHECKSUM_LENGTH);
}

export function generateTokenValue(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return TOKEN_PREFIX + random + checksum(random);
}

/** True when the string has the token shape and its checksum matches. No I/O. */
export function isWellFormedToken(value: string): boolean {
  if (value.length !== TOKEN_LENGTH || !SHAPE.test(value)) return false;
  const random = value.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_LENGTH);
  return value.slice(TOKEN_PREFIX.length + RANDOM_LENGTH) === checksum(random);
}

/**
 * What the database stores and looks tokens up by: hex SHA-256 of the value. Node's one-shot
 * `hash` (no Hash object per call): the feed computes one on every request.
 */
export function tokenDigest(value: string): string {
  return hash('sha256', value, 'hex');
}
