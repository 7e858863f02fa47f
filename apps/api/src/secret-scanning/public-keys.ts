import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * GitHub secret scanning's signing keys: ECDSA P-256 public keys, each named by the
 * `key_identifier` that a request's `Github-Public-Key-Identifier` header carries. Pure (no
 * I/O): used by the configuration at boot and by the key store for fetched documents.
 */

/** A verified P-256 key: its identifier (lower-case hex) and its canonical SPKI PEM. */
export interface PublicKeyEntry {
  id: string;
  pem: string;
}

/** What https://api.github.com/meta/public_keys/secret_scanning serves. */
export interface GitHubKeysDocument {
  public_keys: { key_identifier: string; key: string; is_current?: boolean }[];
}

export class PublicKeyError extends Error {}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;

/**
 * The key of one PEM `PUBLIC KEY` block, which must be ECDSA on P-256 (prime256v1), as the
 * canonical SPKI PEM: 64-character base64 lines, LF line ends, a final LF.
 */
export function p256Pem(text: string): string {
  if (!/^\s*-----BEGIN PUBLIC KEY-----[\s\S]*-----END PUBLIC KEY-----\s*$/.test(text))
    throw new PublicKeyError('is not a PEM "PUBLIC KEY" block');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new PublicKeyError('is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new PublicKeyError('is not an ECDSA P-256 (prime256v1) public key');
  return key.export({ type: 'spki', format: 'pem' }) as string;
}

/**
 * GitHub's `key_identifier` of a key: the hex SHA-256 of its canonical PEM text. GitHub does
 * not document the derivation; it reproduces the identifier of the key in GitHub's own
 * partner-program example (`90a42116…555f4a`), and `SECRET_SCANNING_PUBLIC_KEYS` may carry
 * GitHub's document instead, whose identifiers are taken as given.
 */
export function keyIdentifier(pem: string): string {
  return createHash('sha256').update(pem, 'utf8').digest('hex');
}

/** Every `PUBLIC KEY` block of the text (nothing else allowed but blank space), identified. */
export function parsePemList(text: string): PublicKeyEntry[] {
  // Environment files often carry a PEM on one line with literal "\n" escapes.
  const unescaped = text.replace(/\\n/g, '\n');
  const blocks = unescaped.match(PEM_BLOCK) ?? [];
  if (!blocks.length) throw new PublicKeyError('no PEM "PUBLIC KEY" block found');
  if (unescaped.replace(PEM_BLOCK, '').trim())
    throw new PublicKeyError('text outside the PEM "PUBLIC KEY" blocks');
  return blocks.map((block, i) => {
    try {
      const pem = p256Pem(block);
      return { id: keyIdentifier(pem), pem };
    } catch (error) {
      throw new PublicKeyError(`key ${i + 1} ${(error as Error).message}`);
    }
  });
}

/**
 * The keys of a document shaped like GitHub's, under their own `key_identifier`. Entries
 * that cannot be used are listed in `skipped` (with why), not returned.
 */
export function parseKeysDocument(value: unknown): {
  keys: PublicKeyEntry[];
  skipped: string[];
} {
  const list = (value as Partial<GitHubKeysDocument> | null)?.public_keys;
  if (!Array.isArray(list)) throw new PublicKeyError('no "public_keys" array');
  const keys: PublicKeyEntry[] = [];
  const skipped: string[] = [];
  list.forEach((entry: unknown, i) => {
    const { key_identifier: id, key } = (entry ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || !/^[0-9a-fA-F]{1,128}$/.test(id) || typeof key !== 'string') {
      skipped.push(`entry ${i + 1} lacks a hex "key_identifier" or a "key"`);
      return;
    }
    try {
      keys.push({ id: id.toLowerCase(), pem: p256Pem(key) });
    } catch (error) {
      skipped.push(`key ${id} ${(error as Error).message}`);
    }
  });
  return { keys, skipped };
}

/**
 * `SECRET_SCANNING_PUBLIC_KEYS`: one or more PEM `PUBLIC KEY` blocks (identified by
 * {@link keyIdentifier}), or GitHub's JSON key document as served. Throws a
 * {@link PublicKeyError} saying what is wrong; every key must be usable.
 */
export function parsePublicKeys(text: string): PublicKeyEntry[] {
  if (!text.trim().startsWith('{')) return parsePemList(text);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new PublicKeyError('neither PEM nor valid JSON');
  }
  const { keys, skipped } = parseKeysDocument(document);
  if (skipped.length) throw new PublicKeyError(skipped.join('; '));
  if (!keys.length) throw new PublicKeyError('no key listed');
  return keys;
}
