import type { EdmType, PropertyModel } from './query/edm.js';

/**
 * Writes rows as OData JSON by hand, so Int64 and Decimal keep every digit: PostgreSQL
 * hands them over as text and they are written as JSON numbers — or as strings when the
 * client asked for `IEEE754Compatible=true`. Nulls are written explicitly.
 */
export type RowWriter = (row: Record<string, unknown> | unknown[]) => string;

function timestamp(text: string): string {
  // PostgreSQL (session time zone UTC) prints "2025-02-03 10:20:30.123+00": the common case
  // costs two slices, the rest (other offsets, no offset) the general rule.
  if (text.length > 19 && text.charCodeAt(10) === 32 && text.endsWith('+00')) {
    return `${text.slice(0, 10)}T${text.slice(11, -3)}Z`;
  }
  const iso = text.replace(' ', 'T');
  return /[+-]\d\d(:\d\d)?$/.test(iso) ? iso.replace(/[+-]00(:00)?$/, 'Z') : `${iso}Z`;
}

/** A JSON number as PostgreSQL prints int8 and numeric (not NaN or ±Infinity). */
const NUMBER_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** What JSON must escape in a string: quotes, backslashes, controls, lone surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON: most need no escaping, and a test is cheaper than JSON.stringify. */
function jsonString(value: unknown): string {
  const text = String(value);
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function writer(type: EdmType, ieee754: boolean): (value: unknown) => string {
  switch (type) {
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return ieee754
        ? (v) => JSON.stringify(String(v))
        : (v) => {
            const text = String(v);
            return NUMBER_TEXT.test(text) ? text : JSON.stringify(text);
          };
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
      // An ISO timestamp has nothing to escape.
      return (v) => `"${timestamp(String(v))}"`;
    default:
      return jsonString;
  }
}

export interface RowWriterOptions {
  ieee754: boolean;
  /** `Prefer: omit-values=nulls`: null properties are left out instead of written. */
  omitNulls?: boolean;
  /** Written first inside the object, e.g. `"@odata.id":null`. */
  prefix?: string;
  /** Written last inside the object, each part with a leading comma: expanded navigation. */
  suffix?: (row: Record<string, unknown>) => string;
}

/** One JSON value of a property: what the row writer writes after the name. */
export function valueWriter(type: EdmType, ieee754: boolean): (value: unknown) => string {
  return writer(type, ieee754);
}

/** The text of a property's raw value (`…/Name/$value`): the JSON value without quotes. */
export function rawValue(type: EdmType, value: unknown): string {
  const json = writer(type, false)(value);
  return json.startsWith('"') ? (JSON.parse(json) as string) : json;
}

/**
 * A row writer for `properties`. Rows are objects keyed by column, or arrays (pg's `rowMode:
 * 'array'`, cheaper to parse) when `positions` gives each property's index in them.
 */
export function rowWriter(
  properties: PropertyModel[],
  options: RowWriterOptions,
  positions?: ReadonlyMap<PropertyModel, number>,
): RowWriter {
  const parts = properties.map((p, i) => ({
    column: positions ? positions.get(p)! : p.column,
    key: (i ? ',' : '') + JSON.stringify(p.name) + ':',
    name: JSON.stringify(p.name) + ':',
    write: writer(p.type, options.ieee754),
  }));
  const { prefix = '', suffix, omitNulls = false } = options;
  if (!prefix && !suffix && !omitNulls) {
    // The hot path of paging: no branches but the null check.
    return (row) => {
      const cells = row as Record<string | number, unknown>;
      let out = '{';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        const value = cells[part.column];
        out += part.key + (value === null || value === undefined ? 'null' : part.write(value));
      }
      return out + '}';
    };
  }
  return (row) => {
    const cells = row as Record<string | number, unknown>;
    let out = prefix;
    for (const part of parts) {
      const value = cells[part.column];
      const isNull = value === null || value === undefined;
      if (isNull && omitNulls) continue;
      out += (out ? ',' : '') + part.name + (isNull ? 'null' : part.write(value));
    }
    if (suffix) {
      const tail = suffix(row as Record<string, unknown>);
      out += out ? tail : tail.slice(1);
    }
    return `{${out}}`;
  };
}
