import {
  clip,
  findNavigation,
  typeNameOf,
  type EntitySetModel,
  type NavigationModel,
  type PropertyModel,
} from './edm.js';
import { parseFilter, type FilterNode } from './filter-parser.js';
import { compileFilterAst } from './sql-compiler.js';
import { checkOptionLength, ODataQueryError } from './odata-query-error.js';
import { parseOrderBy, type OrderByItem } from './orderby.js';
import { parseSelect } from './select.js';

/** One navigation property to expand, with the options given inside its parentheses. */
export interface ExpandItem {
  navigation: NavigationModel;
  target: EntitySetModel;
  /** Null: every property. */
  select: PropertyModel[] | null;
  filter: FilterNode | null;
  orderBy: OrderByItem[];
  /** Null: no nested `$top` (a collection is then bounded by the page size). */
  top: number | null;
  /** The nested options as written, to carry into a continuation link. */
  nested: { $select?: string; $filter?: string; $orderby?: string };
}

const OPTION = '$expand';
const NESTED_SUPPORTED = new Set(['$select', '$filter', '$orderby', '$top']);
const NESTED_UNSUPPORTED = new Set([
  '$expand',
  '$levels',
  '$skip',
  '$count',
  '$search',
  '$apply',
  '$compute',
]);

const bad = (message: string) => new ODataQueryError(400, `${OPTION}: ${message}`);
const unsupported = (message: string) => new ODataQueryError(501, `${OPTION}: ${message}`);

/**
 * Parses `$expand` one level deep: `Account`, `Deals($select=Name;$filter=Amount gt 10;
 * $orderby=Amount desc;$top=5)`, `*` for every navigation property. Nested `$expand`,
 * `$levels`, `$skip`, `$count` and the like are valid OData the feed does not implement (501).
 */
export function parseExpand(
  text: string,
  set: EntitySetModel,
  sets: EntitySetModel[],
): ExpandItem[] {
  checkOptionLength(text, OPTION);
  if (text.trim() === '') throw bad('is empty');
  const items: ExpandItem[] = [];
  const add = (item: ExpandItem) => {
    if (items.some((i) => i.navigation === item.navigation)) {
      throw bad(`${item.navigation.name} is expanded more than once`);
    }
    items.push(item);
  };
  for (const part of splitTopLevel(text, ',')) {
    const item = part.trim();
    if (item === '') throw bad('has an empty item');
    const open = item.indexOf('(');
    const path = (open < 0 ? item : item.slice(0, open)).trim();
    if (open >= 0 && !item.endsWith(')'))
      throw bad(`the options of ${clip(path)} must end with ')'`);
    const nested = open < 0 ? null : item.slice(open + 1, -1);
    if (path === '*') {
      if (nested !== null) throw unsupported('options on * are not supported');
      for (const navigation of set.navigation ?? []) {
        if (!items.some((i) => i.navigation === navigation)) add(plain(navigation, sets));
      }
      continue;
    }
    if (path.includes('/')) {
      const what = path.endsWith('/$ref')
        ? 'entity references ($ref)'
        : path.endsWith('/$count')
          ? 'counts ($count)'
          : 'paths and casts';
      throw unsupported(`${what} in $expand (${clip(path)}) are not supported`);
    }
    const navigation = findNavigation(set, path);
    if (!navigation) {
      const isProperty = set.properties.some((p) => p.name === path);
      const known = (set.navigation ?? []).map((n) => n.name);
      throw bad(
        isProperty
          ? `${path} is a property, not a navigation property; select it with $select`
          : `${typeNameOf(set)} has no navigation property named ${clip(path)}` +
              (known.length ? ` (it has ${known.join(', ')})` : ' (it has none)'),
      );
    }
    const item_ = plain(navigation, sets);
    if (nested !== null) applyNested(item_, nested);
    add(item_);
  }
  return items;
}

function plain(navigation: NavigationModel, sets: EntitySetModel[]): ExpandItem {
  const target = sets.find((s) => s.name === navigation.target)!;
  return { navigation, target, select: null, filter: null, orderBy: [], top: null, nested: {} };
}

function applyNested(item: ExpandItem, text: string): void {
  const name = item.navigation.name;
  if (text.trim() === '') throw bad(`the parentheses after ${name} are empty`);
  const seen = new Set<string>();
  for (const part of splitTopLevel(text, ';')) {
    const eq = part.indexOf('=');
    const option = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (NESTED_UNSUPPORTED.has(option)) {
      throw unsupported(
        `${option} inside ${name}(…) is not supported; one level with $select, $filter, $orderby and $top is`,
      );
    }
    if (!NESTED_SUPPORTED.has(option)) {
      throw bad(
        `unknown option ${clip(option) || "''"} inside ${name}(…); use $select, $filter, $orderby or $top`,
      );
    }
    if (eq < 0) throw bad(`${option} inside ${name}(…) needs a value`);
    if (seen.has(option)) throw bad(`${option} is given twice inside ${name}(…)`);
    seen.add(option);
    if (option !== '$top') item.nested[option as '$select'] = value;
    if (option === '$select') item.select = parseSelect(value, item.target);
    else if (option === '$filter') {
      item.filter = parseFilter(value);
      compileFilterAst(item.filter, item.target, []); // type-checked now, before any query
    } else if (option === '$orderby') item.orderBy = parseOrderBy(value, item.target);
    else {
      if (!item.navigation.collection)
        throw bad(`$top inside ${name}(…): ${name} is a single entity`);
      if (!/^\d{1,9}$/.test(value.trim())) {
        throw bad(
          `$top inside ${name}(…) must be a non-negative whole number, got "${clip(value)}"`,
        );
      }
      item.top = Number(value.trim());
    }
  }
  if (!item.navigation.collection && (item.filter || item.orderBy.length)) {
    throw bad(`${name} is a single entity: only $select applies inside ${name}(…)`);
  }
}

/**
 * Splits at `separator` outside parentheses and string literals (`''` is a quote inside
 * one), so `Deals($filter=Name eq 'a,b';$top=2),Account` splits in two.
 */
export function splitTopLevel(text: string, separator: string, option = OPTION): string[] {
  const bad = (message: string) => new ODataQueryError(400, `${option}: ${message}`);
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth += 1;
    else if (ch === ')') {
      depth -= 1;
      if (depth < 0) throw bad(`unbalanced ')' at position ${i + 1}`);
    } else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw bad('unterminated string literal');
  if (depth !== 0) throw bad("unbalanced '(': a ')' is missing");
  parts.push(text.slice(start));
  return parts;
}
