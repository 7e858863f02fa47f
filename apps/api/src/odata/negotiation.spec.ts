import { gunzipSync, brotliDecompressSync, inflateSync } from 'node:zlib';
import { chooseEncoding, createEncoder } from './compression';
import { negotiateFormat, parsePreferences, preferenceApplied } from './negotiation';
import { queryFailure } from './testing/query-failure';

/** What Power Query's OData.Feed sends. */
const POWER_QUERY_ACCEPT =
  'application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,' +
  'application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7';

const failure = (run: () => unknown) => queryFailure('the negotiation', run);

describe('negotiateFormat', () => {
  it('answers minimal metadata by default and to Power Query', () => {
    expect(negotiateFormat(undefined, undefined)).toEqual({ metadata: 'minimal', ieee754: false });
    expect(negotiateFormat(POWER_QUERY_ACCEPT, undefined)).toEqual({
      metadata: 'minimal',
      ieee754: false,
    });
    expect(negotiateFormat('application/xml', undefined)).toEqual({
      metadata: 'minimal',
      ieee754: false,
    });
  });

  it('reads odata.metadata=none and IEEE754Compatible from Accept or $format', () => {
    expect(negotiateFormat('application/json;odata.metadata=none', undefined).metadata).toBe(
      'none',
    );
    expect(negotiateFormat('application/json;IEEE754Compatible=true', undefined).ieee754).toBe(
      true,
    );
    expect(
      negotiateFormat(undefined, 'application/json;odata.metadata=none;IEEE754Compatible=true'),
    ).toEqual({
      metadata: 'none',
      ieee754: true,
    });
    expect(negotiateFormat(undefined, 'json;odata.metadata=none').metadata).toBe('none');
    expect(negotiateFormat('application/json;odata=nometadata', undefined).metadata).toBe('none');
  });

  it('lets $format win over Accept', () => {
    expect(negotiateFormat('application/json;odata.metadata=none', 'json').metadata).toBe(
      'minimal',
    );
  });

  it('falls back from full metadata to a lower-ranked JSON range, else 406', () => {
    expect(
      negotiateFormat('application/json;odata.metadata=full,application/json;q=0.5', undefined)
        .metadata,
    ).toBe('minimal');
    expect(
      failure(() => negotiateFormat('application/json;odata.metadata=full', undefined)).status,
    ).toBe(406);
    expect(failure(() => negotiateFormat(undefined, 'json;odata.metadata=full')).status).toBe(406);
    expect(failure(() => negotiateFormat(undefined, 'xml')).status).toBe(406);
    expect(failure(() => negotiateFormat(undefined, 'atom')).message).toContain(
      'this service speaks JSON',
    );
  });

  it('refuses malformed parameters with a 400', () => {
    expect(
      failure(() => negotiateFormat('application/json;odata.metadata=lots', undefined)).status,
    ).toBe(400);
    expect(
      failure(() => negotiateFormat('application/json;IEEE754Compatible=yes', undefined)).status,
    ).toBe(400);
  });
});

describe('parsePreferences', () => {
  it('reads odata.maxpagesize and omit-values=nulls, ignoring the rest', () => {
    expect(parsePreferences(undefined)).toEqual({ maxPageSize: null, omitNulls: false });
    expect(parsePreferences('odata.maxpagesize=500, omit-values=nulls, respond-async')).toEqual({
      maxPageSize: 500,
      omitNulls: true,
    });
    expect(parsePreferences('odata.maxpagesize=0').maxPageSize).toBeNull();
    expect(parsePreferences('odata.maxpagesize=abc').maxPageSize).toBeNull();
    expect(parsePreferences('omit-values=defaults').omitNulls).toBe(false);
  });

  it('says what was applied', () => {
    expect(preferenceApplied({ maxPageSize: 100, omitNulls: true })).toBe(
      'odata.maxpagesize=100, omit-values=nulls',
    );
    expect(preferenceApplied({})).toBeNull();
  });
});

describe('chooseEncoding', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['gzip, deflate', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'br'],
    ['gzip, deflate, br', 'gzip'],
    ['gzip;q=0.5, br', 'br'],
    ['identity', null],
    ['*', 'gzip'],
    ['*, gzip;q=0', 'br'],
    ['gzip;q=0', null],
    ['compress, x-zip', null],
  ])('Accept-Encoding %p → %p', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

describe('createEncoder', () => {
  const body = Buffer.from(
    JSON.stringify({
      value: Array.from({ length: 2000 }, (_, i) => ({ Id: i, Name: `Deal ${i}` })),
    }),
  );
  const decode = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync } as const;

  it.each(['gzip', 'deflate', 'br'] as const)(
    '%s decodes to exactly the original bytes, much smaller',
    async (encoding) => {
      const encoder = createEncoder(encoding);
      const chunks: Buffer[] = [];
      encoder.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise((resolve) => encoder.on('end', resolve));
      encoder.end(body);
      await done;
      const compressed = Buffer.concat(chunks);
      expect(decode[encoding](compressed).equals(body)).toBe(true);
      expect(compressed.length).toBeLessThan(body.length * 0.2);
    },
  );
});
