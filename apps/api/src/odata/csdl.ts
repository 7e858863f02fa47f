import { typeNameOf, type EntitySetModel, type NavigationModel } from './query/edm.js';

const NAMESPACE = 'feedpass';

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/**
 * The CSDL XML `$metadata` document of one data source's entity sets: singular entity types
 * with their keys, properties and navigation properties (a referential constraint on the
 * referencing end, partners on both), and plural entity sets bound to each other. It validates
 * against the OASIS CSDL XML schema (test/fixtures/odata-csdl-schemas).
 */
export function csdl(sets: EntitySetModel[]): string {
  const typeOf = new Map(sets.map((s) => [s.name, `${NAMESPACE}.${xml(typeNameOf(s))}`]));
  const types = sets.map((set) => {
    const keys = set.key.map((k) => `<PropertyRef Name="${xml(k)}"/>`).join('');
    const properties = set.properties
      .map((p) => {
        const facets =
          p.type === 'Edm.DateTimeOffset' || p.type === 'Edm.TimeOfDay'
            ? ' Precision="6"'
            : p.type === 'Edm.Decimal'
              ? ' Scale="variable"'
              : '';
        return `<Property Name="${xml(p.name)}" Type="${p.type}" Nullable="${p.nullable}"${facets}/>`;
      })
      .join('');
    const navigation = (set.navigation ?? [])
      .map((n) => navigationProperty(n, typeOf.get(n.target)!))
      .join('');
    return `<EntityType Name="${xml(typeNameOf(set))}"><Key>${keys}</Key>${properties}${navigation}</EntityType>`;
  });
  const container = sets
    .map((s) => {
      const bindings = (s.navigation ?? [])
        .map((n) => `<NavigationPropertyBinding Path="${xml(n.name)}" Target="${xml(n.target)}"/>`)
        .join('');
      const type = typeOf.get(s.name)!;
      return bindings
        ? `<EntitySet Name="${xml(s.name)}" EntityType="${type}">${bindings}</EntitySet>`
        : `<EntitySet Name="${xml(s.name)}" EntityType="${type}"/>`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">' +
    '<edmx:DataServices>' +
    `<Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">` +
    types.join('') +
    `<EntityContainer Name="Container">${container}</EntityContainer>` +
    '</Schema></edmx:DataServices></edmx:Edmx>'
  );
}

function navigationProperty(n: NavigationModel, targetType: string): string {
  const name = xml(n.name);
  const partner = xml(n.partner);
  if (n.collection) {
    return `<NavigationProperty Name="${name}" Type="Collection(${targetType})" Partner="${partner}"/>`;
  }
  const constraints = n.pairs
    .map(
      (p) =>
        `<ReferentialConstraint Property="${xml(p.local)}" ReferencedProperty="${xml(p.remote)}"/>`,
    )
    .join('');
  return `<NavigationProperty Name="${name}" Type="${targetType}" Nullable="${n.nullable}" Partner="${partner}">${constraints}</NavigationProperty>`;
}
