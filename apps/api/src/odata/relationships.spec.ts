import type { EntitySetModel } from './query/edm';
import { singular, withRelationships } from './relationships';
import { demoSets, flatDemoSets, setNamed } from './testing/demo-model';

const employees: EntitySetModel = {
  name: 'Employees',
  key: ['Id'],
  properties: [
    { name: 'Id', column: 'id', type: 'Edm.Int32', nullable: false },
    { name: 'ManagerId', column: 'manager_id', type: 'Edm.Int32', nullable: true },
  ],
};

describe('singular', () => {
  it.each([
    ['Deals', 'Deal'],
    ['Accounts', 'Account'],
    ['Companies', 'Company'],
    ['Boxes', 'Box'],
    ['Addresses', 'Address'],
    ['Branches', 'Branch'],
    ['SalesOrders', 'SalesOrder'],
    ['People', 'Person'],
    ['OrderStatuses', 'OrderStatus'],
    ['Days', 'Day'],
    ['Status', 'Status'],
    ['Stock', 'Stock'],
    ['Bus', 'Bus'],
  ])('%s → %s', (plural, one) => expect(singular(plural)).toBe(one));
});

describe('withRelationships', () => {
  it('gives the referencing type a single-valued navigation named after the referenced type', () => {
    const deals = setNamed('Deals');
    expect(deals.typeName).toBe('Deal');
    expect(deals.navigation).toContainEqual({
      name: 'Account',
      target: 'Accounts',
      collection: false,
      partner: 'Deals',
      nullable: false,
      pairs: [{ local: 'AccountId', remote: 'Id' }],
    });
  });

  it('gives the referenced type a collection named after the referencing set, partnered back', () => {
    const accounts = setNamed('Accounts');
    expect(accounts.navigation?.map((n) => [n.name, n.target, n.collection, n.partner])).toEqual([
      ['Contacts', 'Contacts', true, 'Account'],
      ['Deals', 'Deals', true, 'Account'],
    ]);
    expect(accounts.navigation?.[1].pairs).toEqual([{ local: 'Id', remote: 'AccountId' }]);
  });

  it('adds nothing for a foreign key to a set the data source does not publish', () => {
    const onlyDeals = withRelationships(
      flatDemoSets.filter((s) => s.name === 'Deals'),
      [
        {
          name: 'fk',
          from: 'Deals',
          fromProperties: ['AccountId'],
          to: 'Accounts',
          toProperties: ['Id'],
        },
      ],
    );
    expect(onlyDeals[0].navigation).toEqual([]);
  });

  it('names a self-reference after its foreign key, and marks a nullable one', () => {
    const [set] = withRelationships(
      [employees],
      [
        {
          name: 'fk',
          from: 'Employees',
          fromProperties: ['ManagerId'],
          to: 'Employees',
          toProperties: ['Id'],
        },
      ],
    );
    expect(set.navigation?.map((n) => [n.name, n.collection, n.partner, n.nullable])).toEqual([
      ['Manager', false, 'Employees', true],
      ['Employees', true, 'Manager', false],
    ]);
  });

  it('gives clashing names a stable suffix in constraint-name order', () => {
    const deals: EntitySetModel = {
      ...flatDemoSets.find((s) => s.name === 'Deals')!,
      properties: [
        ...flatDemoSets.find((s) => s.name === 'Deals')!.properties,
        { name: 'Account', column: 'account', type: 'Edm.String', nullable: true },
        {
          name: 'PartnerAccountId',
          column: 'partner_account_id',
          type: 'Edm.Int32',
          nullable: true,
        },
      ],
    };
    const accounts = flatDemoSets.find((s) => s.name === 'Accounts')!;
    const rels = [
      {
        name: 'b_fk',
        from: 'Deals',
        fromProperties: ['PartnerAccountId'],
        to: 'Accounts',
        toProperties: ['Id'],
      },
      {
        name: 'a_fk',
        from: 'Deals',
        fromProperties: ['AccountId'],
        to: 'Accounts',
        toProperties: ['Id'],
      },
    ];
    for (const order of [rels, [...rels].reverse()]) {
      const [d, a] = withRelationships([deals, accounts], order);
      expect(d.navigation?.map((n) => n.name)).toEqual(['Account2', 'PartnerAccount']);
      expect(a.navigation?.map((n) => [n.name, n.partner])).toEqual([
        ['Deals', 'Account2'],
        ['Deals2', 'PartnerAccount'],
      ]);
    }
  });

  it('joins composite keys pair by pair', () => {
    const shipments: EntitySetModel = {
      name: 'Shipments',
      key: ['Id'],
      properties: [
        { name: 'Id', column: 'id', type: 'Edm.Int32', nullable: false },
        { name: 'DealId', column: 'deal_id', type: 'Edm.Int64', nullable: false },
        { name: 'Product', column: 'product', type: 'Edm.String', nullable: false },
      ],
    };
    const products = flatDemoSets.find((s) => s.name === 'DealProducts')!;
    const [ship, prod] = withRelationships(
      [shipments, products],
      [
        {
          name: 'fk',
          from: 'Shipments',
          fromProperties: ['DealId', 'Product'],
          to: 'DealProducts',
          toProperties: ['DealId', 'Product'],
        },
      ],
    );
    expect(ship.navigation?.[0]).toMatchObject({
      name: 'DealProduct',
      pairs: [
        { local: 'DealId', remote: 'DealId' },
        { local: 'Product', remote: 'Product' },
      ],
    });
    expect(prod.navigation?.[0]).toMatchObject({ name: 'Shipments', collection: true });
  });

  it('takes relationships in constraint-name order', () => {
    expect(setNamed('Deals').navigation?.map((n) => n.name)).toEqual(['DealProducts', 'Account']);
  });

  it('keeps set names as type names where two singulars would meet', () => {
    const one = { ...employees, name: 'Deal' };
    const two = { ...employees, name: 'Deals' };
    expect(withRelationships([one, two, employees], []).map((s) => s.typeName)).toEqual([
      'Deal',
      'Deals',
      'Employee',
    ]);
  });

  it('does not change the sets it was given', () => {
    expect(flatDemoSets[0].navigation).toBeUndefined();
    expect(demoSets).not.toBe(flatDemoSets);
  });
});
