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
  const safe = name.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').trim();
  return `${safe || 'data-source'}.pbids`;
}

/** Hands the browser a `.pbids` file for the feed, as a download. */
export function downloadPbids(doc: Document, name: string, odataUrl: string): void {
  const blob = new Blob([pbidsContent(odataUrl)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = pbidsFileName(name);
  link.hidden = true;
  // Some browsers only follow a click on a link that is in the document.
  doc.body.appendChild(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a tick later is enough.
  setTimeout(() => URL.revokeObjectURL(url));
}
