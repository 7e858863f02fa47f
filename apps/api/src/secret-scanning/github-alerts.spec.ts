import { ApiException } from '../common/api-exception';
import { GITHUB_ALERTS_ROUTE, MAX_ALERTS, parseAlerts } from './github-alerts';

const parse = (value: unknown) =>
  parseAlerts(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

const refusal = (value: unknown): string => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    expect(error).toMatchObject({ status: 400, code: 'invalid_alert' });
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('parseAlerts (GitHub secret scanning partner alerts)', () => {
  it("reads GitHub's documented example, keeping only token, type, url and source", () => {
    expect(
      parse(
        '[{"source":"commit","token":"some_token","type":"some_type","url":"https://example.com/base-repo-url/","extra":1}]',
      ),
    ).toEqual([
      {
        token: 'some_token',
        type: 'some_type',
        url: 'https://example.com/base-repo-url/',
        source: 'commit',
      },
    ]);
  });

  it('takes a missing, null or empty url or source as null', () => {
    expect(
      parse([
        { token: 't', type: 'x' },
        { token: 't', type: 'x', url: '', source: null },
      ]),
    ).toEqual([
      { token: 't', type: 'x', url: null, source: null },
      { token: 't', type: 'x', url: null, source: null },
    ]);
  });

  it(`accepts 1 to ${MAX_ALERTS} alerts`, () => {
    expect(parse(Array(MAX_ALERTS).fill({ token: 't', type: 'x' }))).toHaveLength(MAX_ALERTS);
    expect(refusal([])).toMatch(/from 1 to 1000/);
    expect(refusal(Array(MAX_ALERTS + 1).fill({ token: 't', type: 'x' }))).toMatch(/not 1001/);
  });

  it.each([
    ['not JSON', '[{"token":'],
    ['an object', { token: 't', type: 'x' }],
    ['a string', '"fpat_x"'],
    ['an array of strings', ['fpat_x']],
    ['an alert without token', [{ type: 'x' }]],
    ['an empty token', [{ token: '', type: 'x' }]],
    ['a numeric token', [{ token: 1, type: 'x' }]],
    ['an alert without type', [{ token: 't' }]],
    ['a numeric url', [{ token: 't', type: 'x', url: 5 }]],
    ['an object source', [{ token: 't', type: 'x', source: {} }]],
    ['a null alert', [null]],
    ['a nested array', [[{ token: 't', type: 'x' }]]],
  ])('refuses %s with 400 invalid_alert', (_name, value) => {
    refusal(value);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => parseAlerts(Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]))).toThrow(
      /not UTF-8 JSON/,
    );
  });

  it('matches its route as Express routes it: any case, an optional trailing slash, nothing else', () => {
    for (const path of [
      '/api/secret-scanning/github',
      '/API/Secret-Scanning/GitHub',
      '/api/secret-scanning/github/',
    ])
      expect(GITHUB_ALERTS_ROUTE.test(path)).toBe(true);
    for (const path of [
      '/api/secret-scanning/github/x',
      '/api/secret-scanning/githubx',
      '/api/secret-scanning',
      '/x/api/secret-scanning/github',
      '/api/tokens',
    ])
      expect(GITHUB_ALERTS_ROUTE.test(path)).toBe(false);
  });
});
