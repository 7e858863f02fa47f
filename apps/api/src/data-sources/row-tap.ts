import { EventEmitter } from 'node:events';
import pg from 'pg';

/** PostgreSQL's DataRow message ('D'): one row, each column as a length and its text. */
const DATA_ROW = 0x44;
/** Every backend message: a type byte, then its length (which counts itself) as int32. */
const HEADER = 5;

/**
 * Takes the rows of one statement as PostgreSQL sent them: `describe` first, with each
 * column's type OID, then `row` for each DataRow message, whose body lies in
 * `bytes[start, end)`: an int16 column count, then per column an int32 length (-1: null) and
 * that many bytes of text in the client encoding (UTF-8). The bytes are the client's to keep:
 * nothing writes to them afterwards.
 */
export interface RowSink {
  describe(typeOids: number[]): void;
  row(bytes: Buffer, start: number, end: number): void;
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
    super(config);
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
      socket.on('data', (chunk: Buffer) => frames.take(chunk));
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
 * they are; a DataRow goes to the sink instead, when there is one. A message cut by the end
 * of a chunk waits for the next.
 */
class Framing {
  private carry: Buffer | null = null;

  constructor(
    private readonly toPg: (run: Buffer) => void,
    private readonly sink: () => RowSink | null,
  ) {}

  take(chunk: Buffer): void {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let offset = 0;
    let run = 0;
    while (offset + HEADER <= bytes.length) {
      const end = offset + 1 + bytes.readUInt32BE(offset + 1);
      if (end > bytes.length) break;
      if (bytes[offset] === DATA_ROW) {
        const sink = this.sink();
        if (sink) {
          // pg first reads what came before (the RowDescription, so `describe` runs first).
          if (run < offset) this.toPg(bytes.subarray(run, offset));
          sink.row(bytes, offset + HEADER, end);
          run = end;
        }
      }
      offset = end;
    }
    if (run < offset) this.toPg(bytes.subarray(run, offset));
    if (offset < bytes.length) this.carry = bytes.subarray(offset);
  }
}
