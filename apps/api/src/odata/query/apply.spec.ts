import { queryFailure } from '../testing/query-failure';
import { setNamed } from '../testing/demo-model';
import { compileApply } from './apply';

const TABLE = '"demo"."deals"';
const apply = (text: string) => compileApply(text, setNamed('Deals'), TABLE);

const failure = (text: string) => queryFailure(`$apply=${text}`, () => apply(text));

const shape = (text: string) =>
  apply(text).model.properties.map((p) => `${p.name}:${p.type.replace('Edm.', '')}`);

describe('compileApply', () => {
  it('groups by properties', () => {
    const result = apply('groupby((Stage,Probability))');
    expect(result.from).toBe(
      `(select "stage", "probability" from ${TABLE} group by "stage", "probability") as "t0"`,
    );
    expect(result.model.key).toEqual(['Stage', 'Probability']);
    expect(result.contextProperties).toEqual(['Stage', 'Probability']);
    expect(result.params).toEqual([]);
  });

  it('aggregates within groups with every method and $count', () => {
    const result = apply(
      'groupby((Stage),aggregate(Amount with sum as Total,Amount with average as Mean,Amount with min as Low,' +
        'Amount with max as High,AccountId with countdistinct as Accounts,$count as Deals))',
    );
    expect(result.from).toBe(
      '(select "stage", sum("amount") as "Total", avg("amount") as "Mean", min("amount") as "Low", ' +
        'max("amount") as "High", count(distinct "account_id") as "Accounts", count(*) as "Deals" ' +
        `from ${TABLE} group by "stage") as "t0"`,
    );
    expect(result.contextProperties).toEqual([
      'Stage',
      'Total',
      'Mean',
      'Low',
      'High',
      'Accounts',
      'Deals',
    ]);
  });

  it('types each result as PostgreSQL computes it', () => {
    expect(
      shape(
        'aggregate(Probability with sum as A,Id with sum as B,Amount with sum as C,Probability with average as D,' +
          'CreatedAt with max as E,Name with min as F,Id with countdistinct as G,$count as H)',
      ),
    ).toEqual([
      'A:Int64',
      'B:Decimal',
      'C:Decimal',
      'D:Decimal',
      'E:DateTimeOffset',
      'F:String',
      'G:Int64',
      'H:Int64',
    ]);
  });

  it('folds a chain into one statement: filter before, groupby, filter after', () => {
    const result = apply(
      "filter(Stage ne 'Closed Lost')/groupby((Stage),aggregate(Amount with sum as Total))/filter(Total gt 1000)",
    );
    expect(result.from).toBe(
      `(select * from (select "stage", sum("amount") as "Total" from (select * from ${TABLE} where "stage" <> $1::text) as "t0" group by "stage") as "t1" where "Total" > $2::int) as "t2"`,
    );
    expect(result.params).toEqual(['Closed Lost', 1000]);
    expect(result.model.properties.map((p) => p.name)).toEqual(['Stage', 'Total']);
  });

  it('keeps the entity set shape after filter alone', () => {
    const result = apply('filter(Amount gt 5)');
    expect(result.contextProperties).toEqual([]);
    expect(result.model.properties).toEqual(setNamed('Deals').properties);
  });

  it('groups an aggregated result again', () => {
    expect(
      shape(
        'groupby((Stage,AccountId),aggregate($count as N))/groupby((Stage),aggregate(N with max as MaxN))',
      ),
    ).toEqual(['Stage:String', 'MaxN:Int64']);
  });

  it.each([
    ['', 'is empty'],
    ['groupby((Stage))/', 'empty transformation'],
    ['Stage', 'is not a transformation'],
    ['frobnicate(Stage)', "unknown transformation 'frobnicate'"],
    ['groupby(Stage)', 'parenthesised list of properties'],
    ['groupby((Nope))', "unknown property 'Nope'"],
    ['groupby((Stage,Stage))', 'listed twice'],
    ['aggregate(Amount with sum)', 'is not an aggregate expression'],
    ['aggregate(Amount with median as M)', "'median' is not an aggregation method"],
    ['aggregate(Name with sum as S)', 'sum needs a numeric property, but Name is Edm.String'],
    ['aggregate(Amount with sum as Amount)', 'already a property'],
    ['aggregate(Amount with sum as T,Amount with max as T)', 'used twice'],
    ['groupby((Stage),aggregate($count as N))/filter(Amount gt 1)', "unknown property 'Amount'"],
    ['filter(Stage eq 1)', 'cannot compare'],
    ['groupby((Stage)', "unbalanced '('"],
    [
      'groupby((Stage),aggregate($count as N),aggregate($count as M))',
      'at most one transformation',
    ],
  ])('$apply=%s is a 400: %s', (text, message) => {
    const error = failure(text);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it.each([
    ['topcount(5,Amount)', 'topcount() is not supported'],
    ['compute(Amount mul 2 as Double)', 'compute() is not supported'],
    ['groupby((Account/Name))', 'navigation path'],
    ['groupby((Stage),topcount(1,Amount))', 'groupby with topcount() is not supported'],
    ['aggregate(Amount with custom.median as M)', 'not an aggregation method'],
    ['aggregate(Total)', 'custom aggregates'],
    ['aggregate(Amount with sum from Stage as T)', "'from'"],
  ])('$apply=%s is valid OData the feed does not implement: 501', (text, message) => {
    const error = failure(text);
    expect(error.status).toBe(501);
    expect(error.message).toContain(message);
  });
});
