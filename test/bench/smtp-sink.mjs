// The local SMTP server of the notices figure (smtp-server, plain SMTP on 127.0.0.1:PORT):
// it reads every message to its end, counts it and answers 250; nothing is parsed or kept.
// The parent asks for the count over IPC ({ type: 'count' }) and resets it ({ type: 'reset' }).
import { SMTPServer } from 'smtp-server';

let accepted = 0;
let bytes = 0;

const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  closeTimeout: 20,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', (chunk) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      accepted++;
      callback();
    });
  },
});
server.on('error', (error) => console.error(`sink: ${error.message}`));

process.on('message', (message) => {
  if (message.type === 'count') process.send({ type: 'count', accepted, bytes });
  if (message.type === 'reset') {
    accepted = 0;
    bytes = 0;
    process.send({ type: 'reset' });
  }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send({ type: 'ready' }));
