import {
  clip,
  findNavigation,
  SQL_TYPE,
  typeNameOf,
  type EdmType,
  type EntitySetModel,
  type NavigationModel,
  type PropertyModel,
} from './edm.js';
import { tokenize, type Literal, type Token } from './lexer.js';
import { splitTopLevel } from './expand.js';
import { ODataQueryError } from './odata-query-error.js';

/** One key property and the value a request addressed it with, ready to bind. */
export interface KeyValue {
  property: PropertyModel;
  value: string | number | boolean;
}

/** An entity set, optionally narrowed to one entity by its key. */
export interface Addressed {
  set: EntitySetModel;
  key: KeyValue[] | null;
}

/**
 * What a path under `/odata/{key}/` addresses:
 * `` (service document), `$metadata`, `Deals`, `Deals/$count`, `Deals(1)`, `Deals(1)/Name`,
 * `Deals(1)/Name/$value`, `Deals(1)/Account`, `Accounts(1)/Deals`, `Accounts(1)/Deals(7)`,
 * `Accounts(1)/Deals/$count`.
 */
export type ResourcePath =
  | { kind: 'service' }
  | { kind: 'metadata' }
  | {
      kind: 'resource';
      root: Addressed;
      /** A navigation from the root entity, with an optional key on a collection. */
      navigation: { property: NavigationModel; target: Addressed } | null;
      /** `…/Name` of a single entity, and `…/Name/$value`. */
      property: PropertyModel | null;
      value: boolean;
      /** `…/$count` of a collection. */
      count: boolean;
    };

/** The set the last segment reads from, and whether it is one entity or a collection. */
export function targetOf(path: Extract<ResourcePath, { kind: 'resource' }>): {
  set: EntitySetModel;
  single: boolean;
} {
  const nav = path.navigation;
  if (!nav) return { set: path.root.set, single: path.root.key !== null };
  return { set: nav.target.set, single: !nav.property.collection || nav.target.key !== null };
}

/** Path segments the feed recognises as OData but does not implement. */
const UNSUPPORTED_SEGMENTS: Readonly<Record<string, string>> = {
  $ref: 'entity references ($ref)',
  $entity: 'the $entity resource',
  $all: 'the $all resource',
  $crossjoin: 'cross joins ($crossjoin)',
  $batch: 'batch requests',
  $each: 'the $each segment',
  $filter: 'the $filter path segment',
  $query: 'the $query segment',
};

const notFound = (message: string) => new ODataQueryError(404, message);
const bad = (message: string) => new ODataQueryError(400, message);

/**
 * Parses the raw (still %-encoded) path segments after the data source key. Each segment is
 * decoded on its own, so an encoded `/` (`%2F`) inside a string key stays part of the key.
 * Unknown sets, properties and segments are 404, malformed keys 400, valid OData the feed does
 * not implement (casts, functions, `$ref`, more than one navigation) 501.
 */
export function parseResourcePath(rawSegments: string[], sets: EntitySetModel[]): ResourcePath {
  const segments = rawSegments.map(decodeSegment);
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) {
    return { kind: 'service' };
  }
  if (segments.some((s) => s === '')) throw notFound('The address has an empty path segment');
  if (segments[0] === '$metadata') {
    if (segments.length > 1) throw notFound(`No resource $metadata/${clip(segments[1])}`);
    return { kind: 'metadata' };
  }

  const first = splitSegment(segments[0]);
  // At the root only sets (and $-segments) can stand: a qualified name there is no cast.
  if (first.name.startsWith('$')) unsupported(first.name);
  const set = sets.find((s) => s.name === first.name);
  if (!set) throw notFound(`No entity set named ${clip(first.name)}`);
  const root: Addressed = { set, key: first.key === null ? null : parseKey(first.key, set) };
  const path: Extract<ResourcePath, { kind: 'resource' }> = {
    kind: 'resource',
    root,
    navigation: null,
    property: null,
    value: false,
    count: false,
  };

  let i = 1;
  const here = () => segments.slice(0, i).join('/');
  const single = () => targetOf(path).single;
  while (i < segments.length) {
    const segment = segments[i];
    const { set: current } = targetOf(path);
    if (segment === '$count') {
      if (single()) throw bad(`${here()} is a single entity; $count counts collections`);
      if (path.property || path.count) throw notFound(`No resource ${here()}/$count`);
      path.count = true;
    } else if (segment === '$value') {
      if (!path.property || path.value) {
        throw notFound(
          `${here()}/$value: $value reads a single property, such as ${here()}/Name/$value`,
        );
      }
      path.value = true;
    } else if (path.count || path.value || path.property) {
      throw notFound(`No resource ${clip(`${here()}/${segment}`, 80)}`);
    } else {
      const { name, key } = splitSegment(segment);
      unsupported(name);
      const property = current.properties.find((p) => p.name === name);
      const navigation = findNavigation(current, name);
      if (!single()) {
        throw notFound(
          `No resource ${clip(`${here()}/${segment}`, 80)}: address one entity by its key first, such as ${current.name}(${exampleKey(current)})/${clip(name)}`,
        );
      }
      if (property && key === null) {
        path.property = property;
      } else if (navigation) {
        if (path.navigation) {
          throw new ODataQueryError(
            501,
            `${here()}/${clip(name)}: navigation across more than one relationship is not supported; use $expand or address ${navigation.target} directly`,
          );
        }
        const target = sets.find((s) => s.name === navigation.target)!;
        if (key !== null && !navigation.collection) {
          throw bad(`${here()}/${name} is a single entity and takes no key`);
        }
        path.navigation = {
          property: navigation,
          target: { set: target, key: key === null ? null : parseKey(key, target) },
        };
      } else {
        throw notFound(
          `${typeNameOf(current)} has no property or navigation property named ${clip(name)}`,
        );
      }
    }
    i += 1;
  }
  return path;
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw bad(`The path has a malformed %-escape near "${clip(raw)}"`);
  }
}

