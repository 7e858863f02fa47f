import type { EdmType, PropertyModel } from './query/edm.js';

/**
 * Writes rows as OData JSON by hand, so Int64 and Decimal keep every digit: PostgreSQL
 * hands them over as text and they are written as JSON numbers — or as strings when the
 * client asked for `IEEE754Compatible=true`. Nulls are written explicitly.
 */
export type RowWriter = (row: Record<string, unknown>) => string;

function timestamp(text: string): string {
  // PostgreSQL (session time zone UTC) prints "2025-02-03 10:20:30.123+00".
  const iso = text.replace(' ', 'T');
  return /[+-]\d\d(:\d\d)?$/.test(iso) ? iso.replace(/[+-]00(:00)?$/, 'Z') : `${iso}Z`;
}

function writer(type: EdmType, ieee754: boolean): (value: unknown) => string {
  switch (type) {
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return ieee754 ? (v) => JSON.stringify(String(v)) : (v) => (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(String(v)) ? String(v) : JSON.stringify(String(v)));
    case 'Edm.Int16':
    case 'Edm.Int32':
      return (v) => String(v);
    case 'Edm.Double':
    case 'Edm.Single':
      return (v) => {
        const n = Number(v);
        if (Number.isFinite(n)) return String(n);
        return JSON.stringify(Number.isNaN(n) ? 'NaN' : n > 0 ? 'INF' : '-INF');
      };
    case 'Edm.Boolean':
      return (v) => (v ? 'true' : 'false');
    case 'Edm.DateTimeOffset':
      return (v) => JSON.stringify(timestamp(String(v)));
    default:
      return (v) => JSON.stringify(String(v));
  }
}

export function rowWriter(properties: PropertyModel[], ieee754: boolean): RowWriter {
  const parts = properties.map((p) => ({ column: p.column, key: JSON.stringify(p.name) + ':', write: writer(p.type, ieee754) }));
  return (row) => {
    let out = '{';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const value = row[part.column];
      out += (i ? ',' : '') + part.key + (value === null || value === undefined ? 'null' : part.write(value));
    }
    return out + '}';
  };
}
