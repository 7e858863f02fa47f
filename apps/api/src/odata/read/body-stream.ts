import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { createEncoder, type ContentEncoding } from '../compression.js';

/** How much text is gathered before it is handed to the socket (or the compressor). */
const CHUNK_CHARS = 64 * 1024;

/**
 * A response body written as it is produced: text is gathered into chunks of about 64 kB,
 * compressed when the client accepts it, and each chunk waits for the socket to drain, so a
 * page never sits in memory twice and a slow client slows the reader instead of filling the
 * heap. Headers must be set before the first write.
 */
export class BodyStream {
  private pending = '';
  private readonly encoder: Transform | null;
  private readonly target: NodeJS.WritableStream;
  private started = false;

  constructor(
    private readonly res: ServerResponse,
    encoding: ContentEncoding | null,
    private readonly head = false,
  ) {
    this.encoder = encoding && !head ? createEncoder(encoding) : null;
    this.target = this.encoder ?? res;
    if (encoding) res.setHeader('Content-Encoding', encoding);
    if (this.encoder) this.encoder.pipe(res);
  }

  /** Queues text; resolves once the sink can take more. */
  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) await this.flush();
  }

  /** Writes what is queued and ends the response. */
  async end(): Promise<void> {
    if (this.head) {
      this.res.end();
      return;
    }
    if (!this.started && !this.encoder) {
      // A small body in one piece: a Content-Length instead of chunked encoding.
      const bytes = Buffer.from(this.pending, 'utf8');
      this.res.setHeader('Content-Length', bytes.length);
      this.res.end(bytes);
      return;
    }
    await this.flush();
    const finished = once(this.res, 'finish');
    this.target.end();
    await finished;
  }

  private async flush(): Promise<void> {
    if (this.head || this.pending === '') return;
    this.started = true;
    const chunk = this.pending;
    this.pending = '';
    if (!this.target.write(chunk, 'utf8')) await drained(this.target, this.res);
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
