import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const server = globalThis.__FEEDPASS_PG__;
  if (!server) return;
  await server.stop();
  rmSync(server.dir, { recursive: true, force: true });
}
