import type { EntitySetModel, PropertyModel } from '../query/edm.js';
import { withRelationships } from '../relationships.js';

const prop = (
  name: string,
  column: string,
  type: PropertyModel['type'],
  nullable = false,
): PropertyModel => ({ name, column, type, nullable });

/** The demo CRM as the feed models it, for unit specs: Accounts, Contacts, Deals, LineItems. */
export const flatDemoSets: EntitySetModel[] = [
  {
    name: 'Accounts',
    key: ['Id'],
    properties: [
      prop('Id', 'id', 'Edm.Int32'),
      prop('Name', 'name', 'Edm.String'),
      prop('Country', 'country', 'Edm.String'),
    ],
  },
  {
    name: 'Contacts',
    key: ['Id'],
    properties: [
      prop('Id', 'id', 'Edm.Int32'),
      prop('AccountId', 'account_id', 'Edm.Int32'),
      prop('Email', 'email', 'Edm.String'),
    ],
  },
  {
    name: 'Deals',
    key: ['Id'],
    properties: [
      prop('Id', 'id', 'Edm.Int64'),
      prop('AccountId', 'account_id', 'Edm.Int32'),
      prop('Name', 'name', 'Edm.String'),
      prop('Stage', 'stage', 'Edm.String'),
      prop('Amount', 'amount', 'Edm.Decimal'),
      prop('Probability', 'probability', 'Edm.Int16'),
      prop('CreatedAt', 'created_at', 'Edm.DateTimeOffset'),
      prop('ClosedAt', 'closed_at', 'Edm.DateTimeOffset', true),
    ],
  },
  {
    name: 'DealProducts',
    key: ['DealId', 'Product'],
    properties: [
      prop('DealId', 'deal_id', 'Edm.Int64'),
      prop('Product', 'product', 'Edm.String'),
      prop('Quantity', 'quantity', 'Edm.Int32'),
    ],
  },
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
