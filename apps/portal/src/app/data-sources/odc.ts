import type { DataSource } from '@feedpass/contracts';
import { downloadFile, fileName, fileStem } from './download';

type OdcSource = Pick<DataSource, 'name' | 'odataUrl'>;

/**
 * An Office Data Connection file: opening it starts Excel with a Power Query (Get & Transform)
 * query on the data source's OData feed, asking for credentials.
 *
 * The shape is the one Excel itself writes when a Power Query query's connection is exported
 * (the query's Properties → Definition → Export Connection File), as [MS-ODCFF] §2.7.1.1
 * "OfficeDataConnection" specifies it
 * (https://learn.microsoft.com/en-us/openspecs/office_file_formats/MS-ODCFF/ebe9778c-d954-4449-a26c-6024fb7f7eff):
 * an HTML file whose `<xml id="msodc">` island holds an `odc:PowerQueryConnection` of type
 * `OLEDB` (the Mashup OLE DB provider, reading the query named by `Location` from the workbook,
 * `$Workbook$`) and an `odc:PowerQueryMashupData`, which carries the query itself: a Mashup
 * document as [MS-QDEIF] defines it, HTML-encoded into the element's text. The other form, a
 * plain `odc:Connection` whose `Extended Properties` hold a base64 Data Mashup package
 * ([MS-QDEFF], a zip), would need a zip packer for no gain here.
 *
 * The page is written as well-formed XML (quoted attributes, closed `<meta/>`), which Excel's
 * HTML reader takes as it is and which lets the spec parse it.
 */
export function odcContent(source: OdcSource): string {
  const query = queryName(source.name);
  const name = xml(source.name);
  return [
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns="http://www.w3.org/TR/REC-html40">',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/x-ms-odc; charset=utf-8"/>',
    '<meta name="ProgId" content="ODC.Database"/>',
    '<meta name="SourceType" content="OLEDB"/>',
    `<title>${name}</title>`,
    '<xml id="docprops"><o:DocumentProperties xmlns:o="urn:schemas-microsoft-com:office:office" xmlns="http://www.w3.org/TR/REC-html40">',
    `<o:Description>The feedpass data source ${name} in Power Query, from its OData feed.</o:Description>`,
    `<o:Name>${name}</o:Name>`,
    '</o:DocumentProperties></xml>',
    '<xml id="msodc"><odc:OfficeDataConnection xmlns:odc="urn:schemas-microsoft-com:office:odc" xmlns="http://www.w3.org/TR/REC-html40">',
    '<odc:PowerQueryConnection odc:Type="OLEDB">',
    `<odc:ConnectionString>${xml(connectionString(query))}</odc:ConnectionString>`,
    '<odc:CommandType>SQL</odc:CommandType>',
    `<odc:CommandText>${xml(`SELECT * FROM [${query}]`)}</odc:CommandText>`,
    '</odc:PowerQueryConnection>',
    `<odc:PowerQueryMashupData>${xml(mashup(query, source.odataUrl))}</odc:PowerQueryMashupData>`,
    '</odc:OfficeDataConnection></xml>',
    '</head>',
    '<body></body>',
    '</html>',
    '',
  ].join('\n');
}

/** `{name}.odc`, with the characters Windows refuses in file names replaced. */
export function odcFileName(source: Pick<DataSource, 'name'>): string {
  return fileName(source.name, 'odc');
}

/** Hands the browser an `.odc` file for the feed, as a download. */
export function downloadOdc(doc: Document, source: OdcSource): void {
  downloadFile(doc, odcFileName(source), odcContent(source), 'text/x-ms-odc;charset=utf-8');
}

/** The Power Query formula: the feed's root, whose navigation table lists its entity sets. */
export function odcFormula(odataUrl: string): string {
  // An M text literal doubles its quotes.
  const url = odataUrl.replace(/"/g, '""');
  return `let\n    Source = OData.Feed("${url}", null, [Implementation="2.0"])\nin\n    Source`;
}

/**
 * The query's name in the workbook. It also stands unquoted in the connection string and in
 * brackets in `SELECT * FROM [...]`, so `;`, `[` and `]` go as well as what a file name refuses.
 */
function queryName(name: string): string {
  return fileStem(name).replace(/[;[\]]/g, '_');
}

function connectionString(query: string): string {
  return `Provider=Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;Location=${query};Extended Properties=""`;
}

/** The [MS-QDEIF] Mashup document with the one query. */
function mashup(query: string, odataUrl: string): string {
  return (
    '<Mashup xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/DataMashup">' +
    '<Client>EXCEL</Client><Version>2.21.0.0</Version><MinVersion>2.21.0.0</MinVersion>' +
    '<Culture>en-US</Culture><SafeCombine>true</SafeCombine>' +
    `<Items><Query Name="${xml(query)}"><Formula>${xml(odcFormula(odataUrl))}</Formula>` +
    '<IsParameterQuery xsi:nil="true"/><IsDirectQuery xsi:nil="true"/></Query></Items>' +
    '</Mashup>'
  );
}

/** Text or attribute value as XML and HTML both read it back unchanged (hence `&#39;`). */
function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
