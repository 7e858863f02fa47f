import fc from 'fast-check';
import { sourceColumn } from '../data-sources/source-database.js';
import type { EdmType, PropertyModel } from './query/edm.js';
import { JsonChunks, RowBytesWriter } from './row-bytes.js';
import { rowWriter, type RowWriterOptions } from './serialize.js';

/** A column of a statement: its Edm type, its PostgreSQL type OID, texts PostgreSQL prints. */
interface Column {
  type: EdmType;
  oid: number;
  text: fc.Arbitrary<string>;
}

const int = (min: number, max: number) => fc.integer({ min, max }).map(String);
const digits = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String);
const decimal = fc.oneof(
  digits,
  fc.tuple(digits, fc.nat({ max: 99999 })).map(([a, b]) => `${a}.${String(b).padStart(5, '0')}`),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '0.00', '-0.5', '1e5', '1.', '.5', ''),
);
const double = fc.oneof(
  fc.double().map((d) => (Number.isNaN(d) ? 'NaN' : d === Infinity ? 'Infinity' : String(d))),
  fc.constantFrom('1e+20', '1.5e-07', '-0', '-Infinity', '3.4028235e+38'),
);
const timestamp = fc.oneof(
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().replace('T', ' ').replace('Z', '+00')),
  fc.constantFrom(
    '2025-02-03 10:20:30+00',
    '2025-02-03 10:20:30.5+05:30',
    '2025-02-03 10:20:30',
    '2025-02-03 10:20:30-00',
    'infinity',
    '-infinity',
    '2025-02-03 10:20:30.123456+00 BC',
  ),
);
/** Text with what JSON must escape, and characters of every UTF-8 length. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    'a"b',
    'back\\slash',
    'line\nbreak\t',
    '\u0000',
    'x😀y',
    'é',
    '\u2028',
    '\u007f',
  ),
);

const COLUMNS: Column[] = [
  { type: 'Edm.Int16', oid: 21, text: int(-32768, 32767) },
  { type: 'Edm.Int32', oid: 23, text: int(-(2 ** 31), 2 ** 31 - 1) },
  { type: 'Edm.Int64', oid: 20, text: digits },
  { type: 'Edm.Decimal', oid: 1700, text: decimal },
  { type: 'Edm.Double', oid: 701, text: double },
  { type: 'Edm.Single', oid: 700, text: double },
  { type: 'Edm.Boolean', oid: 16, text: fc.constantFrom('t', 'f') },
  { type: 'Edm.Date', oid: 1082, text: fc.constantFrom('2025-02-03', '0044-03-15 BC', 'infinity') },
  { type: 'Edm.TimeOfDay', oid: 1083, text: fc.constantFrom('10:20:30', '23:59:59.999999') },
  { type: 'Edm.Guid', oid: 2950, text: fc.uuid() },
  { type: 'Edm.DateTimeOffset', oid: 1184, text: timestamp },
  { type: 'Edm.DateTimeOffset', oid: 1114, text: timestamp },
  { type: 'Edm.String', oid: 25, text },
  { type: 'Edm.String', oid: 1043, text },
  // Mappings without a fast way take the general one: an int4 read as a string, a json column.
  { type: 'Edm.String', oid: 23, text: int(-5, 5) },
  { type: 'Edm.String', oid: 114, text: fc.constantFrom('{"a":1}', '[1,2]', '"x"') },
  { type: 'Edm.Int64', oid: 23, text: int(-1000, 1000) },
];

/** A DataRow message's body: int16 column count, then each column's int32 length and bytes. */
function dataRow(cells: (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [Buffer.from([cells.length >> 8, cells.length & 0xff])];
  for (const cell of cells) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(cell === null ? -1 : cell.length);
    parts.push(length);
    if (cell) parts.push(cell);
  }
  return Buffer.concat(parts);
}

