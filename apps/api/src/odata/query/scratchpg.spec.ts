import { Client } from 'pg';
import { compileFilter, type EntitySetModel } from './index';
const set: EntitySetModel = { name: 'Deals', key: ['Id'], properties: [
  { name: 'Id', column: 'id', type: 'Edm.Int64', nullable: false },
  { name: 'Small', column: 'small', type: 'Edm.Int16', nullable: true },
  { name: 'Name', column: 'name', type: 'Edm.String', nullable: true },
  { name: 'Stage', column: 'stage', type: 'Edm.String', nullable: false },
  { name: 'Amount', column: 'amount', type: 'Edm.Decimal', nullable: true },
  { name: 'Score', column: 'score', type: 'Edm.Double', nullable: true },
  { name: 'IsWon', column: 'is_won', type: 'Edm.Boolean', nullable: true },
  { name: 'CreatedAt', column: 'created_at', type: 'Edm.DateTimeOffset', nullable: false },
  { name: 'CloseDate', column: 'close_date', type: 'Edm.Date', nullable: true },
  { name: 'At', column: 'at', type: 'Edm.TimeOfDay', nullable: true },
  { name: 'OwnerId', column: 'owner_id', type: 'Edm.Guid', nullable: true },
  { name: 'Weird', column: 'we"ird', type: 'Edm.String', nullable: true },
]};
const cases: [string, number[]][] = [
  ['CreatedAt ge 2025-02-03T00:00:00+01:00 and CreatedAt lt 2025-03-03T00:00:00+01:00', [2]],
  ["Name eq 'It''s'", [1]], ["Name ne 'It''s'", [2, 3]], ["not (Name eq 'It''s')", [2, 3]],
  ["contains(Name, '%')", [2]], ["startswith(Name, '_')", [2]], ["endswith(Name, 's')", [1]], ["contains(tolower(Name), 'it')", [1]],
  ["toupper(Name) eq 'IT''S'", [1]], ["year(CreatedAt) eq 2025", [1, 2]], ["month(CloseDate) eq 2 and day(CloseDate) eq 3", [1]],
  ["CloseDate ge 2025-02-03T00:00:00Z", [1]], ["CloseDate lt 2025-02-03T01:00:00+01:00", [2]], ["CreatedAt lt 2025-02-02", [1]],
  ["OwnerId eq 'AAAAAAAA-0000-0000-0000-000000000001'", [1]], ["OwnerId eq aaaaaaaa-0000-0000-0000-000000000001", [1]],
  ["Amount gt 1.5e-3", [1, 2]], ["Amount eq 10.50", [1]], ["Amount ge 5000000000", [2]], ["Score lt 1.5", [1]], ["Score eq INF", [2]],
  ["Id in (1, 3, 9223372036854775807)", [1, 3]], ["Stage in ('Won', 'Lost')", [1, 2]], ["Name in ('It''s', null)", [1, 3]],
  ["IsWon", [1]], ["not IsWon", [2, 3]], ["IsWon eq false", [2]], ["IsWon ne true", [2, 3]], ["IsWon eq null", [3]],
  ["At gt 10:00", [2]], ["At le 09:30:00.123456789012", [1]], ["CreatedAt gt 2025-01-15T10:20:30.1234567Z", [2, 3]],
  ["Small eq 100000", []], ["Small gt 1.5", [1]], ["Name eq Stage", []], ["Name ne Stage", [1, 2, 3]], ["CloseDate eq CreatedAt", []],
  ["1 eq 1", [1, 2, 3]], ["'a' eq 'a' and true", [1, 2, 3]], ["null eq null", [1, 2, 3]], ["year(2025-01-01) eq 2025", [1,2,3]],
  ["Weird eq 'x'", [1]], ["CreatedAt ge 2025-02-03T00:00:00-15:30", [2, 3]], ["CloseDate in (2025-02-03, 2025-02-02T00:00:00Z)", [1, 2]],
  ["Amount eq NaN", []], ["Amount ne 10.5M and Id lt 3L", [2]], ["not (Amount gt 1)", [3]], ["not (Score lt 1.5)", [2, 3]],
];
test('pg', async () => {
  const c = new Client({ host: '/tmp/odata-pg', port: 55439, user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query(`SET TIME ZONE 'America/New_York'`);
  await c.query(`DROP TABLE IF EXISTS deals; CREATE TABLE deals (id bigint primary key, small smallint, name text, stage text not null, amount numeric, score float8, is_won boolean, created_at timestamptz not null, close_date date, at time, owner_id uuid, "we""ird" text)`);
  await c.query(`INSERT INTO deals VALUES
    (1, 5, 'It''s', 'Won', 10.5, 1.0, true, '2025-01-15T10:20:30.1234567Z', '2025-02-03', '09:30', 'aaaaaaaa-0000-0000-0000-000000000001', 'x'),
    (2, 1, '_%x', 'Lost', 5000000000, 'Infinity', false, '2025-02-20T00:00:00Z', '2025-02-02', '10:30', null, null),
    (3, null, null, 'Open', null, null, null, '2024-02-20T00:00:00Z', null, null, null, null)`);
  for (const [f, expected] of cases) {
    const params: unknown[] = [];
    const sql = compileFilter(f, set, params);
    let rows: number[];
    try { rows = (await c.query(`SELECT id FROM deals WHERE ${sql} ORDER BY id`, params)).rows.map((r) => Number(r.id)); }
    catch (e) { throw new Error(`${f}\n${sql}\n${JSON.stringify(params)}\n${(e as Error).message}`); }
    if (JSON.stringify(rows) !== JSON.stringify(expected)) console.log('MISMATCH', f, sql, params, rows, 'expected', expected);
  }
  await c.query(`CREATE INDEX ON deals (created_at); CREATE INDEX ON deals (close_date); SET enable_seqscan = off`);
  for (const f of ['CreatedAt ge 2025-02-03T00:00:00+01:00 and CreatedAt lt 2025-03-03T00:00:00+01:00', 'CloseDate ge 2025-02-03T00:00:00Z', 'CreatedAt lt 2025-02-02']) {
    const params: unknown[] = [];
    const sql = compileFilter(f, set, params);
    const plan = (await c.query(`EXPLAIN SELECT * FROM deals WHERE ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
    console.log(f, '\n', plan);
  }
  await c.end();
});
