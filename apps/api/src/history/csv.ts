/**
 * One RFC 4180 CSV line. Cells that a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or carriage return) are prefixed with an apostrophe (OWASP "CSV
 * injection"), so an exported label can never execute in Excel.
 */
export function csvLine(cells: string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
