import type { EntitySetModel } from './query/edm.js';

const NAMESPACE = 'feedpass';

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The CSDL XML `$metadata` document of one data source's entity sets. */
export function csdl(sets: EntitySetModel[]): string {
  const types = sets.map((set) => {
    const keys = set.key.map((k) => `<PropertyRef Name="${xml(k)}"/>`).join('');
    const properties = set.properties
      .map((p) => {
        const facets = p.type === 'Edm.DateTimeOffset' || p.type === 'Edm.TimeOfDay' ? ' Precision="6"' : p.type === 'Edm.Decimal' ? ' Scale="variable"' : '';
        return `<Property Name="${xml(p.name)}" Type="${p.type}" Nullable="${p.nullable}"${facets}/>`;
      })
      .join('');
    return `<EntityType Name="${xml(set.name)}"><Key>${keys}</Key>${properties}</EntityType>`;
  });
  const container = sets.map((s) => `<EntitySet Name="${xml(s.name)}" EntityType="${NAMESPACE}.${xml(s.name)}"/>`).join('');
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
