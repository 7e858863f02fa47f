import { quoteIdentifier, SQL_TYPE, type EdmType, type PropertyModel } from '../query/edm.js';
import { ODataQueryError } from '../query/odata-query-error.js';

/** Where the previous page ended: key values (keyset paging) or a row offset, and rows sent. */
export interface SkipToken {
  k?: unknown[];
  o?: number;
  n: number;
}

export interface Ordering {
  property: PropertyModel;
  descending: boolean;
}

const ident = quoteIdentifier;

/** Rows strictly after `values` in the given ordering. */
export function keysetCondition(
  ordering: Ordering[],
  values: unknown[],
  params: unknown[],
): string {
  const placeholder = (i: number) => {
    params.push(values[i]);
    return `$${params.length}::${SQL_TYPE[ordering[i].property.type]}`;
  };
  const sameDirection = ordering.every((o) => o.descending === ordering[0].descending);
  if (sameDirection) {
    const cols = ordering.map((o) => ident(o.property.column)).join(', ');
    const vals = ordering.map((_, i) => placeholder(i)).join(', ');
    return `(${cols}) ${ordering[0].descending ? '<' : '>'} (${vals})`;
  }
  const alternatives: string[] = [];
  for (let i = 0; i < ordering.length; i++) {
    const parts: string[] = [];
    for (let j = 0; j < i; j++)
      parts.push(`${ident(ordering[j].property.column)} = ${placeholder(j)}`);
    parts.push(
      `${ident(ordering[i].property.column)} ${ordering[i].descending ? '<' : '>'} ${placeholder(i)}`,
    );
    alternatives.push(`(${parts.join(' and ')})`);
  }
  return `(${alternatives.join(' or ')})`;
}

/** `order by …`: OData sorts null before every value ascending, after them descending. */
export function orderByClause(
  ordering: Ordering[],
  column: (property: PropertyModel) => string = (p) => ident(p.column),
): string {
  return ordering
    .map((o) => {
      const direction = o.descending ? 'desc' : 'asc';
      const nulls = o.property.nullable ? (o.descending ? ' nulls last' : ' nulls first') : '';
      return `${column(o.property)} ${direction}${nulls}`;
    })
    .join(', ');
}

/** Whether a value handed back in a skiptoken can be the given type (never trusted blindly). */
function fitsType(type: EdmType, value: unknown): boolean {
  switch (type) {
    case 'Edm.Int16':
    case 'Edm.Int32':
      return Number.isSafeInteger(value);
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return typeof value === 'string' && /^-?\d{1,40}(\.\d{1,40})?$/.test(value);
    case 'Edm.Double':
    case 'Edm.Single':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Edm.Boolean':
      return typeof value === 'boolean';
    case 'Edm.Date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'Edm.DateTimeOffset':
      return (
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)?$/.test(value)
      );
    case 'Edm.TimeOfDay':
      return typeof value === 'string' && /^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value);
    case 'Edm.Guid':
      return (
        typeof value === 'string' &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
      );
    case 'Edm.String':
      return typeof value === 'string';
  }
}

/** Reads a `$skiptoken` this service handed out: keyset values of `ordering`, or an offset. */
export function decodeSkipToken(text: string, ordering: Ordering[] | null): SkipToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SkipToken;
    const valid =
      Number.isSafeInteger(token.n) &&
      token.n >= 0 &&
      (ordering
        ? Array.isArray(token.k) &&
          token.k.length === ordering.length &&
          token.k.every((v, i) => fitsType(ordering[i].property.type, v))
        : Number.isSafeInteger(token.o) && token.o! >= 0);
    if (valid) return token;
  } catch {
    // fall through
  }
  throw new ODataQueryError(
    400,
    '$skiptoken is not one this service handed out; start again from the first page',
  );
}

export function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}
