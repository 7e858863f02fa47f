import type { EntitySetModel } from './query/edm.js';

/**
 * A foreign key between two published entity sets, in OData names: `from.properties[i]`
 * references `to.properties[i]` (a primary key or unique key of `to`).
 */
export interface RelationshipModel {
  /** The constraint name; orders relationships so that generated names are stable. */
  name: string;
  from: string;
  fromProperties: string[];
  to: string;
  toProperties: string[];
}

const IRREGULAR: Readonly<Record<string, string>> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
  data: 'datum',
  statuses: 'status',
  addresses: 'address',
};

/**
 * English singular of a PascalCase set name, for its entity type: `Deals` → `Deal`,
 * `Companies` → `Company`, `Boxes` → `Box`, `Addresses` → `Address`. Only the last word
 * changes (`SalesOrders` → `SalesOrder`); a name that is not plural stays as it is.
 */
export function singular(name: string): string {
  const match = /([A-Z]?[a-z0-9]*)$/.exec(name);
  const word = match?.[1] ?? '';
  const head = name.slice(0, name.length - word.length);
  const lower = word.toLowerCase();
  const keepCase = (text: string) =>
    word[0] && word[0] === word[0].toUpperCase() ? text[0].toUpperCase() + text.slice(1) : text;
  let result: string | null = null;
  if (IRREGULAR[lower]) result = IRREGULAR[lower];
  else if (/[^aeiou]ies$/.test(lower)) result = `${lower.slice(0, -3)}y`;
  else if (/(ss|x|z|ch|sh)es$/.test(lower)) result = lower.slice(0, -2);
  else if (/[^su]s$/.test(lower) && lower.length > 2) result = lower.slice(0, -1);
  return result === null ? name : head + keepCase(result);
}

/**
 * Adds entity type names and the navigation properties of the relationships between
 * `sets`. A relationship naming a set that is not among them adds nothing: a data source
 * never leads to a table it does not publish.
 *
 * Names: the referencing end is named after the referenced type (`Deal.Account`), the
 * referenced end after the referencing set (`Account.Deals`). Where that name is taken —
 * by a property, an earlier navigation property, or the type's own name (a self-reference) —
 * the referencing end is named after its foreign key without `Id` (`ManagerId` → `Manager`),
 * and failing that, either end gets the first free numeric suffix (`Deals2`). Relationships
 * are taken in constraint-name order, so the names never change between requests.
 */
export function withRelationships(
  sets: EntitySetModel[],
  relationships: RelationshipModel[],
): EntitySetModel[] {
  const singulars = sets.map((set) => set.typeName ?? singular(set.name));
  const result = sets.map((set, i) => ({
    ...set,
    // Two sets whose singulars meet (`Deal` and `Deals`) keep their own, unique, set names.
    typeName:
      singulars.indexOf(singulars[i]) === singulars.lastIndexOf(singulars[i])
        ? singulars[i]
        : set.name,
    navigation: [...(set.navigation ?? [])],
  }));
  const byName = new Map(result.map((s) => [s.name, s]));
  const taken = new Map(
    result.map((s) => [
      s.name,
      new Set([s.typeName, ...s.properties.map((p) => p.name), ...s.navigation.map((n) => n.name)]),
    ]),
  );
  const claim = (set: string, candidates: string[]): string => {
    const names = taken.get(set)!;
    let name = candidates.find((c) => c && !names.has(c));
    for (let i = 2; !name; i++)
      if (!names.has(`${candidates[0]}${i}`)) name = `${candidates[0]}${i}`;
    names.add(name);
    return name;
  };

  const ordered = [...relationships].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const rel of ordered) {
    const from = byName.get(rel.from);
    const to = byName.get(rel.to);
    if (!from || !to || rel.fromProperties.length !== rel.toProperties.length) continue;
    const foreignKey = rel.fromProperties.map((n) => from.properties.find((p) => p.name === n));
    const referenced = rel.toProperties.map((n) => to.properties.find((p) => p.name === n));
    if (!foreignKey.every(Boolean) || !referenced.every(Boolean)) continue;

    const stem = rel.fromProperties.length === 1 ? rel.fromProperties[0].replace(/I[dD]$/, '') : '';
    const one = claim(from.name, [to.typeName, stem]);
    const many = claim(to.name, [from.name]);
    const pairs = rel.fromProperties.map((local, i) => ({ local, remote: rel.toProperties[i] }));
    from.navigation.push({
      name: one,
      target: to.name,
      collection: false,
      partner: many,
      nullable: foreignKey.some((p) => p!.nullable),
      pairs,
    });
    to.navigation.push({
      name: many,
      target: from.name,
      collection: true,
      partner: one,
      nullable: false,
      pairs: pairs.map(({ local, remote }) => ({ local: remote, remote: local })),
    });
  }
  return result;
}
