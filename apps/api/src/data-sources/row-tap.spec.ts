import fc from 'fast-check';
import { Framing } from './row-tap.js';

/** A backend message: type byte, int32 length (counting itself), body. */
function message(type: number, body: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** Splits a run of whole messages back into them. */
function messagesIn(run: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < run.length;) {
    const end = at + 1 + run.readUInt32BE(at + 1);
    out.push(Buffer.from(run.subarray(at, end)));
    at = end;
  }
  return out;
}

const messages = fc.array(
  fc.record({
    // 'D' (DataRow) often, and the other kinds a statement brings: 'T', 'C', 'Z', 'E', 'N'.
    type: fc.constantFrom(0x44, 0x44, 0x44, 0x54, 0x43, 0x5a, 0x45, 0x4e),
    body: fc.uint8Array({ maxLength: 300 }),
  }),
  { maxLength: 40 },
);

describe('Framing', () => {
  it('hands each DataRow to the sink and all else to pg, in order, however the socket cuts the bytes', () => {
    fc.assert(
      fc.property(
        messages,
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        (list, cuts, tapped, reused) => {
          const stream = Buffer.concat(list.map((m) => message(m.type, m.body)));
          const events: string[] = [];
          const framing = new Framing(
            (run) => {
              for (const m of messagesIn(run)) events.push(`pg ${m.toString('hex')}`);
            },
            () =>
              tapped
                ? {
                    describe: () => undefined,
                    row: (bytes, start, end) =>
                      events.push(`row ${bytes.subarray(start, end).toString('hex')}`),
                  }
                : null,
          );
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          let from = 0;
          for (const to of [...points, stream.length]) {
            // One buffer read into again and again: what was in it before is overwritten.
            const chunk = reused ? Buffer.alloc(stream.length + 1, 0xee) : Buffer.alloc(to - from);
            stream.copy(chunk, 0, from, to);
            framing.take(chunk.subarray(0, to - from), reused);
            if (reused) chunk.fill(0xdd);
            from = to;
          }
          const expected = list.map((m) =>
            tapped && m.type === 0x44
              ? `row ${Buffer.from(m.body).toString('hex')}`
              : `pg ${message(m.type, m.body).toString('hex')}`,
          );
          expect(events).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
