import { queryFailure } from '../testing/query-failure';
import type { EntitySetModel } from './edm';
import { parseOrderBy } from './orderby';

const deals: EntitySetModel = {
  name: 'Deals',
  key: ['Id'],
  properties: [
    { name: 'Id', column: 'id', type: 'Edm.Int64', nullable: false },
    { name: 'Name', column: 'name', type: 'Edm.String', nullable: true },
    { name: 'CreatedAt', column: 'created_at', type: 'Edm.DateTimeOffset', nullable: false },
    { name: 'Amount', column: 'amount', type: 'Edm.Decimal', nullable: true },
  ],
};

const order = (text: string) =>
  parseOrderBy(text, deals).map(
    (item) => `${item.property.column} ${item.descending ? 'desc' : 'asc'}`,
  );

const failure = (text: string) =>
  queryFailure(`parseOrderBy(${JSON.stringify(text)})`, () => parseOrderBy(text, deals));

describe('parseOrderBy', () => {
  it('parses properties with optional asc/desc, ascending by default', () => {
    expect(order('Name')).toEqual(['name asc']);
    expect(order('Name asc, CreatedAt desc')).toEqual(['name asc', 'created_at desc']);
    expect(order('Amount desc,Id')).toEqual(['amount desc', 'id asc']);
    expect(order(' \tName\tdesc ,  Id  asc ')).toEqual(['name desc', 'id asc']);
  });

  it('returns the model property itself', () => {
    const [item] = parseOrderBy('CreatedAt desc', deals);
    expect(item.property).toBe(deals.properties[2]);
    expect(item.descending).toBe(true);
  });

  it.each([
    ['', '$orderby is empty'],
    ['  ', '$orderby is empty'],
    ['Foo', "$orderby: unknown property 'Foo' at position 1"],
    [
      'name',
      "$orderby: unknown property 'name' at position 1 (property names are case-sensitive: did you mean 'Name'?)",
    ],
    ['created_at desc', "$orderby: unknown property 'created_at' at position 1"],
    ['Name, Name desc', "$orderby: property 'Name' appears more than once at position 7"],
    ['Name ASC', "$orderby: unexpected 'ASC' at position 6 (keywords are lower-case: write 'asc')"],
    [
      'Name descending',
      "$orderby: unexpected 'descending' at position 6, expected 'asc', 'desc', ',' or the end",
    ],
    [
      'Name desc asc',
      "$orderby: unexpected 'asc' at position 11, expected 'asc', 'desc', ',' or the end",
    ],
    ['Name,', '$orderby: unexpected end of input at position 6, expected an expression'],
    [',Name', "$orderby: unexpected ',' at position 1, expected an expression"],
    ['Name;drop table x', "$orderby: unexpected character ';' at position 5"],
    ['"name"', `$orderby: unexpected character '"' at position 1`],
    ["'Name'", "$orderby: unexpected ''Name'' at position 1, expected a property"],
    ['1', "$orderby: unexpected '1' at position 1, expected a property"],
    ['Name) asc', "$orderby: unexpected ')' at position 5, expected 'asc', 'desc', ',' or the end"],
    ['Name desc, (Id', "$orderby: missing ')' for '(' at position 12"],
  ])('%j is a 400', (text, message) => {
    const e = failure(text);
    expect(e.status).toBe(400);
    expect(e.message).toBe(message);
  });

  it.each([
    [
      'tolower(Name) asc',
      '$orderby: ordering by tolower() is not supported at position 1; order by properties',
    ],
    [
      'year(CreatedAt) desc',
      '$orderby: ordering by year() is not supported at position 1; order by properties',
    ],
    [
      "Name eq 'x' desc",
      '$orderby: ordering by an expression is not supported at position 6; order by properties',
    ],
    ['length(Name)', "$orderby: function 'length' is not supported at position 1"],
    ['Amount add 1', "$orderby: arithmetic operator 'add' is not supported at position 8"],
    [
      'Owner/Name',
      "$orderby: navigation and property paths ('Owner/…') are not supported at position 1",
    ],
    ['$it', "$orderby: '$it' is not supported at position 1"],
    ['@sort', "$orderby: parameter aliases ('@sort') are not supported at position 1"],
  ])('%j is a 501', (text, message) => {
    const e = failure(text);
    expect(e.status).toBe(501);
    expect(e.message).toBe(message);
  });

  it('refuses more than 16 kB', () => {
    expect(failure('Name,'.repeat(4000)).message).toMatch(/^\$orderby is too long/);
  });
});
