/**
 * `{name}.{extension}`, with the characters Windows refuses in file names replaced, for the
 * files the Data Sources page hands out (`.pbids`, `.odc`).
 */
export function fileName(name: string, extension: string): string {
  return `${fileStem(name)}.${extension}`;
}

/** The data source's name as Windows accepts it in a file name; never empty. */
export function fileStem(name: string): string {
  const safe = name.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').trim();
  return safe || 'data-source';
}

/** Hands the browser `content` as a download named `name`. */
export function downloadFile(doc: Document, name: string, content: string, type: string): void {
  const blob = new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  // Some browsers only follow a click on a link that is in the document.
  doc.body.appendChild(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a tick later is enough.
  setTimeout(() => URL.revokeObjectURL(url));
}