/** What the bytes writer writes for rows, in chunks of `chunkSize`, joined. */
function written(
  writer: RowBytesWriter,
  rows: Buffer[],
  offset: number,
  chunkSize?: number,
  suffix?: string,
): string {
  const out: Buffer[] = [];
  const chunks = new JsonChunks((bytes, done) => {
    out.push(Buffer.from(bytes));
    done();
  }, chunkSize);
  for (const row of rows) {
    // The row inside a larger buffer, as it lies in a socket's chunk.
    const padded = Buffer.concat([Buffer.alloc(offset, 0xee), row, Buffer.alloc(3, 0xee)]);
    writer.write(
      chunks,
      padded,
      offset,
      offset + row.length,
      suffix === undefined ? undefined : Buffer.from(suffix),
    );
  }
  chunks.end();
  return Buffer.concat(out).toString('utf8');
}

const row = (columns: Column[]) =>
  fc.array(
    fc.option(
      fc.oneof(
        ...columns.map((c) => c.text.map((t) => Buffer.from(t, 'utf8'))),
        fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
      ),
    ),
    { minLength: columns.length, maxLength: columns.length },
  );

const scenario = fc.shuffledSubarray(COLUMNS, { minLength: 1 }).chain((columns) =>
  fc.record({
    columns: fc.constant(columns),
    rows: fc.array(row(columns), { minLength: 1, maxLength: 3 }),
    ieee754: fc.boolean(),
    omitNulls: fc.boolean(),
    prefix: fc.boolean(),
    /** Where the row starts in its buffer. */
    offset: fc.nat({ max: 40 }),
    /** Expanded properties written after the row's own. */
    suffix: fc.option(fc.constantFrom(',"Account":{"Id":7,"Name":"é"}', ',"Deals":[]', ''), {
      nil: undefined,
    }),
    /** Small chunks: rows spill into new ones. */
    chunkSize: fc.constantFrom(undefined, 1, 64),
  }),
);

