import type { EntitySetModel, PropertyModel } from '../query/edm.js';
import { withRelationships } from '../relationships.js';

type Column = [name: string, column: string, type: PropertyModel['type'], nullable?: boolean];

const set = (name: string, key: string[], columns: Column[]): EntitySetModel => ({
  name,
  key,
  properties: columns.map(([n, column, type, nullable = false]) => ({
    name: n,
    column,
    type,
    nullable,
  })),
});

/** The demo CRM as the feed models it, for unit specs: Accounts, Contacts, Deals, DealProducts. */
export const flatDemoSets: EntitySetModel[] = [
  set(
    'Accounts',
    ['Id'],
    [
      ['Id', 'id', 'Edm.Int32'],
      ['Name', 'name', 'Edm.String'],
      ['Country', 'country', 'Edm.String'],
    ],
  ),
  set(
    'Contacts',
    ['Id'],
    [
      ['Id', 'id', 'Edm.Int32'],
      ['AccountId', 'account_id', 'Edm.Int32'],
      ['Email', 'email', 'Edm.String'],
    ],
  ),
  set(
    'Deals',
    ['Id'],
    [
      ['Id', 'id', 'Edm.Int64'],
      ['AccountId', 'account_id', 'Edm.Int32'],
      ['Name', 'name', 'Edm.String'],
      ['Stage', 'stage', 'Edm.String'],
      ['Amount', 'amount', 'Edm.Decimal'],
      ['Probability', 'probability', 'Edm.Int16'],
      ['CreatedAt', 'created_at', 'Edm.DateTimeOffset'],
      ['ClosedAt', 'closed_at', 'Edm.DateTimeOffset', true],
    ],
  ),
  set(
    'DealProducts',
    ['DealId', 'Product'],
    [
      ['DealId', 'deal_id', 'Edm.Int64'],
      ['Product', 'product', 'Edm.String'],
      ['Quantity', 'quantity', 'Edm.Int32'],
    ],
  ),
];

export const demoSets: EntitySetModel[] = withRelationships(flatDemoSets, [
  {
    name: 'contacts_account_id_fkey',
    from: 'Contacts',
    fromProperties: ['AccountId'],
    to: 'Accounts',
    toProperties: ['Id'],
  },
  {
    name: 'deals_account_id_fkey',
    from: 'Deals',
    fromProperties: ['AccountId'],
    to: 'Accounts',
    toProperties: ['Id'],
  },
  {
    name: 'deal_products_deal_id_fkey',
    from: 'DealProducts',
    fromProperties: ['DealId'],
    to: 'Deals',
    toProperties: ['Id'],
  },
]);

export const setNamed = (name: string): EntitySetModel => demoSets.find((s) => s.name === name)!;
