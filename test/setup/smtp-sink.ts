import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { freePort } from './free-port';

/** One message the sink accepted: the SMTP envelope, the raw RFC 5322 source and its parse. */
export interface ReceivedMail {
  /** RCPT TO addresses, lower case. */
  to: string[];
  from: string;
  raw: string;
  parsed: ParsedMail;
  subject: string;
  text: string;
  html: string;
}

/**
 * How the sink answers the DATA of a message: accept it, refuse it with a temporary (4xx)
 * or permanent (5xx) SMTP error, as a full or broken mail server would, or `stall`: take
 * the message and not answer until the test says so (`stalled`), to catch a sender mid-send.
 */
export type SinkMode = 'accept' | 'reject-temporary' | 'reject-permanent' | 'stall';

/** A message held in `stall` mode, waiting for the test to decide its fate. */
export interface StalledMail {
  raw: string;
  /** Answer 250 and keep it (it joins `messages`). */
  accept(): void;
  /** Answer with an SMTP error: nothing delivered. */
  reject(code?: number): void;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) =>
    a.value.map((v) => (v.address ?? '').toLowerCase()),
  );

/**
 * A real SMTP server (`smtp-server`) on a free loopback port that collects every accepted
 * message, parsed with `mailparser`. `stop()` closes it (connections are refused, open ones
 * dropped) and `start()` brings it back on the same port, so an outage and a recovery can
 * be played against the app's pooled nodemailer transport.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** DATA commands received, accepted or not (a refused message counts too). */
  attempts = 0;
  mode: SinkMode = 'accept';
  /** Messages held in `stall` mode, oldest first. */
  readonly stalled: StalledMail[] = [];
  private server?: SMTPServer;
  private stallWaiters: (() => void)[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink(await freePort());
    await sink.start();
    return sink;
  }

  /** The SMTP_URL of the app under test. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Messages for one recipient, in arrival order. */
  for(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((m) => m.to.includes(wanted));
  }

  clear(): void {
    this.messages.length = 0;
    this.attempts = 0;
    this.stalled.length = 0;
  }

  /** Listens (again) on this sink's port. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      // Plain SMTP on loopback: no STARTTLS offer (the app would try to upgrade) and no AUTH.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      closeTimeout: 20,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    server.on('error', () => undefined);
    await new Promise<void>((done, fail) => {
      server.server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => {
        server.server.off('error', fail);
        done();
      });
    });
    this.server = server;
  }

  /** Resolves once `count` messages are held in `stall` mode (no polling, no sleeping). */
  waitForStalled(count = 1): Promise<void> {
    if (this.stalled.length >= count) return Promise.resolve();
    return new Promise((done) => {
      const check = () => {
        if (this.stalled.length >= count) done();
        else this.stallWaiters.push(check);
      };
      this.stallWaiters.push(check);
    });
  }

  /** Stops listening and drops open connections: the app's next send is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((done) => server.close(() => done()));
  }

  private receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      this.attempts++;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (this.mode === 'stall') {
        let answered = false;
        const answer = (fn: () => void) => {
          if (answered) return;
          answered = true;
          fn();
        };
        this.stalled.push({
          raw,
          accept: () => answer(() => this.keep(raw, session, callback)),
          reject: (code = 451) =>
            answer(() =>
              callback(Object.assign(new Error('Rejected by the test'), { responseCode: code })),
            ),
        });
        const waiters = this.stallWaiters;
        this.stallWaiters = [];
        waiters.forEach((w) => w());
        return;
      }
      if (this.mode !== 'accept') {
        const temporary = this.mode === 'reject-temporary';
        const error = Object.assign(
          new Error(temporary ? 'Mailbox busy, try again later' : 'Message rejected by policy'),
          {
            responseCode: temporary ? 451 : 554,
          },
        );
        callback(error);
        return;
      }
      this.keep(raw, session, callback);
    });
  }

  private keep(
    raw: string,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ): void {
    simpleParser(raw)
      .then((parsed) => {
        this.messages.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw,
          parsed,
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
        });
        callback();
      })
      .catch((error: Error) => callback(error));
  }
}

/** The header `To:` addresses of a parsed message (lower case). */
export const headerTo = (mail: ReceivedMail): string[] => addresses(mail.parsed.to);
