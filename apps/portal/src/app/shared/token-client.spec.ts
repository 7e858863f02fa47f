import { CLIENT_SHOWN_MAX, tokenClientName, tokenOrigin, tokenScopeText } from './token-client';

describe('token client wording', () => {
  it('names Power Query “Power BI / Excel”, whatever follows its product token', () => {
    expect(
      tokenClientName('Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)'),
    ).toBe('Power BI / Excel');
    expect(tokenClientName('Microsoft.Data.Mashup')).toBe('Power BI / Excel');
  });

  it('shows any other User-Agent raw, cut with an ellipsis past the limit', () => {
    expect(tokenClientName('curl/8.5.0')).toBe('curl/8.5.0');
    const long = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)`;
    const shown = tokenClientName(long)!;
    expect([...shown]).toHaveLength(CLIENT_SHOWN_MAX);
    expect(shown.endsWith('…')).toBe(true);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
    // An astral character is never split.
    expect(tokenClientName('📊'.repeat(50))).toBe(`${'📊'.repeat(CLIENT_SHOWN_MAX - 1)}…`);
  });

  it('has nothing to say without a User-Agent', () => {
    expect(tokenClientName(null)).toBeNull();
    expect(tokenClientName('   ')).toBeNull();
  });

  it('says where a use came from with what is known', () => {
    expect(tokenOrigin('203.0.113.5', 'Microsoft.Data.Mashup (x)')).toBe(
      '203.0.113.5 · Power BI / Excel',
    );
    expect(tokenOrigin('203.0.113.5', null)).toBe('203.0.113.5');
    expect(tokenOrigin(null, 'curl/8')).toBe('curl/8');
    expect(tokenOrigin(null, null)).toBe('');
  });

  it('words a scope', () => {
    expect(tokenScopeText({ kind: 'all' })).toBe('All data sources');
    expect(
      tokenScopeText({
        kind: 'data_sources',
        dataSources: [
          { id: 'a', name: 'Finance' },
          { id: 'b', name: 'Sales' },
        ],
      }),
    ).toBe('Finance, Sales');
    expect(tokenScopeText({ kind: 'data_sources', dataSources: [] })).toBe(
      'No data sources left (they were deleted)',
    );
  });
});
