import { BatchedRead } from './batched-read';

/** A `readMany` whose statements the test answers by hand, in any order. */
function statements() {
  const sent: Array<{
    keys: string[];
    answer: (values?: Record<string, string>) => void;
    fail: (error: Error) => void;
  }> = [];
  const readMany = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      sent.push({
        keys,
        // By default every key reads as `value-of-{key}`.
        answer: (values) =>
          resolve(
            new Map(
              Object.entries(values ?? Object.fromEntries(keys.map((k) => [k, `value-of-${k}`]))),
            ),
          ),
        fail: reject,
      });
    });
  return { sent, readMany };
}

/** Lets the batch go out: it is sent in the next turn of the event loop. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function batched(options: Partial<{ maxInFlight: number; maxBatch: number }> = {}) {
  const db = statements();
  const reads = new BatchedRead<string, string>(db.readMany, {
    idOf: (key) => key,
    maxInFlight: options.maxInFlight ?? 2,
    maxBatch: options.maxBatch ?? 100,
  });
  return { db, reads };
}

describe('BatchedRead', () => {
  it('sends a lone read as a statement of its own, in the next turn', async () => {
    const { db, reads } = batched();
    const read = reads.read('a');
    expect(db.sent).toHaveLength(0);
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([['a']]);
    db.sent[0]!.answer();
    await expect(read).resolves.toBe('value-of-a');
  });

  it('reads what was asked in one turn in one statement, each key once', async () => {
    const { db, reads } = batched();
    const answers = Promise.all(['a', 'b', 'a', 'c', 'b'].map((k) => reads.read(k)));
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([['a', 'b', 'c']]);
    db.sent[0]!.answer();
    await expect(answers).resolves.toEqual([
      'value-of-a',
      'value-of-b',
      'value-of-a',
      'value-of-c',
      'value-of-b',
    ]);
  });

  it('answers a key the statement did not return with undefined', async () => {
    const { db, reads } = batched();
    const found = reads.read('a');
    const missing = reads.read('gone');
    await nextTurn();
    db.sent[0]!.answer({ a: 'row a' });
    await expect(found).resolves.toBe('row a');
    await expect(missing).resolves.toBeUndefined();
  });

  it('never lets a read join a statement already sent: it waits for the next one', async () => {
    const { db, reads } = batched({ maxInFlight: 1 });
    const early = reads.read('token');
    await nextTurn();
    expect(db.sent).toHaveLength(1);

    // Asked while the first statement is on its way (the row may have changed since it left).
    const late = reads.read('token');
    await nextTurn();
    expect(db.sent).toHaveLength(1); // one statement in flight at most

    db.sent[0]!.answer({ token: 'before the change' });
    await expect(early).resolves.toBe('before the change');
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([['token'], ['token']]);
    db.sent[1]!.answer({ token: 'after the change' });
    await expect(late).resolves.toBe('after the change');
  });

  it('keeps at most maxInFlight statements out, and gathers the rest into the next', async () => {
    const { db, reads } = batched({ maxInFlight: 2 });
    const first = reads.read('a');
    await nextTurn();
    const second = reads.read('b');
    await nextTurn();
    const waiting = ['c', 'd', 'e'].map((k) => reads.read(k));
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([['a'], ['b']]);

    db.sent[1]!.answer();
    await expect(second).resolves.toBe('value-of-b');
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    db.sent[2]!.answer();
    db.sent[0]!.answer();
    await expect(Promise.all([first, ...waiting])).resolves.toEqual([
      'value-of-a',
      'value-of-c',
      'value-of-d',
      'value-of-e',
    ]);
  });

  it('splits a crowd into statements of at most maxBatch keys', async () => {
    const { db, reads } = batched({ maxInFlight: 2, maxBatch: 2 });
    const answers = Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => reads.read(k)));
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    db.sent[0]!.answer();
    await nextTurn(); // the answer settles, and the next statement is scheduled
    await nextTurn(); // and sent
    expect(db.sent.map((s) => s.keys)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    db.sent[1]!.answer();
    db.sent[2]!.answer();
    await expect(answers).resolves.toEqual(['a', 'b', 'c', 'd', 'e'].map((k) => `value-of-${k}`));
  });

  it('fails only the reads of a failed statement, and goes on with the next', async () => {
    const { db, reads } = batched({ maxInFlight: 1 });
    const failed = Promise.all([reads.read('a'), reads.read('b')]);
    await nextTurn();
    const after = reads.read('c');
    db.sent[0]!.fail(new Error('connection terminated'));
    await expect(failed).rejects.toThrow('connection terminated');
    await nextTurn();
    expect(db.sent.map((s) => s.keys)).toEqual([['a', 'b'], ['c']]);
    db.sent[1]!.answer();
    await expect(after).resolves.toBe('value-of-c');
  });
});
