import { Logger } from '@nestjs/common';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FixedClock } from '../common/clock';
import { loadConfig } from '../config/app-config';
import { KEYS_MAX_AGE_MS, REFETCH_AFTER_MS, SecretScanningKeyStore } from './key-store';
import { keyIdentifier } from './public-keys';

const URL_ = 'https://keys.example.test/secret_scanning';
const newKey = () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  }) as string;
  return { id: keyIdentifier(pem), pem };
};
const document = (...keys: { id: string; pem: string }[]) =>
  JSON.stringify({
    public_keys: keys.map((k, i) => ({
      key_identifier: k.id,
      key: k.pem,
      is_current: i === keys.length - 1,
    })),
  });
const pemOf = (key: KeyObject | null | string) =>
  typeof key === 'object' && key ? key.export({ type: 'spki', format: 'pem' }) : key;

describe('SecretScanningKeyStore', () => {
  const clock = new FixedClock(new Date('2030-01-01T00:00:00Z'));
  let served: () => Response | Promise<Response>;
  let fetchMock: jest.SpyInstance;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch').mockImplementation(async () => served());
  });
  afterEach(() => fetchMock.mockRestore());

  const store = (env: Record<string, string>) =>
    new SecretScanningKeyStore(
      loadConfig({ DATABASE_URL: 'postgres://localhost/x', LOG_LEVEL: 'silent', ...env }),
      clock,
    );

  it('is off with neither keys nor a URL; configured keys need no fetch', async () => {
    expect(store({}).configured).toBe(false);
    const a = newKey();
    const keys = store({ SECRET_SCANNING_PUBLIC_KEYS: a.pem });
    expect(keys.configured).toBe(true);
    expect(pemOf(await keys.find(a.id.toUpperCase()))).toBe(a.pem);
    expect(await keys.find(newKey().id)).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('fetches on first need, refetches for an unknown id at most once a minute (a rotation)', async () => {
    const [a, b] = [newKey(), newKey()];
    served = () => new Response(document(a));
    const keys = store({ SECRET_SCANNING_KEYS_URL: URL_ });
    expect(pemOf(await keys.find(a.id))).toBe(a.pem);
    expect(await keys.find(a.id)).not.toBeNull();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    served = () => new Response(document(a, b));
    // Within the minute: unknown ids cost nothing.
    for (let i = 0; i < 5; i++) expect(await keys.find(newKey().id)).toBeNull();
    expect(await keys.find(b.id)).toBeNull();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    clock.advance(REFETCH_AFTER_MS);
    expect(pemOf(await keys.find(b.id))).toBe(b.pem);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('concurrent lookups share one fetch', async () => {
    const a = newKey();
    served = () => new Response(document(a));
    const keys = store({ SECRET_SCANNING_KEYS_URL: URL_ });
    const found = await Promise.all([keys.find(a.id), keys.find(a.id), keys.find(newKey().id)]);
    expect(found.map((k) => k !== null)).toEqual([true, true, false]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('a failed fetch: known keys stay usable, an id only a fetch could tell is unavailable', async () => {
    const a = newKey();
    served = () => new Response('down', { status: 502 });
    const keys = store({ SECRET_SCANNING_KEYS_URL: URL_ });
    expect(await keys.find(a.id)).toBe('unavailable');

    clock.advance(REFETCH_AFTER_MS);
    served = () => new Response(document(a));
    expect(await keys.find(a.id)).not.toBeNull();

    // An hour later the document is asked for again (conditionally); failing, the key stays.
    clock.advance(KEYS_MAX_AGE_MS);
    served = () => Promise.reject(new TypeError('fetch failed'));
    expect(pemOf(await keys.find(a.id))).toBe(a.pem);
    expect(await keys.find(newKey().id)).toBe('unavailable');
  });

  it('sends If-None-Match with the last ETag and keeps its keys on 304', async () => {
    const a = newKey();
    served = () => new Response(document(a), { headers: { etag: '"v1"' } });
    const keys = store({ SECRET_SCANNING_KEYS_URL: URL_ });
    await keys.find(a.id);
    clock.advance(KEYS_MAX_AGE_MS);
    served = () => new Response(null, { status: 304 });
    expect(pemOf(await keys.find(a.id))).toBe(a.pem);
    const headers = fetchMock.mock.calls[1][1].headers as Record<string, string>;
    expect(headers['if-none-match']).toBe('"v1"');
  });

  it('a document with no usable key is a failed fetch', async () => {
    served = () =>
      new Response(JSON.stringify({ public_keys: [{ key_identifier: 'ab', key: 'x' }] }));
    const keys = store({ SECRET_SCANNING_KEYS_URL: URL_ });
    expect(await keys.find('ab')).toBe('unavailable');
  });
});
