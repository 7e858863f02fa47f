import { downloadFile, fileName } from './download';

/**
 * Power BI's data source file: opening it starts Power BI Desktop on the feed, asking for
 * credentials. The shape is fixed by Power BI; `mode: 'Import'` loads the data into the report.
 */
export function pbidsContent(odataUrl: string): string {
  return JSON.stringify({
    version: '0.1',
    connections: [{ details: { protocol: 'odata', address: { url: odataUrl } }, mode: 'Import' }],
  });
}

/** `{name}.pbids`, with the characters Windows refuses in file names replaced. */
export function pbidsFileName(name: string): string {
  return fileName(name, 'pbids');
}

/** Hands the browser a `.pbids` file for the feed, as a download. */
export function downloadPbids(doc: Document, name: string, odataUrl: string): void {
  downloadFile(doc, pbidsFileName(name), pbidsContent(odataUrl), 'application/json');
}
