import { odcContent, odcFileName, odcFormula } from './odc';

const ODC = 'urn:schemas-microsoft-com:office:odc';
const OFFICE = 'urn:schemas-microsoft-com:office:office';
const MASHUP = 'http://schemas.microsoft.com/DataMashup';

function parse(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  return doc;
}

/** What Excel reads from the file: the connection, and the query inside the mashup data. */
function read(content: string) {
  const doc = parse(content);
  const odc = (name: string) => doc.getElementsByTagNameNS(ODC, name)[0]?.textContent ?? null;
  const mashup = parse(odc('PowerQueryMashupData')!);
  const queries = [...mashup.getElementsByTagNameNS(MASHUP, 'Query')];
  return {
    title: doc.getElementsByTagName('title')[0].textContent,
    name: doc.getElementsByTagNameNS(OFFICE, 'Name')[0].textContent,
    type: doc.getElementsByTagNameNS(ODC, 'PowerQueryConnection')[0].getAttributeNS(ODC, 'Type'),
    connectionString: odc('ConnectionString'),
    commandType: odc('CommandType'),
    commandText: odc('CommandText'),
    client: mashup.getElementsByTagNameNS(MASHUP, 'Client')[0].textContent,
    queries: queries.map((q) => ({
      name: q.getAttribute('Name'),
      formula: q.getElementsByTagNameNS(MASHUP, 'Formula')[0].textContent,
    })),
  };
}

describe('odc', () => {
  it('is an Office Data Connection to a Power Query OData.Feed query on the feed', () => {
    const odc = read(
      odcContent({ name: 'Sales pipeline', odataUrl: 'https://feedpass.example/odata/abc/' }),
    );
    expect(odc).toEqual({
      title: 'Sales pipeline',
      name: 'Sales pipeline',
      type: 'OLEDB',
      connectionString:
        'Provider=Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;Location=Sales pipeline;Extended Properties=""',
      commandType: 'SQL',
      commandText: 'SELECT * FROM [Sales pipeline]',
      client: 'EXCEL',
      queries: [
        {
          name: 'Sales pipeline',
          formula:
            'let\n    Source = OData.Feed("https://feedpass.example/odata/abc/", null, [Implementation="2.0"])\nin\n    Source',
        },
      ],
    });
  });

  it('is an HTML page with the connection in its msodc island, as Excel writes it', () => {
    const content = odcContent({ name: 'Sales', odataUrl: 'https://feedpass.example/odata/abc/' });
    const page = new DOMParser().parseFromString(content, 'text/html');
    expect(page.querySelector('meta[http-equiv="Content-Type"]')!.getAttribute('content')).toBe(
      'text/x-ms-odc; charset=utf-8',
    );
    expect(page.querySelector('meta[name="ProgId"]')!.getAttribute('content')).toBe('ODC.Database');
    expect(page.querySelector('xml#docprops')).not.toBeNull();
    expect(page.querySelector('xml#msodc')!.innerHTML).toContain(
      '<odc:powerqueryconnection odc:type="OLEDB">',
    );
  });

  it('keeps names and URLs with &, <, " and quotes intact, and out of the markup', () => {
    const name = `R&D <"EU"> O'Brien; [draft]`;
    const odataUrl = 'https://feedpass.example/odata/k&y<"1"/';
    const content = odcContent({ name, odataUrl });
    // Nothing of the name or the URL opens an element or ends an attribute.
    expect(content).not.toContain('<"EU">');
    expect(content).not.toContain('k&y');
    expect(content).toContain('R&amp;D &lt;&quot;EU&quot;&gt; O&#39;Brien');

    const odc = read(content);
    expect(odc.title).toBe(name);
    expect(odc.name).toBe(name);
    // The query name also stands in the connection string and in brackets.
    expect(odc.connectionString).toBe(
      `Provider=Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;Location=R&D __EU__ O'Brien_ _draft_;Extended Properties=""`,
    );
    expect(odc.commandText).toBe(`SELECT * FROM [R&D __EU__ O'Brien_ _draft_]`);
    expect(odc.queries).toEqual([
      { name: `R&D __EU__ O'Brien_ _draft_`, formula: odcFormula(odataUrl) },
    ]);
    // An M text literal doubles its quotes.
    expect(odc.queries[0].formula).toContain(
      'OData.Feed("https://feedpass.example/odata/k&y<""1""/",',
    );
  });

  it('is named after the data source, without characters a file name cannot hold', () => {
    expect(odcFileName({ name: 'Sales pipeline' })).toBe('Sales pipeline.odc');
    expect(odcFileName({ name: 'EMEA/APAC: "deals"?' })).toBe('EMEA_APAC_ _deals__.odc');
    expect(odcFileName({ name: '  ' })).toBe('data-source.odc');
  });
});
