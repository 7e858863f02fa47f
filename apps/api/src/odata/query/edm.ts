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

/**
 * One end of a relationship: a foreign key between two tables published in the same data
 * source gives the referencing type a single-valued property (`Deal.Account`) and the
 * referenced type a collection (`Account.Deals`), each the other's partner.
 */
export interface NavigationModel {
  name: string;
  /** The entity set it leads to. */
  target: string;
  /** A collection on the referenced side, a single entity on the referencing side. */
  collection: boolean;
  /** The navigation property of the other end. */
  partner: string;
  /** Single-valued only: whether it may be absent (a nullable foreign key column). */
  nullable: boolean;
  /**
   * How rows join, in OData property names: `target.remote = this.local` for every pair. On
   * the referencing side `local` is the foreign key (`AccountId`) and `remote` the key it
   * references (`Id`); on the referenced side the other way round.
   */
  pairs: { local: string; remote: string }[];
}

export interface EntitySetModel {
  /** The entity set name, plural (`Deals`). */
  name: string;
  /** The entity type name, singular (`Deal`); the set name where none is given. */
  typeName?: string;
  properties: PropertyModel[];
  /** OData property names. */
  key: string[];
  navigation?: NavigationModel[];
}

/** The entity type name of a set. */
export function typeNameOf(set: EntitySetModel): string {
  return set.typeName ?? set.name;
}

/** Looks a navigation property up by its exact name; undefined when there is none. */
export function findNavigation(set: EntitySetModel, name: string): NavigationModel | undefined {
  return set.navigation?.find((n) => n.name === name);
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