describe('RowBytesWriter', () => {
  it('writes exactly the JSON rowWriter writes from pg’s parsed rows, for every type and text', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const properties: PropertyModel[] = s.columns.map((c, i) => ({
          name: `P${i}`,
          column: `c${i}`,
          type: c.type,
          nullable: true,
        }));
        // The statement selects one column the rows do not show, then theirs in reverse.
        const positions = new Map(properties.map((p, i) => [p, s.columns.length - i]));
        const statement = [23, ...s.columns.map((c) => c.oid).reverse()].map(sourceColumn);
        const options: RowWriterOptions = {
          ieee754: s.ieee754,
          omitNulls: s.omitNulls,
          prefix: s.prefix ? '"@odata.id":null' : undefined,
        };
        const suffix = s.suffix;
        const rows = s.rows.map((cells) => [Buffer.from('7'), ...[...cells].reverse()]);
        const reference = rowWriter(
          properties,
          { ...options, suffix: suffix === undefined ? undefined : () => suffix },
          positions,
        );
        const parsed = (cells: (Buffer | null)[]) => {
          try {
            return cells.map((cell, i) =>
              cell === null ? null : statement[i].parse(cell.toString('utf8')),
            );
          } catch {
            return null; // bytes PostgreSQL would never send for that type: pg's parser refuses
          }
        };
        const values = rows.map(parsed);
        fc.pre(values.every((v) => v !== null));
        const expected = values.map((v) => reference(v!)).join('');

        const writer = new RowBytesWriter(properties, positions, options);
        writer.describe(statement);
        expect(written(writer, rows.map(dataRow), s.offset, s.chunkSize, suffix)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes related rows joined into the same statement as rowWriter writes them after the row', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), {
          minLength: 3,
          maxLength: 3,
        }),
        (s, flags) => {
          // The statement: the row's own column (null or not), then for each of two related
          // rows its key (null: no related row) and the scenario's columns.
          const id: PropertyModel = {
            name: 'Id',
            column: 'id',
            type: 'Edm.Int32',
            nullable: true,
          };
          const width = 1 + s.columns.length;
          const propertiesAt = (first: number) => {
            const properties: PropertyModel[] = s.columns.map((c, i) => ({
              name: `P${i}`,
              column: `c${i}`,
              type: c.type,
              nullable: true,
            }));
            return { properties, positions: new Map(properties.map((p, i) => [p, first + i])) };
          };
          const a = propertiesAt(2);
          const b = propertiesAt(2 + width);
          const oids = s.columns.map((c) => c.oid);
          const statement = [23, 23, ...oids, 23, ...oids].map(sourceColumn);
          const options = { ieee754: s.ieee754, omitNulls: s.omitNulls };
          const rows = s.rows.map((cells, r) => {
            const [nullId, noA, noB] = flags[r % flags.length]!;
            const side = (absent: boolean, key: string) =>
              absent ? [null, ...cells.map(() => null)] : [Buffer.from(key), ...cells];
            return [nullId ? null : Buffer.from('7'), ...side(noA, '3'), ...side(noB, '4')];
          });
          let values: unknown[][];
          try {
            values = rows.map((cells) =>
              cells.map((cell, i) => (cell === null ? null : statement[i].parse(cell.toString()))),
            );
          } catch {
            return fc.pre(false); // bytes PostgreSQL would never send for that type
          }
          const writeA = rowWriter(a.properties, options, a.positions);
          const writeB = rowWriter(b.properties, options, b.positions);
          const reference = rowWriter(
            [id],
            {
              ...options,
              suffix: (row) =>
                `,"Account":${row[1] === null ? 'null' : writeA(row)}` +
                `,"Owner":${row[1 + width] === null ? 'null' : writeB(row)}`,
            },
            new Map([[id, 0]]),
          );
          const writer = new RowBytesWriter([id], new Map([[id, 0]]), {
            ...options,
            related: [
              {
                name: 'Account',
                writer: new RowBytesWriter(a.properties, a.positions, options),
                present: 1,
              },
              {
                name: 'Owner',
                writer: new RowBytesWriter(b.properties, b.positions, options),
                present: 1 + width,
              },
            ],
          });
          writer.describe(statement);
          expect(written(writer, rows.map(dataRow), s.offset, s.chunkSize)).toBe(
            values.map((v) => reference(v)).join(''),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a column back as pg would have parsed it, for the next link', () => {
    const id: PropertyModel = { name: 'Id', column: 'id', type: 'Edm.Int64', nullable: false };
    const at: PropertyModel = { name: 'At', column: 'at', type: 'Edm.Int32', nullable: true };
    const writer = new RowBytesWriter(
      [id, at],
      new Map([
        [id, 0],
        [at, 1],
      ]),
      { ieee754: false },
    );
    writer.describe([20, 23].map(sourceColumn));
    const body = Buffer.concat([
      Buffer.from('xx'),
      dataRow([Buffer.from('9007199254740993'), null]),
    ]);
    expect(writer.value(body, 2, 0)).toBe('9007199254740993');
    expect(writer.value(body, 2, 1)).toBeNull();
  });
});

describe('JsonChunks', () => {
  it('hands each chunk over once, in order, and reuses a chunk only once it is written', () => {
    const handed: { bytes: Buffer; copy: string; done: () => void }[] = [];
    const chunks = new JsonChunks((bytes, done) => {
      handed.push({ bytes, copy: bytes.toString(), done });
    });
    const big = 'x'.repeat(20 * 1024); // text() makes room for 3 bytes a character
    chunks.text(big);
    chunks.text(big); // does not fit: the first chunk goes
    chunks.text('é');
    chunks.end();
    expect(handed.map((h) => h.copy)).toEqual([big, `${big}é`]);
    // Not yet written: a new writer gets a fresh chunk, and the handed bytes stay as they were.
    const next = new JsonChunks(() => undefined);
    next.text('y'.repeat(100));
    expect(handed[0].bytes.toString()).toBe(big);
    handed[0].done();
    const reused = new JsonChunks((bytes) => handed.push({ bytes, copy: '', done: () => {} }));
    reused.text('z');
    reused.end();
    expect(handed.at(-1)!.bytes.buffer === handed[0].bytes.buffer).toBe(true);
  });
});
