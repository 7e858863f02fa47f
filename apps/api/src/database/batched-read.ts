/**
 * Point reads gathered into one statement. Many requests at once each need one row by key
 * (the feed's sign-in: the token by its digest); rather than one round trip each, the keys
 * asked for in one turn of the event loop go out together, and keys asked for while those
 * statements run go out together as soon as one comes back.
 *
 * The one guarantee callers rely on: **a read is answered only by a statement sent after it
 * was asked for.** A key never joins a statement already on its way, so a row changed before
 * the read was asked (a token revoked a moment ago, on any instance) is seen as changed.
 * Identical keys waiting for the same statement are read once.
 *
 * Under no load a read costs one statement, sent in the next turn of the event loop. Under
 * load the cost of a round trip — in this process mostly the socket write that wakes the
 * database (`docs/PERFORMANCE.md`) — is shared by every read in the batch.
 */
export interface BatchedReadOptions<K> {
  /** Identical keys (by this string) share one read. */
  idOf: (key: K) => string;
  /** Statements in flight at once; the rest of the keys wait for one of them to come back. */
  maxInFlight: number;
  /** Keys in one statement, at most. */
  maxBatch: number;
}

interface Waiting<K, V> {
  key: K;
  callers: Array<{ resolve: (value: V | undefined) => void; reject: (error: unknown) => void }>;
}

export class BatchedRead<K, V> {
  private waiting = new Map<string, Waiting<K, V>>();
  private inFlight = 0;
  private scheduled = false;

  /**
   * `readMany` reads the keys in one statement and returns the values by the key's id; a key
   * it leaves out reads as undefined. If it throws, every read of that batch rejects with it.
   */
  constructor(
    private readonly readMany: (keys: K[]) => Promise<Map<string, V>>,
    private readonly options: BatchedReadOptions<K>,
  ) {}

  read(key: K): Promise<V | undefined> {
    const id = this.options.idOf(key);
    let entry = this.waiting.get(id);
    if (!entry) {
      entry = { key, callers: [] };
      this.waiting.set(id, entry);
    }
    const callers = entry.callers;
    const answer = new Promise<V | undefined>((resolve, reject) => {
      callers.push({ resolve, reject });
    });
    this.schedule();
    return answer;
  }

  /** Sends what waits in the next turn of the event loop, when a statement may go out. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || !this.waiting.size) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.size) {
      const batch: Array<[string, Waiting<K, V>]> = [];
      for (const item of this.waiting) {
        batch.push(item);
        this.waiting.delete(item[0]);
        if (batch.length === this.options.maxBatch) break;
      }
      this.inFlight++;
      this.readMany(batch.map(([, entry]) => entry.key))
        .then(
          (values) => {
            for (const [id, entry] of batch) {
              const value = values.get(id);
              for (const caller of entry.callers) caller.resolve(value);
            }
          },
          (error: unknown) => {
            for (const [, entry] of batch) for (const caller of entry.callers) caller.reject(error);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    }
  }
}
