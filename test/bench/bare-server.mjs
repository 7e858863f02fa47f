// Baseline of the liveness figure: a bare node:http server that answers every request with
// the exact status, headers and body the app's liveness endpoint answered (given in
// BENCH_RESPONSE as JSON), on 127.0.0.1:PORT. Started and stopped by run.mjs.
import { createServer } from 'node:http';

const { status, headers, body } = JSON.parse(process.env.BENCH_RESPONSE);
const bytes = Buffer.from(body, 'base64');
const raw = headers.flat();

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(status, raw);
  res.end(bytes);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
