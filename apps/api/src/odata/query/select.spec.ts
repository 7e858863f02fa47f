import { queryFailure } from '../testing/query-failure';
import type { EntitySetModel } from './edm';
import { parseSelect } from './select';

const deals: EntitySetModel = {
  name: 'Deals',
  key: ['Id'],
  properties: [
    { name: 'Id', column: 'id', type: 'Edm.Int64', nullable: false },
    { name: 'Name', column: 'name', type: 'Edm.String', nullable: true },
    { name: 'CreatedAt', column: 'created_at', type: 'Edm.DateTimeOffset', nullable: false },
    { name: 'Größe', column: 'groesse', type: 'Edm.Int32', nullable: true },
  ],
};

const names = (text: string) => parseSelect(text, deals).map((p) => p.name);

const failure = (text: string) =>
  queryFailure(`parseSelect(${JSON.stringify(text)})`, () => parseSelect(text, deals));

describe('parseSelect', () => {
  it('returns the listed properties in the order asked, without repeats', () => {
    expect(names('Name')).toEqual(['Name']);
    expect(names('CreatedAt,Id')).toEqual(['CreatedAt', 'Id']);
    expect(names(' Name ,\tId , Name')).toEqual(['Name', 'Id']);
    expect(names('Größe')).toEqual(['Größe']);
  });

  it('returns every property in model order for *', () => {
    expect(names('*')).toEqual(['Id', 'Name', 'CreatedAt', 'Größe']);
    expect(names('Name, *')).toEqual(['Id', 'Name', 'CreatedAt', 'Größe']);
  });

  it('returns the model properties themselves', () => {
    expect(parseSelect('Name', deals)[0]).toBe(deals.properties[1]);
  });

  it.each([
    ['', '$select is empty'],
    [' ', '$select is empty'],
    ['Foo', "$select: unknown property 'Foo' at position 1"],
    [
      'Id, name',
      "$select: unknown property 'name' at position 5 (property names are case-sensitive: did you mean 'Name'?)",
    ],
    ['Name,,Id', '$select: empty item at position 6'],
    ['Name,', '$select: empty item at position 6'],
    ['Name, *, Foo', "$select: unknown property 'Foo' at position 10"],
    ['"name"', `$select: '"name"' is not a property name at position 1`],
    ['name; drop table x', "$select: 'name; drop table x' is not a property name at position 1"],
    ['Name Id', "$select: 'Name Id' is not a property name at position 1"],
    ['created_at', "$select: unknown property 'created_at' at position 1"],
    ['1', "$select: '1' is not a property name at position 1"],
    ['**', "$select: '**' is not a property name at position 1"],
  ])('%j is a 400', (text, message) => {
    const e = failure(text);
    expect(e.status).toBe(400);
    expect(e.message).toBe(message);
  });

  it.each([
    [
      'Owner/Name',
      "$select: navigation and property paths ('Owner/Name') are not supported at position 1",
    ],
    [
      'Id,Name/$value',
      "$select: navigation and property paths ('Name/$value') are not supported at position 4",
    ],
    [
      'Name($select=x)',
      "$select: nested options and operations ('Name($select=x)') are not supported at position 1",
    ],
    ['Ns.Action', "$select: qualified names ('Ns.Action') are not supported at position 1"],
    ['Ns.*', "$select: qualified names ('Ns.*') are not supported at position 1"],
  ])('%j is a 501', (text, message) => {
    const e = failure(text);
    expect(e.status).toBe(501);
    expect(e.message).toBe(message);
  });

  it('refuses more than 16 kB', () => {
    expect(failure('Name,'.repeat(4000)).message).toMatch(/^\$select is too long/);
  });
});
