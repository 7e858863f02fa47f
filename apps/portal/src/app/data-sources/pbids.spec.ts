import { pbidsContent, pbidsFileName } from './pbids';

describe('pbids', () => {
  it('is the data source file Power BI Desktop opens on an OData feed', () => {
    expect(pbidsContent('https://feedpass.example/odata/abc/')).toBe(
      '{"version":"0.1","connections":[{"details":{"protocol":"odata","address":' +
        '{"url":"https://feedpass.example/odata/abc/"}},"mode":"Import"}]}',
    );
  });

  it('is named after the data source', () => {
    expect(pbidsFileName('Sales pipeline')).toBe('Sales pipeline.pbids');
  });

  it('replaces characters a file name cannot hold', () => {
    expect(pbidsFileName('EMEA/APAC: "deals"?')).toBe('EMEA_APAC_ _deals__.pbids');
    expect(pbidsFileName('  ')).toBe('data-source.pbids');
  });
});
