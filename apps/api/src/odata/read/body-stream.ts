import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { createEncoder, type ContentEncoding } from '../compression.js';

/** Text or bytes waiting to be written; `written` is told when bytes have been. */
interface Queued {
  chunk: string | Buffer;
  written?: () => void;
}

/** How much text is gathered before it is handed to the socket (or the compressor). */
const CHUNK_CHARS = 64 * 1024;

export interface BodyHead {
  status: number;
  headers: Record<string, string>;
  /** Null: identity. */
  encoding: ContentEncoding | null;
  /** A HEAD request: headers only. */
  head: boolean;
}

/**
 * A response body written as it is produced: text is gathered into chunks of about 64 kB,
 * compressed when the client accepts it, and each chunk waits for the socket to drain, so a
 * page never sits in memory twice and a slow client slows the reader instead of filling the
 * heap. Status and headers go out with the first chunk, so a failure before it still gets a
 * clean error response.
 */
export class BodyStream {
  /** Text not yet handed on, after {@link queued}. */
  private pending = '';
  /** Chunks of bytes (and text before them) not yet handed on, in order. */
  private queued: Queued[] = [];
  private queuedBytes = 0;
  private encoder: Transform | null = null;
  private target: NodeJS.WritableStream | null = null;
  /** Set when the sink asked to wait: resolves on its 'drain' (listened for at once). */
  private draining: Promise<void> | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: BodyHead,
  ) {}

  private get head(): boolean {
    return this.options.head;
  }

  private begin(): NodeJS.WritableStream {
    if (this.target) return this.target;
    const { status, headers, encoding } = this.options;
    this.res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
    if (encoding) {
      this.res.setHeader('Content-Encoding', encoding);
      this.encoder = createEncoder(encoding);
      this.encoder.pipe(this.res);
    }
    this.target = this.encoder ?? this.res;
    return this.target;
  }

  /** Queues text; resolves once the sink can take more. */
  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) await this.flush();
  }

  /**
   * Queues text without waiting: for rows handed over by an event as the database sends them.
   * Full chunks go out at once; when the sink is full they queue there, so the caller must
   * bound what it pushes (one page) and then await {@link settle}.
   */
  push(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) this.send();
  }

  /**
   * Queues bytes without waiting (JSON written as bytes, odata/row-bytes.ts), as
   * {@link push} queues text; `written` runs once they are written (so their memory can be
   * reused), or never.
   */
  pushBytes(bytes: Buffer, written: () => void): void {
    if (this.pending) {
      this.queued.push({ chunk: this.pending });
      this.queuedBytes += this.pending.length;
      this.pending = '';
    }
    this.queued.push({ chunk: bytes, written });
    this.queuedBytes += bytes.length;
    if (this.queuedBytes >= CHUNK_CHARS) this.send();
  }

  /** Resolves once what was pushed has been taken by the sink. */
  async settle(): Promise<void> {
    const draining = this.draining;
    this.draining = null;
    if (draining) await draining;
  }

  /** Writes what is queued and ends the response. */
  async end(): Promise<void> {
    if (!this.target && (this.head || !this.options.encoding)) {
      // A body in one piece: a Content-Length instead of chunked encoding.
      const pieces = [...this.queued, { chunk: this.pending }];
      const bytes = Buffer.concat(
        pieces.map(({ chunk }) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)),
      );
      for (const piece of pieces) piece.written?.();
      this.begin();
      this.res.setHeader('Content-Length', bytes.length);
      this.res.end(this.head ? undefined : bytes);
      return;
    }
    await this.flush();
    const target = this.begin();
    const finished = once(this.res, 'finish');
    target.end();
    await finished;
  }

  private async flush(): Promise<void> {
    this.send();
    await this.settle();
  }

  /** Hands the queued text to the sink; notes whether the sink is full. */
  private send(): void {
    if (this.pending === '' && !this.queued.length) return;
    const target = this.begin();
    const pieces = this.queued;
    if (this.pending) pieces.push({ chunk: this.pending });
    this.queued = [];
    this.queuedBytes = 0;
    this.pending = '';
    if (this.head) {
      for (const piece of pieces) piece.written?.();
      return;
    }
    let full = false;
    for (const { chunk, written } of pieces) {
      full = !target.write(chunk, written) || full;
    }
    if (full && !this.draining) {
      const draining = drained(target, this.res);
      // Awaited by settle(); a client gone before then must not be an unhandled rejection.
      draining.catch(() => undefined);
      this.draining = draining;
    }
  }
}

/** Resolves on 'drain', or rejects when the client goes away first. */
function drained(stream: NodeJS.WritableStream, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('drain', done);
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      stream.off('drain', done);
      if (res.writableFinished) resolve();
      else reject(new Error('The client closed the connection'));
    };
    stream.on('drain', done);
    res.on('close', closed);
  });
}
