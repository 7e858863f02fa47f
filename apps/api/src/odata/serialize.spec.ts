import type { PropertyModel } from './query/edm.js';
import { rowWriter } from './serialize.js';

const prop = (name: string, type: PropertyModel['type']): PropertyModel => ({
  name,
  column: name.toLowerCase(),
  type,
  nullable: true,
});

const NAME = prop('Name', 'Edm.String');
const AT = prop('At', 'Edm.DateTimeOffset');
const AMOUNT = prop('Amount', 'Edm.Decimal');

describe('rowWriter', () => {
  const write = rowWriter([NAME, AT, AMOUNT], { ieee754: false });
  const json = (row: Record<string, unknown>) => JSON.parse(write(row)) as Record<string, unknown>;

  it('writes strings as JSON, escaping exactly what JSON must (quotes, backslashes, controls, lone surrogates)', () => {
    for (const name of [
      'plain é ü',
      'a"b',
      'back\\slash',
      'line\nbreak\t',
      '\u0000',
      'x😀y',
      'lone\ud800',
    ]) {
      const text = write({ name, at: null, amount: null });
      expect(text).toBe(`{"Name":${JSON.stringify(name)},"At":null,"Amount":null}`);
      expect(json({ name, at: null, amount: null }).Name).toBe(name);
    }
  });

  it('writes PostgreSQL timestamps in UTC as ISO with Z, other offsets and no offset by the general rule', () => {
    const at = (text: string) => json({ name: null, at: text, amount: null }).At;
    expect(at('2025-02-03 10:20:30.123456+00')).toBe('2025-02-03T10:20:30.123456Z');
    expect(at('2025-02-03 10:20:30+00')).toBe('2025-02-03T10:20:30Z');
    expect(at('2025-02-03 10:20:30+02')).toBe('2025-02-03T10:20:30+02');
    expect(at('2025-02-03 10:20:30')).toBe('2025-02-03T10:20:30Z');
  });

  it('keeps every digit of a decimal and quotes what is not a JSON number', () => {
    expect(write({ name: null, at: null, amount: '12345678901234567890.0123456789' })).toContain(
      '"Amount":12345678901234567890.0123456789}',
    );
    expect(write({ name: null, at: null, amount: 'NaN' })).toContain('"Amount":"NaN"}');
  });

  it('reads array rows by position (pg rowMode array) exactly as object rows by column', () => {
    const positions = new Map([
      [AMOUNT, 0],
      [NAME, 1],
      [AT, 2],
    ]);
    const byPosition = rowWriter([NAME, AT, AMOUNT], { ieee754: false }, positions);
    expect(byPosition(['1.50', 'Acme "X"', '2025-02-03 10:20:30+00'])).toBe(
      write({ name: 'Acme "X"', at: '2025-02-03 10:20:30+00', amount: '1.50' }),
    );
  });
});
