import { queryFailure } from '../testing/query-failure';
import { demoSets } from '../testing/demo-model';
import { keyCondition, parseResourcePath, targetOf, type ResourcePath } from './resource-path';

const parse = (path: string): ResourcePath =>
  parseResourcePath(path === '' ? [] : path.split('/'), demoSets);

const failure = (path: string) => queryFailure(`${path}`, () => parse(path));

const resource = (path: string) => {
  const parsed = parse(path);
  if (parsed.kind !== 'resource') throw new Error(`${path} is ${parsed.kind}`);
  return parsed;
};

const keyOf = (path: string) => resource(path).root.key?.map((k) => [k.property.name, k.value]);

describe('parseResourcePath', () => {
  it('recognises the service document and $metadata', () => {
    expect(parse('')).toEqual({ kind: 'service' });
    expect(parseResourcePath([''], demoSets)).toEqual({ kind: 'service' });
    expect(parse('$metadata')).toEqual({ kind: 'metadata' });
  });

  it('addresses a set, its count, and one entity by key', () => {
    expect(targetOf(resource('Deals'))).toMatchObject({ single: false });
    expect(resource('Deals/$count').count).toBe(true);
    expect(keyOf('Deals(42)')).toEqual([['Id', 42]]);
    expect(keyOf('Deals(Id=42)')).toEqual([['Id', 42]]);
    expect(keyOf('Deals(9007199254740993)')).toEqual([['Id', '9007199254740993']]);
    expect(targetOf(resource('Deals(42)')).single).toBe(true);
  });

  it('reads composite keys in key order whatever order they are written in', () => {
    expect(keyOf("DealProducts(DealId=7,Product='Widget')")).toEqual([
      ['DealId', 7],
      ['Product', 'Widget'],
    ]);
    expect(keyOf("DealProducts(Product='Widget', DealId=7)")).toEqual([
      ['DealId', 7],
      ['Product', 'Widget'],
    ]);
  });

  it("decodes each segment on its own: '' is a quote, %2F and commas stay in a string key", () => {
    expect(keyOf("DealProducts(DealId=1,Product='O''Neil%2C%2FCo')")).toEqual([
      ['DealId', 1],
      ['Product', "O'Neil,/Co"],
    ]);
  });

  it('addresses a property and its raw value', () => {
    const p = resource('Deals(1)/Name');
    expect(p.property?.name).toBe('Name');
    expect(p.value).toBe(false);
    expect(resource('Deals(1)/Name/$value').value).toBe(true);
  });

  it('navigates to a single entity, a collection, one of it, and its count', () => {
    const toAccount = resource('Deals(1)/Account');
    expect(toAccount.navigation?.property.name).toBe('Account');
    expect(targetOf(toAccount)).toMatchObject({ single: true });
    expect(targetOf(toAccount).set.name).toBe('Accounts');
    const deals = resource('Accounts(3)/Deals');
    expect(targetOf(deals)).toMatchObject({ single: false });
    expect(resource('Accounts(3)/Deals/$count').count).toBe(true);
    const one = resource('Accounts(3)/Deals(8)');
    expect(targetOf(one).single).toBe(true);
    expect(one.navigation?.target.key?.[0].value).toBe(8);
    expect(resource('Deals(1)/Account/Name').property?.name).toBe('Name');
  });

  it.each([
    ['Nope', 'No entity set named Nope'],
    ['Deals/Name', 'address one entity by its key first'],
    ['Deals(1)/Nope', 'Deal has no property or navigation property named Nope'],
    ['Deals(1)/Name/x', 'No resource'],
    ['Deals(1)/$value', '$value reads a single property'],
    ['$metadata/x', 'No resource $metadata/x'],
    ['Deals//x', 'empty path segment'],
    ['Deals/a/b/c', 'address one entity by its key first'],
    ['Deals/$count/$count', 'No resource'],
    ['Deals(1)/Name/$value/$value', 'reads a single property'],
  ])('%s is a 404 naming what is missing', (path, message) => {
    const error = failure(path);
    expect(error.status).toBe(404);
    expect(error.message).toContain(message);
  });

  it.each([
    ['Deals(abc)', 'must give Id one literal value'],
    ["Deals('1')", 'gives Id an Edm.String value, but it is Edm.Int64'],
    ['Deals(null)', 'gives Id null'],
    ['Deals(1,2)', 'is malformed'],
    ['Deals(Nope=1)', 'Nope is not a key property of Deals'],
    ['Deals(Id=1,Id=2)', 'names Id twice'],
    ['Deals()', 'empty part'],
    ['Deals(1', "must end with ')'"],
    ["Deals('unterminated)", 'unterminated string literal'],
    ['DealProducts(7)', 'composite key; name every part: DealProducts(DealId=…,Product=…)'],
    ['DealProducts(DealId=7)', 'lacks Product'],
    ['Deals(1)/Account(2)', 'is a single entity and takes no key'],
    ['Deals(1)/$count', 'is a single entity; $count counts collections'],
    ['Deals(%ZZ)', 'malformed %-escape'],
  ])('%s is a 400 saying what is wrong', (path, message) => {
    const error = failure(path);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it.each([
    ['Deals(1)/$ref', 'entity references'],
    ['$batch', 'batch requests'],
    ['$crossjoin(Deals,Accounts)', 'cross joins'],
    ['Deals/feedpass.Deal', 'Type casts and bound operations'],
    ['Deals(1)/Account/Deals', 'more than one relationship'],
  ])('%s is valid OData the feed does not implement: 501', (path, message) => {
    const error = failure(path);
    expect(error.status).toBe(501);
    expect(error.message).toContain(message);
  });
});

describe('keyCondition', () => {
  it('binds every key value with its SQL type', () => {
    const params: unknown[] = ['before'];
    const key = resource("DealProducts(DealId=7,Product='W')").root.key!;
    expect(keyCondition(key, params, (c) => `"${c}"`)).toBe(
      '"deal_id" = $2::bigint and "product" = $3::text',
    );
    expect(params).toEqual(['before', 7, 'W']);
  });
});
