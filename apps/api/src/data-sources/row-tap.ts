import { EventEmitter } from 'node:events';
import net from 'node:net';
import pg from 'pg';

/** PostgreSQL's DataRow message ('D'): one row, each column as a length and its text. */
const DATA_ROW = 0x44;
/** Every backend message: a type byte, then its length (which counts itself) as int32. */
const HEADER = 5;
/** The one buffer a connection without TLS reads its socket into. */
const READ_BYTES = 64 * 1024;

/**
 * Takes the rows of one statement as PostgreSQL sent them: `describe` first, with each
 * column's type OID, then `row` for each DataRow message, whose body lies in
 * `bytes[start, end)`: an int16 column count, then per column an int32 length (-1: null) and
 * that many bytes of text in the client encoding (UTF-8). The bytes are valid during the call
 * only (the connection reads into them again): a row to keep must be copied.
 */
export interface RowSink {
  describe(typeOids: number[]): void;
  row(bytes: Buffer, start: number, end: number): void;
}

/** A socket that reads into one buffer, and where its reads go. */
interface Reading {
  socket: net.Socket;
  to: ((bytes: Buffer) => void) | null;
}

/** The parts of pg's connection the tap uses (pg/lib/connection.js). */
interface PgConnection extends EventEmitter {
  attachListeners(stream: EventEmitter): void;
}

/**
 * A `pg.Client` that can hand a statement's rows over as bytes instead of parsing them.
 *
 * pg turns every column of every row into a JS string, then into the value its type parser
 * makes of it: for a feed page that is ten strings per row, each written back out as JSON
 * text a moment later — the largest part of the server's work while paging (docs/PERFORMANCE.md).
 * {@link rawRows} instead passes each DataRow message's bytes to a {@link RowSink}, which
 * writes the JSON straight from them. Every other message takes pg's own way: the tap sits
 * between the socket (plain or TLS, once pg has set it up) and pg's protocol parser, frames
 * the messages and feeds pg all but the DataRows of a tapped statement, in order. pg still
 * runs the statement (extended protocol, parameters, errors, its queue and the pool) and
 * sees it complete, with no rows.
 */
export class RowTapClient extends pg.Client {
  private sink: RowSink | null = null;

  constructor(config?: string | pg.ClientConfig) {
    // Without TLS, the socket reads into one buffer, again and again (net.Socket's `onread`):
    // a page's rows then allocate nothing, where a new buffer per read is ≈ 1 MB a page of
    // memory outside V8's heap, which V8 frees only once enough of it has piled up. pg's
    // TLS upgrade needs a socket that emits 'data', so with TLS the socket is pg's own kind.
    let reading: Reading | null = null;
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const stream = (options?: { ssl?: unknown }) => {
      if (options?.ssl) return new net.Socket();
      const read: Reading = {
        socket: new net.Socket({
          onread: {
            buffer,
            callback: (size: number, bytes: Uint8Array) => {
              read.to?.(Buffer.from(bytes.buffer, bytes.byteOffset, size));
              return true;
            },
          },
        }),
        to: null,
      };
      reading = read;
      return read.socket;
    };
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), stream });
    const connection = (this as unknown as { connection: PgConnection }).connection;
    const attach = connection.attachListeners.bind(connection);
    // pg calls this once its socket is ready (after the TLS handshake, if any) with that
    // socket; pg's parser gets an emitter of its own, fed by the framing below.
    connection.attachListeners = (socket) => {
      const messages = new EventEmitter();
      attach(messages);
      const frames = new Framing(
        (run) => messages.emit('data', run),
        () => this.sink,
      );
      const read: Reading | null = reading;
      if (read?.socket === socket) read.to = (bytes) => frames.take(bytes, true);
      else socket.on('data', (chunk: Buffer) => frames.take(chunk, false));
      socket.on('end', () => messages.emit('end'));
    };
    connection.on('rowDescription', (message: { fields: { dataTypeID: number }[] }) =>
      this.sink?.describe(message.fields.map((field) => field.dataTypeID)),
    );
  }

  /**
   * Runs a statement, handing its rows to `sink` as they arrive; resolves with pg's result
   * (no rows; `rowCount` from the server) once the statement completed. The client must be
   * idle (checked out of the pool, nothing else queued on it). A sink that throws sees no
   * more rows, and its error is thrown once the statement is over (thrown inside the
   * socket's data handler, it would take the connection down with it).
   */
  async rawRows(text: string, values: unknown[], sink: RowSink): Promise<pg.QueryResult> {
    let failure: { error: unknown } | null = null;
    const guarded =
      <A extends unknown[]>(take: (...args: A) => void) =>
      (...args: A) => {
        if (failure) return;
        try {
          take(...args);
        } catch (error) {
          failure = { error };
        }
      };
    this.sink = {
      describe: guarded((oids: number[]) => sink.describe(oids)),
      row: guarded((bytes: Buffer, start: number, end: number) => sink.row(bytes, start, end)),
    };
    try {
      const result = await this.query({ text, values });
      if (failure) throw (failure as { error: unknown }).error;
      return result;
    } finally {
      this.sink = null;
    }
  }
}

/**
 * Splits the socket's bytes into backend messages. Runs of messages go to pg's parser as
 * they are (whole messages only, so it never keeps a reference to them); a DataRow goes to
 * the sink instead, when there is one. A message cut by the end of a chunk waits for the
 * next, copied when the chunk's buffer is read into again (`reused`). Exported for its spec.
 */
export class Framing {
  private carry: Buffer | null = null;

  constructor(
    private readonly toPg: (run: Buffer) => void,
    private readonly sink: () => RowSink | null,
  ) {}

  take(chunk: Buffer, reused: boolean): void {
    const offset = this.carry ? this.finishCarried(chunk) : 0;
    if (offset < 0) return;
    let at = offset;
    let run = offset;
    while (at + HEADER <= chunk.length) {
      const end = at + 1 + chunk.readUInt32BE(at + 1);
      if (end > chunk.length) break;
      if (chunk[at] === DATA_ROW) {
        const sink = this.sink();
        if (sink) {
          // pg first reads what came before (the RowDescription, so `describe` runs first).
          if (run < at) this.toPg(chunk.subarray(run, at));
          sink.row(chunk, at + HEADER, end);
          run = end;
        }
      }
      at = end;
    }
    if (run < at) this.toPg(chunk.subarray(run, at));
    if (at < chunk.length) {
      const rest = chunk.subarray(at);
      this.carry = reused ? Buffer.from(rest) : rest;
    }
  }

  /**
   * Completes the message the last chunk cut, from the start of this one, and hands it on:
   * only its own bytes are copied. Returns where the chunk's next message starts, or -1 when
   * the chunk did not finish it either.
   */
  private finishCarried(chunk: Buffer): number {
    let carry = this.carry!;
    let offset = 0;
    if (carry.length < HEADER) {
      offset = Math.min(HEADER - carry.length, chunk.length);
      carry = Buffer.concat([carry, chunk.subarray(0, offset)]);
    }
    const missing = carry.length < HEADER ? Infinity : 1 + carry.readUInt32BE(1) - carry.length;
    if (chunk.length - offset < missing) {
      this.carry = Buffer.concat([carry, chunk.subarray(offset)]);
      return -1;
    }
    const message = Buffer.concat([carry, chunk.subarray(offset, offset + missing)]);
    this.carry = null;
    const sink = message[0] === DATA_ROW ? this.sink() : null;
    if (sink) sink.row(message, HEADER, message.length);
    else this.toPg(message);
    return offset + missing;
  }
}
