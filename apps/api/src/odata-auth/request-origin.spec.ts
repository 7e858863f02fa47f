import { TOKEN_CLIENT_MAX } from '@feedpass/contracts';
import { isRecordDue, requestOrigin, TOKEN_IP_MAX } from './request-origin';

describe('requestOrigin', () => {
  it('keeps the address and the User-Agent as given', () => {
    expect(requestOrigin('203.0.113.7', 'Microsoft.Data.Mashup (x)')).toEqual({
      ip: '203.0.113.7',
      client: 'Microsoft.Data.Mashup (x)',
    });
    expect(requestOrigin('2001:db8::1', 'curl/8')).toEqual({ ip: '2001:db8::1', client: 'curl/8' });
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(requestOrigin('::ffff:127.0.0.1', undefined).ip).toBe('127.0.0.1');
    expect(requestOrigin('::FFFF:10.1.2.3', undefined).ip).toBe('10.1.2.3');
    expect(requestOrigin('::ffff:abcd', undefined).ip).toBe('::ffff:abcd');
  });

  it('is null for what is missing or blank', () => {
    expect(requestOrigin(undefined, undefined)).toEqual({ ip: null, client: null });
    expect(requestOrigin('', '   ')).toEqual({ ip: null, client: null });
  });

  it('cuts both to what the columns hold', () => {
    const origin = requestOrigin('x'.repeat(100), 'a'.repeat(500));
    expect(origin.ip).toHaveLength(TOKEN_IP_MAX);
    expect(origin.client).toHaveLength(TOKEN_CLIENT_MAX);
  });
});

describe('isRecordDue', () => {
  const at = new Date('2026-03-01T10:00:00Z');
  const origin = { ip: '203.0.113.7', client: 'Microsoft.Data.Mashup' };
  const later = (ms: number) => new Date(at.getTime() + ms);

  it('is due when never recorded', () => {
    expect(isRecordDue({ at: null, ip: null, client: null }, origin, at)).toBe(true);
  });

  it('is due once a minute from the same origin', () => {
    const last = { at, ...origin };
    expect(isRecordDue(last, origin, later(59_999))).toBe(false);
    expect(isRecordDue(last, origin, later(60_000))).toBe(true);
  });

  it('is due at once when the address or the client changed', () => {
    const last = { at, ...origin };
    expect(isRecordDue(last, { ...origin, ip: '198.51.100.1' }, later(1_000))).toBe(true);
    expect(isRecordDue(last, { ...origin, client: 'curl/8' }, later(1_000))).toBe(true);
    expect(isRecordDue(last, { ...origin, ip: null }, later(1_000))).toBe(true);
  });
});
