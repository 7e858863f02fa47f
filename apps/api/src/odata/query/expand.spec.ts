import { queryFailure } from '../testing/query-failure';
import { demoSets, setNamed } from '../testing/demo-model';
import { parseExpand, splitTopLevel } from './expand';

const expand = (text: string, set = 'Deals') => parseExpand(text, setNamed(set), demoSets);

const failure = (text: string, set = 'Deals') =>
  queryFailure(`$expand=${text}`, () => expand(text, set));

describe('parseExpand', () => {
  it('expands single-valued and collection navigation properties', () => {
    const [account] = expand('Account');
    expect(account).toMatchObject({ select: null, filter: null, orderBy: [], top: null });
    expect(account.navigation.name).toBe('Account');
    expect(account.target.name).toBe('Accounts');
    expect(expand('Contacts,Deals', 'Accounts').map((i) => i.target.name)).toEqual([
      'Contacts',
      'Deals',
    ]);
  });

  it('expands every navigation property for *', () => {
    expect(expand('*', 'Accounts').map((i) => i.navigation.name)).toEqual(['Contacts', 'Deals']);
    expect(expand('Deals($top=1),*', 'Accounts').map((i) => i.navigation.name)).toEqual([
      'Deals',
      'Contacts',
    ]);
  });

  it('reads nested $select, $filter, $orderby and $top', () => {
    const [deals] = expand(
      "Deals($select=Name,Amount;$filter=Stage eq 'Closed; Won (really)';$orderby=Amount desc;$top=3)",
      'Accounts',
    );
    expect(deals.select?.map((p) => p.name)).toEqual(['Name', 'Amount']);
    expect(deals.filter).toMatchObject({ kind: 'compare', operator: 'eq' });
    expect(deals.orderBy.map((o) => [o.property.name, o.descending])).toEqual([['Amount', true]]);
    expect(deals.top).toBe(3);
    expect(expand('Account($select=Name)')[0].select?.map((p) => p.name)).toEqual(['Name']);
  });

  it.each([
    ['', 'is empty'],
    ['Account,', 'empty item'],
    ['Nope', 'Deal has no navigation property named Nope (it has DealProducts, Account)'],
    ['Name', 'Name is a property, not a navigation property'],
    ['Account,Account', 'expanded more than once'],
    ['Account($select=Nope)', "unknown property 'Nope'"],
    ["Account($filter=Name eq 'x')", 'Account is a single entity'],
    ['Account($top=1)', 'Account is a single entity'],
    ['Account(', "unbalanced '('"],
    ['Account)', "unbalanced ')'"],
    ["Account($select='x)", 'unterminated string literal'],
    ['Account()', 'parentheses after Account are empty'],
    ['Account($select)', 'needs a value'],
    ['Account($foo=1)', 'unknown option $foo'],
    ['Account($select=Name;$select=Id)', 'given twice'],
  ])('$expand=%s is a 400: %s', (text, message) => {
    const error = failure(text);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it.each([
    ['Deals($top=x)', 'must be a non-negative whole number'],
    ['Deals($filter=Name eq 1)', 'Edm.String'],
    ['Deals($filter=Nope eq 1)', "unknown property 'Nope'"],
  ])('nested options are checked against the expanded set: %s', (text, message) => {
    const error = failure(text, 'Accounts');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it.each([
    ['Deals($expand=Account)', '$expand inside Deals(…) is not supported'],
    ['Deals($levels=2)', '$levels'],
    ['Deals($skip=2)', '$skip'],
    ['Deals($count=true)', '$count'],
    ['Deals/$ref', 'entity references'],
    ['Deals/Account', 'paths and casts'],
    ['*($select=Id)', 'options on *'],
  ])('$expand=%s is valid OData the feed does not implement: 501', (text, message) => {
    const error = failure(text, 'Accounts');
    expect(error.status).toBe(501);
    expect(error.message).toContain(message);
  });
});

describe('splitTopLevel', () => {
  it('splits outside parentheses and string literals only', () => {
    expect(splitTopLevel("a(b,c),'d,''e',f", ',')).toEqual(['a(b,c)', "'d,''e'", 'f']);
  });
});