/** `Deals(1)` → name `Deals`, key `1`; `Deals` → key null. */
function splitSegment(segment: string): { name: string; key: string | null } {
  const open = segment.indexOf('(');
  if (open < 0) return { name: segment, key: null };
  if (!segment.endsWith(')')) {
    throw bad(`The key predicate of ${clip(segment)} must end with ')'`);
  }
  return { name: segment.slice(0, open), key: segment.slice(open + 1, -1) };
}

function unsupported(name: string): void {
  const what = UNSUPPORTED_SEGMENTS[name];
  if (what) throw new ODataQueryError(501, `${what} are not supported by this feed`);
  if (/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(name)) {
    throw new ODataQueryError(
      501,
      `Type casts and bound operations (${clip(name)}) are not supported by this feed`,
    );
  }
}

function exampleKey(set: EntitySetModel): string {
  return set.key.length === 1 ? '…' : set.key.map((k) => `${k}=…`).join(',');
}

/** Which literals a key of each type accepts. */
const KEY_LITERALS: Readonly<Record<EdmType, readonly Literal['type'][]>> = {
  'Edm.String': ['Edm.String'],
  'Edm.Boolean': ['Edm.Boolean'],
  'Edm.Int16': ['Edm.Int32'],
  'Edm.Int32': ['Edm.Int32'],
  'Edm.Int64': ['Edm.Int32', 'Edm.Int64'],
  'Edm.Decimal': ['Edm.Int32', 'Edm.Int64', 'Edm.Decimal'],
  'Edm.Double': ['Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single'],
  'Edm.Single': ['Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single'],
  'Edm.Date': ['Edm.Date'],
  'Edm.DateTimeOffset': ['Edm.DateTimeOffset'],
  'Edm.TimeOfDay': ['Edm.TimeOfDay'],
  'Edm.Guid': ['Edm.Guid'],
};

/**
 * A key predicate: `1`, `'O''Neil'`, or `K1=1,K2='x'` naming every key property once. A single
 * key may also be named (`Id=1`). Values are type-checked against the key's Edm type.
 */
export function parseKey(text: string, set: EntitySetModel): KeyValue[] {
  const where = `${set.name}(${clip(text)})`;
  const keyProps = set.key.map((name) => set.properties.find((p) => p.name === name)!);
  const example =
    keyProps.length === 1
      ? `${set.name}(…)`
      : `${set.name}(${keyProps.map((p) => `${p.name}=…`).join(',')})`;
  const parts = splitTopLevel(text, ',', 'key');
  if (parts.some((p) => p.trim() === '')) throw bad(`The key in ${where} has an empty part`);
  if (parts.length === 1 && !NAMED.test(parts[0])) {
    if (keyProps.length !== 1)
      throw bad(`${set.name} has a composite key; name every part: ${example}`);
    return [keyValue(parts[0], keyProps[0], where)];
  }
  const values = new Map<PropertyModel, KeyValue>();
  for (const part of parts) {
    const named = NAMED.exec(part);
    if (!named) throw bad(`The key in ${where} is malformed; write it as ${example}`);
    const property = keyProps.find((p) => p.name === named[1]);
    if (!property) {
      throw bad(
        `${clip(named[1])} is not a key property of ${set.name}; write the key as ${example}`,
      );
    }
    if (values.has(property)) throw bad(`The key in ${where} names ${property.name} twice`);
    values.set(property, keyValue(named[2], property, where));
  }
  const missing = keyProps.filter((p) => !values.has(p)).map((p) => p.name);
  if (missing.length)
    throw bad(`The key in ${where} lacks ${missing.join(', ')}; write it as ${example}`);
  return keyProps.map((p) => values.get(p)!);
}

/** `Name=value`, with blanks allowed around `=`. */
const NAMED = /^\s*([\p{L}_][\p{L}\p{N}_]*)\s*=([^]*)$/u;

function keyValue(text: string, property: PropertyModel, where: string): KeyValue {
  let tokens: Token[];
  try {
    tokens = tokenize(text, 'key');
  } catch (error) {
    throw bad(
      `The key in ${where} is malformed: ${(error as Error).message.replace(/^key: /, '')}`,
    );
  }
  const [token, end] = tokens;
  if (token.kind !== 'literal' || end.kind !== 'eof') {
    throw bad(
      `The key in ${where} must give ${property.name} one literal value, such as ${property.type === 'Edm.String' ? "'text'" : '1'}`,
    );
  }
  const literal = token.literal;
  if (literal.type === 'null' || !KEY_LITERALS[property.type].includes(literal.type)) {
    const given = literal.type === 'null' ? 'null' : `an ${literal.type} value`;
    throw bad(`The key in ${where} gives ${property.name} ${given}, but it is ${property.type}`);
  }
  return { property, value: literal.value };
}

/** `"id" = $1::bigint and …`, binding the values onto params. */
export function keyCondition(
  key: KeyValue[],
  params: unknown[],
  quote: (name: string) => string,
): string {
  return key
    .map(({ property, value }) => {
      params.push(value);
      return `${quote(property.column)} = $${params.length}::${SQL_TYPE[property.type]}`;
    })
    .join(' and ');
}
