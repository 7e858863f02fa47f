import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A signing key of "GitHub": its private half, and its public PEM and key_identifier. */
export interface Signer {
  id: string;
  pem: string;
  privateKey: KeyObject;
}

/** A fresh ECDSA P-256 key, as GitHub secret scanning signs its partner alerts with. */
export function newSigner(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  // GitHub's key_identifier: the hex SHA-256 of the PEM (it reproduces GitHub's own example).
  return { id: createHash('sha256').update(pem).digest('hex'), pem, privateKey };
}

/** GitHub's headers for a body: the key's id and its signature over the exact bytes. */
export const signedBy = (signer: Signer, body: string): Record<string, string> => ({
  'Github-Public-Key-Identifier': signer.id,
  'Github-Public-Key-Signature': sign(
    'sha256',
    Buffer.from(body, 'utf8'),
    signer.privateKey,
  ).toString('base64'),
});
