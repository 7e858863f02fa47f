import { RowTapClient, type RowSink } from '../../apps/api/src/data-sources/row-tap';
import { createTestDatabase } from '../setup/test-database';

/** A DataRow body's columns as text (null for SQL null). */
function columnsOf(bytes: Buffer, start: number): (string | null)[] {
  const count = bytes.readUInt16BE(start);
  const cells: (string | null)[] = [];
  let q = start + 2;
  for (let i = 0; i < count; i++) {
    const length = bytes.readInt32BE(q);
    q += 4;
    cells.push(length < 0 ? null : bytes.toString('utf8', q, q + length));
    if (length > 0) q += length;
  }
  return cells;
}

/** A sink that keeps what it was given, as text. */
function keeping() {
  const seen = { oids: [] as number[][], rows: [] as (string | null)[][] };
  const sink: RowSink = {
    describe: (oids) => seen.oids.push(oids),
    row: (bytes, start) => seen.rows.push(columnsOf(bytes, start)),
  };
  return { seen, sink };
}

describe('RowTapClient: a statement’s rows as PostgreSQL sent them', () => {
  let client: RowTapClient;

  beforeAll(async () => {
    client = new RowTapClient({ connectionString: await createTestDatabase() });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
  });

  it('hands over each row’s bytes, with the column types first, parameters bound', async () => {
    const { seen, sink } = keeping();
    const result = await client.rawRows(
      `select n::int8, 'row ' || n || $1::text as label, null::text as nothing, n % 2 = 0 as even
         from generate_series(1, 3) n`,
      [' é"'],
      sink,
    );
    expect(seen.oids).toEqual([[20, 25, 25, 16]]);
    expect(seen.rows).toEqual([
      ['1', 'row 1 é"', null, 'f'],
      ['2', 'row 2 é"', null, 't'],
      ['3', 'row 3 é"', null, 'f'],
    ]);
    expect(result.rows).toEqual([]);
    expect(result.rowCount).toBe(3);
  });

  it('takes rows that span many socket reads, every byte of them in order', async () => {
    let rows = 0;
    let sum = 0n;
    let widths = 0;
    await client.rawRows(
      `select n, repeat(md5(n::text), 1 + n % 7) as filler from generate_series(1, 60000) n`,
      [],
      {
        describe: () => undefined,
        row: (bytes, start) => {
          const [n, filler] = columnsOf(bytes, start);
          rows++;
          sum += BigInt(n!);
          widths += filler!.length;
          if (filler!.length % 32 !== 0) throw new Error(`row ${n} arrived cut`);
        },
      },
    );
    const { rows: expected } = await client.query<{ widths: string }>(
      `select sum(32 * (1 + n % 7))::text as widths from generate_series(1, 60000) n`,
    );
    expect(rows).toBe(60000);
    expect(sum).toBe((60000n * 60001n) / 2n);
    expect(String(widths)).toBe(expected[0].widths);
  });

  it('leaves every other statement to pg, parsed as usual', async () => {
    const { rows } = await client.query<{ n: number; t: string }>(
      `select 2 as n, 'x' as t union all select 3, 'y'`,
    );
    expect(rows).toEqual([
      { n: 2, t: 'x' },
      { n: 3, t: 'y' },
    ]);
  });

  it('rejects with PostgreSQL’s error when the statement fails midway, and the client goes on', async () => {
    const { seen, sink } = keeping();
    await expect(
      client.rawRows(`select 10 / (3 - n) as q from generate_series(1, 5) n`, [], sink),
    ).rejects.toMatchObject({ code: '22012' });
    expect(seen.rows.length).toBeLessThan(3);
    const { rows } = await client.query<{ one: number }>('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('gives a sink that throws no more rows, throws its error after the statement, and the client goes on', async () => {
    let calls = 0;
    const failure = new Error('the writer broke');
    await expect(
      client.rawRows(`select n from generate_series(1, 1000) n`, [], {
        describe: () => undefined,
        row: () => {
          calls++;
          if (calls === 2) throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(calls).toBe(2);
    const { rows } = await client.query<{ n: number }>('select 41 + 1 as n');
    expect(rows).toEqual([{ n: 42 }]);
  });
});
