import type { EdmTypeName } from '@feedpass/contracts';
import { ODataQueryError } from './odata-query-error.js';

/** The OData primitive types a source column maps to (shared with the portal's contracts). */
export type EdmType = EdmTypeName;

export interface PropertyModel {
  /** OData name, e.g. "CreatedAt". */
  name: string;
  /** SQL column name, e.g. "created_at"; always emitted through quoteIdentifier. */
  column: string;
  type: EdmType;
  nullable: boolean;
}

export interface EntitySetModel {
  name: string;
  properties: PropertyModel[];
  /** OData property names. */
  key: string[];
}

/** The PostgreSQL type a value of each Edm type is cast to when bound as a parameter. */
export const SQL_TYPE: Readonly<Record<EdmType, string>> = {
  'Edm.String': 'text',
  'Edm.Boolean': 'boolean',
  'Edm.Int16': 'smallint',
  'Edm.Int32': 'int',
  'Edm.Int64': 'bigint',
  'Edm.Decimal': 'numeric',
  'Edm.Double': 'float8',
  'Edm.Single': 'float4',
  'Edm.Date': 'date',
  'Edm.DateTimeOffset': 'timestamptz',
  'Edm.TimeOfDay': 'time',
  'Edm.Guid': 'uuid',
};

const NUMERIC_TYPES: ReadonlySet<EdmType> = new Set<EdmType>([
  'Edm.Int16',
  'Edm.Int32',
  'Edm.Int64',
  'Edm.Decimal',
  'Edm.Double',
  'Edm.Single',
]);

export function isNumericType(type: EdmType): boolean {
  return NUMERIC_TYPES.has(type);
}

/** A PostgreSQL delimited identifier: `created_at` → `"created_at"`, `a"b` → `"a""b"`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Looks a property up by its exact (case-sensitive) OData name. The model is the allow-list:
 * nothing else ever reaches the SQL.
 */
export function resolveProperty(
  set: EntitySetModel,
  name: string,
  option: string,
  position: number,
): PropertyModel {
  const property = set.properties.find((p) => p.name === name);
  if (property) return property;
  const sameButCase = set.properties.find((p) => p.name.toLowerCase() === name.toLowerCase());
  const hint = sameButCase
    ? ` (property names are case-sensitive: did you mean '${sameButCase.name}'?)`
    : '';
  throw new ODataQueryError(
    400,
    `${option}: unknown property '${clip(name)}' at position ${position + 1}${hint}`,
  );
}

/** Shortens user input quoted back in an error message. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
